"""One topic across periods: the topic left once comparison words go, the period of each passage (on the
seeds' real sections), figures in real lines, and comparisons on the seeds with the real model."""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from qa.answers.compare import (
    Comparison,
    Group,
    comparison_topic,
    find_facts,
    is_comparison,
    passage_placement,
    raw_location,
    section_kind,
)
from qa.evaluation import covers, quote_spans
from qa.ingest.chunking import chunk_document
from qa.metadata.periods import Period
from qa.search.query import understand
from qa.text.sentences import units
from qa.text.vietnamese import fold

ROOT = Path(__file__).absolute().parents[2]
GOLD = ROOT.parent / "shared" / "eval" / "dev.jsonl"
D000, D001, D002, D003, D004 = (
    "000_8c3560b8c842f969.txt", "001_95cc513b1827014b.txt", "002_9a848fccd39ea821.txt",
    "003_0d637f8b2f5018ff.txt", "004_d7018a7c681a6f88.txt")


# ---------------------------------------------------------------------------------------------------------
# The topic of a comparison question
# ---------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("question,topic", [
    ("So sánh nhiệm vụ trọng tâm quý II năm 2021, 2022 và 2023 về giải ngân vốn đầu tư công",
     "nhiệm vụ trọng tâm về giải ngân vốn đầu tư công"),
    ("Chỉ tiêu giao quân qua các năm", "Chỉ tiêu giao quân"),
    ("Tai nạn giao thông quý I 2021 so với quý I 2022", "Tai nạn giao thông"),
    ("Chỉ số sản xuất công nghiệp quý I các năm 2021, 2022 và 2023 biến động thế nào?",
     "Chỉ số sản xuất công nghiệp"),
    ("Chủ trương về nhà ở xã hội thay đổi thế nào giữa quý II/2022 và quý II/2023?",
     "Chủ trương về nhà ở xã hội"),
    ("Công tác chuyển đổi số được chỉ đạo và đánh giá thế nào trong năm 2022 và năm 2023?",
     "Công tác chuyển đổi số"),
    ("Kết quả sơ kết giữa nhiệm kỳ qua các năm", "Kết quả sơ kết giữa nhiệm kỳ"),  # "giữa": no "between"
    ("so sanh chi tieu giao quan qua cac nam", "chi tieu giao quan"),
    ("Thu ngân sách 6 tháng đầu năm 2023 so với cùng kỳ", "Thu ngân sách"),
])
def test_comparison_topic_drops_comparison_and_period_words(question, topic):
    assert comparison_topic(question) == topic


@pytest.mark.parametrize("question,expected", [
    ("Chỉ tiêu giao quân qua các năm", True),
    ("Tai nạn giao thông quý I 2021 so với quý I 2022", True),
    ("Công tác chuyển đổi số được chỉ đạo và đánh giá thế nào trong năm 2022 và năm 2023?", True),
    ("Tai nạn giao thông quý I năm 2022 so với cùng kỳ", True),
    ("GDP của thành phố quý I năm 2021 tăng bao nhiêu so với cả nước?", False),  # one period only
    ("Từ đầu nhiệm kỳ 2020 - 2025 đã sắp xếp bao nhiêu lượt cán bộ?", False),  # a term is not two periods
    ("chỉ tiêu giao quân năm 2022", False),
])
def test_is_comparison(question, expected):
    assert is_comparison(understand(question)) is expected


