"""Accent restoration: real phrases from the documents, what is never changed, tone placement, the
confidence gate, the cache, and the retrieval check (questions typed without accents reach the level of
the same questions typed with them)."""
from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from qa.accents.model import (
    CODE,
    NUM,
    ROMAN,
    AccentModel,
    NgramLM,
    accent_share,
    build_model,
    candidate_forms,
    document_sentences,
    load_or_build,
    segments,
    tokenize,
)
from qa.accents.restorer import AccentRestorer, needs_restoration, restore_document_text
from qa.ingest.normalize import normalize_document
from qa.text.vietnamese import fold
from tests.scoring import retrieval_scores

DEV = Path(__file__).resolve().parents[3] / "shared" / "eval" / "dev.jsonl"


@pytest.fixture(scope="module")
def seed_raws(seeds_dir) -> dict[str, str]:
    return {p.name[:3]: p.read_text(encoding="utf-8") for p in sorted(seeds_dir.glob("*.txt"))}


@pytest.fixture(scope="module")
def restorer(seed_raws) -> AccentRestorer:
    """The model an index of the five seeds gets: the seeds plus the packages' general text."""
    return AccentRestorer(build_model(seed_raws.values()))


class TestRestorations:
    @pytest.mark.parametrize(("typed", "restored"), [
        ("chi tieu giao quan nam 2022", "chỉ tiêu giao quân năm 2022"),
        ("ty le lao dong qua dao tao", "tỷ lệ lao động qua đào tạo"),
        ("nguyen nhan chu quan cua han che", "nguyên nhân chủ quan của hạn chế"),
        ("kim ngach xuat khau hai phong", "kim ngạch xuất khẩu hải phòng"),
        ("nha o xa hoi", "nhà ở xã hội"),
        ("Ban Thuong vu Thanh uy", "Ban Thường vụ Thành ủy"),
        ("Bao dam quoc phong - an ninh", "Bảo đảm quốc phòng - an ninh"),
        ("cai cach hanh chinh, chuyen doi so", "cải cách hành chính, chuyển đổi số"),
        ("KET QUA THUC HIEN NHIEM VU", "KẾT QUẢ THỰC HIỆN NHIỆM VỤ"),
        # roman numerals in running text stay numerals ("khóa VI", not "khóa VỊ")
        ("Hoi nghi lan thu 7 khoa XVI", "Hội nghị lần thứ 7 khóa XVI"),
        ("nhiem vu trong tam quy II nam 2022", "nhiệm vụ trọng tâm quý II năm 2022"),
        ("Dai hoi Dang bo thanh pho lan thu XVI", "Đại hội Đảng bộ thành phố lần thứ XVI"),
        # codes, acronyms, numbers, OCR-damaged tokens and foreign words are kept as typed
        ("Ket luan so 244-KL/TU cua Ban Thuong vu Thanh uy",
         "Kết luận số 244-KL/TU của Ban Thường vụ Thành ủy"),
        ("UBND thanh pho", "UBND thành phố"),
        ("Phu luc A", "Phụ lục A"),
        ("dat 920,7 trieu USD", "đạt 920,7 triệu USD"),
        ("so s6 nghi quyet", "số s6 nghị quyết"),
        ("phat trien logistics", "phát triển logistics"),
    ])
    def test_real_phrases(self, restorer, typed, restored):
        assert restorer.restore(typed).text == restored

    @pytest.mark.parametrize("text", [
        "Hội nghị lần thứ 7 khóa XVI",
        "Thành uỷ chỉ đạo hoà giải",  # old tone placement, as typed
        "chỉ tiêu giao quân năm 2022",
        "Tỷ lệ hộ dân sử dụng nước sạch theo tiêu chuẩn đạt 100%.",
    ])
    def test_accented_text_is_never_changed(self, restorer, text):
        assert restorer.restore(text).text == text
        assert restorer.restore_question(text) == ""

    def test_accented_words_stay_and_give_context(self, restorer):
        assert restorer.restore("chi tieu giao quân").text == "chỉ tiêu giao quân"
        assert restorer.restore_question("chi tieu giao quân nam 2022") == "chỉ tiêu giao quân năm 2022"

    def test_question_with_most_accents_is_left_alone(self, restorer):
        assert restorer.restore_question("Tỷ lệ lao động qua dao tao năm 2022 là bao nhiêu?") == ""

    def test_same_length_and_case_copied(self, restorer):
        typed = "THANH UY HAI PHONG\nHai Phong: thanh uy, UBND"
        out = restorer.restore(typed).text
        assert out == "THÀNH ỦY HẢI PHÒNG\nHải Phòng: thành ủy, UBND"
        assert len(out) == len(typed) and fold(out) == typed

    def test_unknown_word_is_kept(self, restorer):
        r = restorer.restore("xyzw qwerty")
        assert r.text == "xyzw qwerty" and r.tokens == []