# ---------------------------------------------------------------------------------------------------------
# The period of a passage, on the seeds' real section paths
# ---------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("heading,kind", [
    ("1. Về tình hình, kết quả thực hiện nhiệm vụ quý I", "review"),
    ("1. Kết quả đạt được", "review"),
    ("2. Một số nhiệm vụ trọng tâm quý II năm 2022", "plan"),
    ("2.3. Tập trung cao lãnh đạo, chỉ đạo thực hiện các nhiệm vụ, giải pháp phát triển kinh…", "plan"),
    ("CHỈ TIÊU KẾ HOẠCH NĂM 2022", "plan"),
    ("I. KIỂM ĐIỂM SỰ LÃNH ĐẠO, CHỈ ĐẠO CỦA THÀNH ỦY, BAN THƯỜNG VỤ THÀNH ỦY, THƯỜNG TRỰC…", "review"),
    ("IV. MỘT SỐ VẤN ĐỀ TRỌNG TÂM TIẾP TỤC LÃNH ĐẠO, CHỈ ĐẠO TRONG THỜI GIAN TỚI", "plan"),
    ("I. KET QUA THUC HIEN NHIEM VU QUY I; NHIEM VU, GIAI PHAP TRONG TAM QUY II NAM 2023", None),  # both
    ("2.1. Làm tốt công tác xây dựng Đảng, hệ thống chính trị, vận động Nhân dân", None),
])
def test_section_kind(heading, kind):
    assert section_kind(heading) == kind


_004_I = ("HOI NGHI THANH UY LAN THU 11, KHOA XVI > I. KET QUA THUC HIEN NHIEM VU QUY I; NHIEM VU, GIAI PHAP "
          "TRONG TAM QUY II NAM 2023")
_003_I = "BÁO CÁO > I. KIỂM ĐIỂM SỰ LÃNH ĐẠO, CHỈ ĐẠO CỦA THÀNH ỦY, BAN THƯỜNG VỤ THÀNH ỦY, THƯỜNG TRỰC…"
_001_II = "HỘI NGHỊ LẦN THỨ BẢY > II. CHỦ ĐỀ, CHỈ TIÊU, NHIỆM VỤ, GIẢI PHÁP NĂM 2022"
_000_2 = "KẾT LUẬN > 2. Một số nhiệm vụ trọng tâm quý II năm 2022"
_000_22 = "2.2. Hoàn thành các chỉ tiêu, nhiệm vụ về kinh tế - xã hội, quốc phòng, an ninh, đối ngoại"
_003_REVIEW = (Period(2020), Period(2021), Period(2022), Period(2023, half=1))
PLACEMENTS = [
    # doc, section path as the chunker gives it, passage text, periods, span
    ("000", "KẾT LUẬN > 1. Về tình hình, kết quả thực hiện nhiệm vụ quý I", "", (Period(2022, 1),), False),
    ("000", "KẾT LUẬN > 2. Một số nhiệm vụ trọng tâm quý II năm 2022", "", (Period(2022, 2),), False),
    ("000", f"{_000_2} > 2.1. Làm tốt công tác xây dựng Đảng, hệ thống chính trị, vận động Nhân dân", "",
     (Period(2022, 2),), False),  # the parent heading names the quarter
    ("000", f"{_000_2} > {_000_22}", "", (Period(2022, 2),), False),
    ("001", "HỘI NGHỊ LẦN THỨ BẢY > I. KẾT QUẢ THỰC HIỆN NHIỆM VỤ NĂM 2021", "", (Period(2021),), False),
    ("001", f"{_001_II} > 3. Nhiệm vụ, giải pháp trọng tâm", "", (Period(2022),), False),
    ("001", "CHỈ TIÊU KẾ HOẠCH NĂM 2022 > III. Các chỉ tiêu về đô thị, văn hóa - xã hội, môi trường, "
     "quốc phòng", "(18). Hoàn thành 100% chỉ tiêu giao quân năm 2022.", (Period(2022),), False),
    ("001", "HỘI NGHỊ LẦN THỨ BẢY > III. TỔ CHỨC THỰC HIỆN", "", (Period(2022),), False),
    ("002", "KẾT LUẬN > 1. Kết quả đạt được", "", (Period(2021, 1),), False),  # review cue -> what it reviews
    ("002", "KẾT LUẬN > 2. Một số nhiệm vụ trọng tâm trong Quý II năm 2021 > 2.3. Tập trung cao lãnh đạo, "
     "chỉ đạo thực hiện các nhiệm vụ, giải pháp phát triển kinh…", "", (Period(2021, 2),), False),
    ("004", _004_I + " > 1. Két qua lanh dao, chi dao thuc hién nhiém vu quy I", "",
     (Period(2023, 1),), False),  # "quy I" with no year: the document's quý I
    ("004", _004_I + " > 2. Mt so nhiém vu trong tam quy II", "", (Period(2023, 2),), False),
    ("004", _004_I + " > 2. Mt so nhiém vu trong tam quy II > 2.2. Ve phat trién kinh té - xa hoi, "
     "quoc phong - an ninh, doi ngogi", "", (Period(2023, 2),), False),
    ("003", _003_I + " > 2. Lãnh đạo, chỉ đạo thực hiện các nhiệm vụ về công tác xây dựng Đảng, hệ thống "
     "chính…", "", _003_REVIEW, True),  # "I. KIỂM ĐIỂM" decides, not the sub-heading's "nhiệm vụ"
    ("003", _003_I + " > 3. Lãnh đạo, chỉ đạo thực hiện các nhiệm vụ về phát triển kinh tế - xã hội; bảo "
     "đảm quốc…", "Hoàn thành tốt diễn tập khu vực phòng thủ thành phố năm 2021 và diễn tập phòng thủ dân sự "
     "năm 2023", (Period(2021), Period(2023)), False),  # the text names its years
    ("003", _003_I + " > 1. Công tác quán triệt, tuyên truyền, cụ thể hóa và triển khai thực hiện Nghị quyết "
     "Đại…", "Nghị quyết số 03-NQ/TU, ngày 26/10/2021 về chuyển đổi số thành phố Hải Phòng đến năm 2025, "
     "định hướng đến năm 2030", _003_REVIEW, True),  # a horizon ("đến năm 2025") is no year reported on
    ("003", "BÁO CÁO > III. ĐÁNH GIÁ CHUNG, BÀI HỌC KINH NGHIỆM > 2. Một số tồn tại, hạn chế và nguyên nhân "
     "> 2.1. Tồn tại, hạn chế", "", _003_REVIEW, True),
    ("003", "BÁO CÁO > IV. MỘT SỐ VẤN ĐỀ TRỌNG TÂM TIẾP TỤC LÃNH ĐẠO, CHỈ ĐẠO TRONG THỜI GIAN TỚI", "",
     (Period(2023, half=2), Period(2024), Period(2025)), True),
]


@pytest.fixture(scope="module")
def seed_sections(seed_documents):
    """Every section path the chunker gives the seeds."""
    return {c.section for doc in seed_documents.values() for c in chunk_document(doc)}


@pytest.mark.parametrize("doc,section,text,periods,span", PLACEMENTS)
def test_passage_placement_on_real_sections(seed_documents, seed_sections, doc, section, text, periods, span):
    assert section in seed_sections, "the table must use the seeds' real section paths"
    placement = passage_placement(section, seed_documents[doc].metadata, text)
    assert placement.periods == periods
    assert placement.span is span


# ---------------------------------------------------------------------------------------------------------
# Figures in real lines
# ---------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("sentence,facts", [
    ("Chỉ số sản xuất công nghiệp (IIP) ước tăng 18,29%, gấp 3,2 lần cả nước (5,7%);",
     ["ước tăng 18,29%", "gấp 3,2 lần", "5,7%"]),
    ("Kim ngạch xuất khẩu ước đạt 5,72 tỷ USD, tăng 25,15%;", ["ước đạt 5,72 tỷ USD", "tăng 25,15%"]),
    ("Thu ngân sách nhà nước ước đạt trên 22,9 nghìn tỷ đồng, tăng 15,2%;",
     ["ước đạt trên 22,9 nghìn tỷ đồng", "tăng 15,2%"]),
    ("(18). Hoàn thành 100% chỉ tiêu giao quân năm 2022.", ["100% chỉ tiêu"]),
    ("(4). Tổng giá trị sản xuất tăng 16 - 18%, trong đó:", ["tăng 16 - 18%"]),
    ("xây dựng 17 công viên trong năm 2021 và 50 công viên trong năm 2022.",
     ["17 công viên", "50 công viên"]),
    ("Tiếp tục đẩy mạnh xây dựng tiêu chí nông thôn mới kiểu mẫu tại 14 xã được lựa chọn để triển khai thí "
     "điểm xây dựng nông thôn mới kiểu mẫu năm 2021; triển khai tiếp 35 xã nông thôn mới kiểu mẫu trong năm "
     "2022.", ["14 xã", "35 xã"]),
    ("Tai nạn giao thông có xu hướng tăng cả 3 tiêu chí so với cùng kỳ.", ["tăng cả 3 tiêu chí"]),
    ("Hoàn thành trước ngày 30/6/2023 việc cải tạo các tuyến phố.", ["trước ngày 30/6/2023"]),
    # not figures: document numbers and their dates, annex numbering, years, terms, conference numbers
    ("Nghị quyết số 03-NQ/TU, ngày 26/10/2021 về chuyển đổi số thành phố Hải Phòng đến năm 2025", []),
    ("Trong 02 năm 2021 và năm 2022, Hải Phòng là địa phương dẫn đầu cả nước về thu hút vốn FDI", []),
    ("Hội nghị lần thứ 7, khóa XVI, nhiệm kỳ 2020 - 2025; Nghị quyết số 35/2021/QH15", []),
    ("DAy manh tran 4t toi pham, nhat 14 cac toi pham vé trat tu cong cong", []),  # OCR "14" for "là"
])
def test_find_facts(sentence, facts):
    assert [f.text for f in find_facts(sentence)] == facts
    for f in find_facts(sentence):
        assert " ".join(sentence[f.start:f.end].split()) == f.text