class TestTonePlacement:
    def test_old_and_new_placement_train_the_same_model(self):
        old = NgramLM.train(segments("Thành uỷ chỉ đạo hoà giải, khoẻ mạnh"))
        new = NgramLM.train(segments("Thành ủy chỉ đạo hòa giải, khỏe mạnh"))
        assert old.tri == new.tri

    @pytest.mark.parametrize(("typed", "restored"), [("hoa binh", "hòa bình"), ("thanh uy", "thành ủy")])
    def test_output_uses_the_new_placement(self, restorer, typed, restored):
        assert restorer.restore(typed).text == restored

    def test_both_placements_in_training_are_one_form(self):
        lm = NgramLM.train([*segments("Thành uỷ họp"), *segments("Thành ủy họp")])
        assert candidate_forms(lm)["uy"] == ("ủy",)


@pytest.fixture(scope="module")
def even() -> AccentModel:
    """"ban" is as often "bàn" as "bán", and nothing around it decides."""
    lm = NgramLM.train([["bàn"], ["bán"], ["ở", "đây"]])
    return AccentModel(lm, lm, candidate_forms(lm), 1.0)


class TestConfidence:

    def test_unsure_keeps_the_folded_form(self, even):
        r = AccentRestorer(even, min_confidence=0.6).restore("ban")
        assert r.text == "ban"
        assert r.tokens[0].confidence == pytest.approx(0.5, abs=0.01)

    def test_without_a_gate_the_best_reading_is_taken(self, even):
        assert AccentRestorer(even, min_confidence=0.0).restore("ban").text in ("bàn", "bán")

    def test_sure_words_are_restored_through_the_gate(self, even):
        assert AccentRestorer(even, min_confidence=0.6).restore("o day").text == "ở đây"

    def test_every_word_below_the_gate_is_folded(self, restorer, seed_raws):
        text = normalize_document(seed_raws["004"]).text  # OCR without accents: never seen in training
        restored, tokens = restore_document_text(text, restorer)
        assert len(restored) == len(text)
        low = [t for t in tokens if t.confidence < restorer.min_confidence]
        assert low, "the excerpt should have some unsure words"
        assert all(t.restored == t.original for t in low)
        assert all(restored[t.start:t.end] == t.restored for t in tokens)

    def test_thresholds_are_validated(self, even):
        with pytest.raises(ValueError):
            AccentRestorer(even, min_confidence=1.0)


class TestTokensAndDetection:
    def test_tokens_and_segments(self):
        text = "Kết luận số 244-KL/TU, ngày 5/3/2022 của Thành ủy khóa XVI"
        kinds = [(text[t.start:t.end], t.kind) for t in tokenize(text)]
        assert ("244-KL/TU", "code") in kinds and ("5/3/2022", "num") in kinds
        assert list(segments(text)) == [["kết", "luận", "số", CODE],
                                        ["ngày", NUM, "của", "thành", "ủy", "khóa", ROMAN]]

    def test_accent_stripped_documents_are_detected(self, seed_raws):
        texts = {d: normalize_document(raw).text for d, raw in seed_raws.items()}
        assert needs_restoration(texts["004"])  # OCR'd with an English model
        assert not any(needs_restoration(texts[d]) for d in ("000", "001", "002", "003"))
        assert needs_restoration(fold(texts["001"]))
        assert accent_share("chi tieu giao quan") == 0.0

    def test_accent_stripped_documents_do_not_train_the_model(self, seed_raws):
        assert document_sentences(seed_raws["004"]) == []
        assert document_sentences(seed_raws["001"])


class TestCache:
    def test_built_once_then_loaded(self, tmp_path, seed_raws):
        docs = [("h001", seed_raws["001"]), ("h003", seed_raws["003"])]
        first = load_or_build(tmp_path, docs)
        files = sorted(p.name for p in tmp_path.iterdir())
        assert len(files) == 3 and files[0] == "documents" and files[1].startswith("domain-")
        assert files[2].startswith("general-")
        assert sorted(p.name for p in (tmp_path / "documents").iterdir()) == ["h001.pkl", "h003.pkl"]
        again = load_or_build(tmp_path, list(reversed(docs)))
        assert again.forms == first.forms and again.domain.tri == first.domain.tri
        third = load_or_build(tmp_path, docs[:1])  # another document set replaces the in-domain cache
        assert len(list(tmp_path.glob("domain-*.pkl"))) == 1 and third.domain.tri != first.domain.tri

    def test_another_document_set_counts_only_its_new_documents_and_trains_the_same_model(
            self, tmp_path, seed_raws, monkeypatch):
        import qa.accents.model as accent_model
        load_or_build(tmp_path, [("h001", seed_raws["001"]), ("h003", seed_raws["003"])])
        read: list[str] = []
        counted = accent_model.document_sentences
        monkeypatch.setattr(accent_model, "document_sentences", lambda raw: read.append(raw) or counted(raw))
        docs = [("h000", seed_raws["000"]), ("h001", seed_raws["001"]), ("h003", seed_raws["003"])]
        model = load_or_build(tmp_path, docs)
        assert read == [seed_raws["000"]]
        fresh = build_model([raw for _, raw in docs], model.general)
        assert model.domain.tri == fresh.domain.tri and model.forms == fresh.forms
        assert model.domain.d3 == pytest.approx(fresh.domain.d3)
        load_or_build(tmp_path, docs[:1])  # a document no longer indexed leaves its counts behind
        assert sorted(p.name for p in (tmp_path / "documents").iterdir()) == ["h000.pkl"]

    def test_damaged_or_foreign_cache_is_rebuilt(self, tmp_path, seed_raws):
        docs = [("h001", seed_raws["001"])]
        load_or_build(tmp_path, docs)
        domain = next(tmp_path.glob("domain-*.pkl"))
        domain.write_bytes(pickle.dumps(Path("x")))  # an object, not plain data: refused
        general = next(tmp_path.glob("general-*.pkl"))
        general.write_bytes(b"not a pickle")
        model = load_or_build(tmp_path, docs)
        assert model.forms["tieu"][0] == "tiêu"