def test_every_figure_in_the_seeds_maps_back_to_the_same_digits_in_the_raw_file(seed_documents):
    """Chunk text is normalised; a figure's raw span goes through the offset map and must read the same
    numbers in the file as printed (OCR repair never touches digits)."""
    checked = 0
    for doc in seed_documents.values():
        for chunk in chunk_document(doc):
            for s, e in units(chunk.text):
                for f in find_facts(chunk.text[s:e]):
                    spans, exact = raw_location(chunk, doc.normalized, s + f.start, s + f.end)
                    raw = " ".join(doc.raw[a:b] for a, b in spans)
                    assert exact, f.text
                    assert re.findall(r"\d+", raw) == re.findall(r"\d+", f.text), (doc.id, f.text, raw)
                    checked += 1
    assert checked >= 50


def test_markdown_escapes_document_text():
    g = Group("period", "quý I/2022 | x", period=Period(2022, 1))
    md = Comparison("q", "a *b* | c", "named", [g]).to_markdown()
    assert "a \\*b\\* \\| c" in md and "quý I/2022 \\| x" in md
    assert "*không đề cập*" in md


# ---------------------------------------------------------------------------------------------------------
# Comparisons on the seeds, with the real model
# ---------------------------------------------------------------------------------------------------------

def _cites(group, assistant, doc: str, quote: str) -> bool:
    spans = quote_spans(assistant.index.raw_text(doc), quote)
    assert spans, f"quote not in {doc}"
    return any(p.hit.chunk.doc_id == doc and any(covers(p.hit.chunk.spans, q) for q in spans)
               for p in group.passages)


def _gold(kind: str) -> list[dict]:
    """The dev set's questions of one type ([] when the shared eval set is not next to the project)."""
    if not GOLD.exists():
        return []
    items = [json.loads(line) for line in GOLD.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [i for i in items if i["type"] == kind]


@pytest.mark.slow
def test_quarter_two_tasks_on_disbursement_across_three_years(assistant):
    gold = {i["id"]: i for i in _gold("compare")}
    if "q101" not in gold:
        pytest.skip(f"no dev set at {GOLD}")
    q101 = gold["q101"]
    c = assistant.compare(q101["question"])
    assert [g.label for g in c.groups] == ["quý II/2021", "quý II/2022", "quý II/2023"]
    assert [g.period for g in c.groups] == [Period(2021, 2), Period(2022, 2), Period(2023, 2)]
    by_doc = {e["doc"]: e["quote"] for e in q101["evidence"]}
    for group, doc in zip(c.groups, (D002, D000, D004)):
        assert group.mentioned and group.docs == [doc]
        assert _cites(group, assistant, doc, by_doc[doc])


@pytest.mark.slow
def test_conscription_targets_over_the_years_and_a_year_that_never_mentions_them(assistant):
    c = assistant.compare("chỉ tiêu giao quân qua các năm")
    assert c.topic == "chỉ tiêu giao quân"
    assert [g.label for g in c.groups][:3] == ["năm 2021", "năm 2022", "năm 2023"]
    y2021, y2022, y2023 = c.groups[:3]
    assert _cites(y2021, assistant, D001, "Hoàn thành chỉ tiêu giao quân năm 2021 đảm bảo chất lượng.")
    assert _cites(y2022, assistant, D001, "(18). Hoàn thành 100% chỉ tiêu giao quân năm 2022.")
    assert _cites(y2022, assistant, D000, "Hoàn thành tốt chỉ tiêu giao nhận quân năm 2022.")
    assert not y2023.mentioned and y2023.passages == []
    assert "năm 2023: không đề cập" in c.to_text()
    # the figure side by side, cited at its exact place in the raw file
    fact = next(f for f in y2022.facts if f.text == "100% chỉ tiêu")
    raw = assistant.index.raw_text(fact.doc)
    assert fact.exact and raw[fact.spans[0][0]:fact.spans[-1][1]] == "100% chỉ tiêu"
    j = c.to_json()
    assert [g["mentioned"] for g in j["groups"][:3]] == [True, True, False]
    assert j["groups"][2]["passages"] == [] and j["groups"][2]["period"] == {"year": 2023, "quarter": None}


@pytest.mark.slow
@pytest.mark.parametrize("item", _gold("compare"), ids=lambda i: i["id"])
def test_every_comparison_question_has_all_its_evidence_in_the_groups(assistant, item):
    c = assistant.compare(item["question"])
    missing = [e["doc"] for e in item["evidence"]
               if not any(_cites(g, assistant, e["doc"], e["quote"]) for g in c.groups)]
    assert not missing
    period_groups = [g for g in c.groups if g.kind == "period"]
    assert [g.order for g in period_groups] == sorted(g.order for g in period_groups)  # time order


@pytest.mark.slow
def test_the_term_report_does_not_flood_every_year(assistant):
    c = assistant.compare("chuyển đổi số qua các năm")
    span = [g for g in c.groups if g.kind == "span"]
    assert span and all(g.doc == D003 for g in span)
    for g in c.groups:
        if g.kind == "period":  # a year group holds 003 only where its text names that year
            for p, place in zip(g.passages, g.placements):
                assert p.hit.chunk.doc_id != D003 or (not place.span and g.period.year in
                                                      {q.year for q in place.periods})


@pytest.mark.slow
def test_by_document_is_in_date_order_and_by_quarter_keeps_quarters(assistant):
    c = assistant.compare("tai nạn giao thông qua các năm", by="document")
    assert [g.doc for g in c.groups] == [D002, D001, D000, D004, D003]
    assert [g.mentioned for g in c.groups] == [True, False, True, True, False]
    q = assistant.compare("tai nạn giao thông qua các năm", by="quarter")
    mentioned = [g.label for g in q.groups if g.mentioned]
    assert "quý I/2021" in mentioned and "quý I/2022" in mentioned
    facts = {g.label: [f.text for f in g.facts] for g in q.groups}
    assert facts["quý I/2021"][:1] == ["tăng cả 3 tiêu chí"]
    assert facts["quý I/2022"][:1] == ["giảm cả 3 tiêu chí"]


@pytest.mark.slow
def test_a_topic_no_document_mentions_is_not_mentioned_anywhere(assistant):
    c = assistant.compare("So sánh số lượng vận động viên Olympic qua các năm")
    assert c.groups and not any(g.mentioned for g in c.groups)


@pytest.mark.slow
def test_ask_attaches_the_comparison_only_to_comparison_questions(assistant):
    j = assistant.ask("Chỉ tiêu giao quân qua các năm", 5).to_json()
    assert {"question", "abstained", "answer", "passages"} <= set(j)
    assert [g["label"] for g in j["comparison"]["groups"]][:3] == ["năm 2021", "năm 2022", "năm 2023"]
    assert "comparison" not in assistant.ask("chỉ tiêu giao quân năm 2022", 5).to_json()


def _cli(*args: str, home: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, VANBAN_HOME=str(home))
    return subprocess.run([sys.executable, "-m", "qa.cli", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=300)


@pytest.mark.slow
def test_cli_compare_json_and_text(seeds_home):
    run = _cli("compare", "Tai nạn giao thông quý I 2021 so với quý I 2022", "--json", home=seeds_home)
    assert run.returncode == 0, run.stderr
    out = json.loads(run.stdout)
    assert out["topic"] == "Tai nạn giao thông"
    assert [g["label"] for g in out["groups"]] == ["quý I/2021", "quý I/2022"]
    assert [g["doc"] for g in out["groups"]] == [D002, D000]
    for g in out["groups"]:
        for f in g["facts"]:
            raw = (ROOT / "seeds" / f["doc"]).read_text(encoding="utf-8")
            assert fold(" ".join(raw[f["start"]:f["end"]].split())) == fold(f["text"])
    text = _cli("compare", "chỉ tiêu giao quân qua các năm", home=seeds_home)
    assert text.returncode == 0 and "năm 2023: không đề cập" in text.stdout
    bad = _cli("compare", "so sánh qua các năm", home=seeds_home)
    assert bad.returncode == 2 and "Hãy nêu nội dung cần so sánh" in bad.stderr
    assert "Traceback" not in bad.stderr


# ---------------------------------------------------------------------------------------------------------
# What comparisons keep belongs to the loaded generation (fast fake embedder)
# ---------------------------------------------------------------------------------------------------------

@pytest.fixture
def fake_assistant(tmp_path):
    """An assistant over three seeds with the hash embedder, its generation prepared."""
    from qa.assistant import Assistant
    from qa.config import Settings
    from tests.fakes import HashEmbedder
    folder = tmp_path / "docs"
    folder.mkdir()
    for f in sorted((ROOT / "seeds").glob("*.txt"))[:3]:
        shutil.copy(f, folder / f.name)
    assistant = Assistant(Settings(home=tmp_path / "home", model="fake-hash"), embedder=HashEmbedder())
    assistant.build([folder])
    assistant.prepare()
    return assistant


def test_a_comparison_does_not_wait_while_the_next_generation_is_prepared(fake_assistant, monkeypatch):
    import qa.answers.compare.context as context
    from qa.ingest.documents import Document
    before = fake_assistant.compare("chỉ tiêu giao quân qua các năm").to_json()
    placing, release = threading.Event(), threading.Event()
    real_placement = context.passage_placement

    def slow_placement(*args, **kwargs):  # the new generation's placements, under its context's lock
        placing.set()
        release.wait(30)
        return real_placement(*args, **kwargs)

    monkeypatch.setattr(context, "passage_placement", slow_placement)
    note = Document(id="nuoi-yen.txt", raw="THÔNG BÁO\nĐề án nuôi chim yến giao cho Sở Nông nghiệp.\n")
    builder = threading.Thread(target=lambda: fake_assistant.build(documents=[note]))
    builder.start()
    try:
        assert placing.wait(30)
        result: list[dict] = []
        asker = threading.Thread(
            target=lambda: result.append(fake_assistant.compare("chỉ tiêu giao quân qua các năm").to_json()))
        asker.start()
        asker.join(10)
        assert result == [before]  # answered from the generation being served, without waiting
    finally:
        release.set()
        builder.join(30)


def test_normalised_texts_outlive_a_generation(fake_assistant, monkeypatch):
    from qa.answers.compare import NormalizedTexts
    from qa.ingest.documents import Document
    texts = NormalizedTexts()
    old = fake_assistant.index
    kept = {d: texts.get(old, d) for d in old.documents}
    fake_assistant.build(documents=[Document(id="nuoi-yen.txt", raw="THÔNG BÁO\nĐề án nuôi chim yến.\n")])
    new = fake_assistant.index
    assert new.gen_dir != old.gen_dir

    def no_normalising(doc_id):
        raise AssertionError(f"{doc_id} normalised again")

    monkeypatch.setattr(new, "document", no_normalising)
    assert all(texts.get(new, d) is kept[d] for d in old.documents)