class TestQueryAndAnswer:
    def test_understand_fills_restored(self, restorer):
        from qa.search.query import understand
        q = understand("ty le lao dong qua dao tao cua quan kien an nam 2022", restorer)
        assert q.restored == "tỷ lệ lao động qua đào tạo của quận kiến an năm 2022"
        assert q.text == "ty le lao dong qua dao tao cua quan kien an nam 2022"
        assert understand("tỷ lệ lao động qua đào tạo", restorer).restored == ""
        assert understand("ty le lao dong").restored == ""

    def test_answer_json_carries_restored_question(self, restorer):
        from qa.answers.answer import Answer
        from qa.search.query import understand
        q = understand("chi tieu giao quan nam 2022", restorer)
        out = Answer(q.text, False, "", [], "", q).to_json()
        assert out["restored_question"] == "chỉ tiêu giao quân năm 2022"
        plain = understand("chỉ tiêu giao quân năm 2022", restorer)
        assert "restored_question" not in Answer(plain.text, False, "", [], "", plain).to_json()


# ------------------------------------------------------------------------------------------------
# Retrieval: the dev set's accent-free questions against their accented twins
# ------------------------------------------------------------------------------------------------

TWINS = {
    # the dev set's no_diacritics questions typed with accents (written here, not in the dev set)
    "q056": "tỷ lệ lao động qua đào tạo của quận kiến an năm 2022 là bao nhiêu",
    "q057": "kim ngạch xuất khẩu hải phòng quý 1 năm 2021",
    "q062": "nhà ở xã hội quý 2 năm 2023 thành ủy chỉ đạo gì",
    "q064": "vốn FDI hải phòng thu hút quý 1 năm 2021",
    "q067": "nguyên nhân chủ quan của hạn chế trong báo cáo sơ kết giữa nhiệm kỳ",
    "q069": "tỷ lệ hộ dân dùng nước sạch kiến an 2022",
}


@pytest.fixture(scope="module")
def setup(assistant):
    """The restorer an index of the seeds gets, and the dev set."""
    from qa.evaluation import load_gold
    if not DEV.exists():
        pytest.skip("no dev set beside the repository")
    index = assistant.index
    return AccentRestorer(build_model(index.raw_text(d) for d in index.documents)), load_gold(DEV)


@pytest.mark.slow
class TestRetrieval:

    def test_accent_free_questions_reach_their_accented_twins(self, assistant, setup):
        from qa.evaluation import GoldItem
        restorer, gold = setup
        typed = [i for i in gold if i.type == "no_diacritics"]
        assert {i.id for i in typed} == set(TWINS)
        twins = [GoldItem(i.id, TWINS[i.id], i.type, i.evidence) for i in typed]
        assert all(fold(t.question) == i.question for t, i in zip(twins, typed))
        hit_t, mrr_t = retrieval_scores(assistant, twins, None)
        hit_r, mrr_r = retrieval_scores(assistant, typed, restorer)
        assert hit_r >= hit_t - 0.05 and mrr_r >= mrr_t - 0.05

    def test_dense_leg_understands_stripped_questions(self, assistant, setup):
        """Every accented dev question, stripped: the dense leg alone finds ~1 in 8 without the restorer,
        and as many as with the accents once restored."""
        from qa.evaluation import GoldItem
        restorer, gold = setup
        accented = [i for i in gold if i.evidence and fold(i.question) != i.question]
        stripped = [GoldItem(i.id, fold(i.question), i.type, i.evidence) for i in accented]
        hit_a, mrr_a = retrieval_scores(assistant, accented, None, dense_only=True)
        hit_s, _ = retrieval_scores(assistant, stripped, None, dense_only=True)
        hit_r, mrr_r = retrieval_scores(assistant, stripped, restorer, dense_only=True)
        assert hit_s < hit_a - 0.3
        assert hit_r >= hit_a - 0.05 and mrr_r >= mrr_a - 0.05
        hyb_a, hyb_mrr_a = retrieval_scores(assistant, accented, None)
        hyb_r, hyb_mrr_r = retrieval_scores(assistant, stripped, restorer)
        assert hyb_r >= hyb_a - 0.05 and hyb_mrr_r >= hyb_mrr_a - 0.05
