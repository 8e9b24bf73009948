"""BM25 against a hand computation, tokenisation, fusion on a worked example, period matching."""
from __future__ import annotations

import math

import numpy as np
import pytest

from qa.index.lexical import LexicalIndex, tokenize
from qa.metadata.document import DocumentMetadata
from qa.metadata.periods import Period
from qa.search.retrieval import Fusion, RetrievalConfig, fuse, period_match
from qa.versions import Versions


def test_tokens_are_lowercase_syllables_with_neighbour_pairs_that_stop_at_punctuation():
    assert tokenize("Quý II/2021, hạn chế ở") == ["quý", "ii", "quý_ii", "2021", "hạn", "chế", "ở", "hạn_chế",
                                                  "chế_ở"]


def _bm25(query: list[str], doc: list[str], corpus: list[list[str]], k1: float = 1.5,
          b: float = 0.75) -> float:
    """Lucene BM25 written out by hand; bm25s leaves out the constant (k1 + 1) factor of the tf part,
    which scales every score alike and changes no ranking."""
    avgdl = sum(map(len, corpus)) / len(corpus)
    score = 0.0
    for term in set(query):
        df = sum(term in d for d in corpus)
        if df == 0:
            continue
        idf = math.log(1 + (len(corpus) - df + 0.5) / (df + 0.5))
        tf = doc.count(term)
        score += idf * tf / (tf + k1 * (1 - b + b * len(doc) / avgdl))
    return score


def test_folded_bm25_matches_a_hand_computation_and_finds_text_typed_without_accents():
    texts = ["Hoàn thành chỉ tiêu giao quân năm 2022.", "Tai nạn giao thông giảm cả 3 tiêu chí.",
             "Thu hút vốn FDI quý I năm 2021.", "Chi tieu giao quan nam 2023 (van ban OCR)."]
    index = LexicalIndex.build(texts)
    question = "chi tieu giao quan"  # no accents: only the folded field scores
    from qa.text.vietnamese import fold
    corpus = [tokenize(fold(t)) for t in texts]
    expected = [_bm25(tokenize(question), d, corpus) for d in corpus]
    assert np.allclose(index.scores(question), expected, rtol=1e-4)
    assert int(np.argmax(index.scores(question))) in (0, 3)


def test_the_accented_field_adds_to_an_accented_question():
    index = LexicalIndex.build(["giao quân năm 2022", "giao quan nam 2022"])
    accented = index.scores("giao quân")
    assert accented[0] > accented[1] > 0
    plain = index.scores("giao quan")
    assert plain[0] == pytest.approx(plain[1])


def test_a_saved_index_scores_as_the_one_built_and_another_format_or_size_is_not_read(tmp_path, monkeypatch):
    texts = ["Hoàn thành chỉ tiêu giao quân năm 2022.", "Tai nạn giao thông giảm.",
             "Chi tieu giao quan nam 2023."]
    built = LexicalIndex.build(texts)
    built.save(tmp_path / "lexical")
    loaded = LexicalIndex.load(tmp_path / "lexical", len(texts))
    assert loaded is not None
    for question in ("chỉ tiêu giao quân", "giao thong", "không có"):
        assert np.array_equal(loaded.scores(question), built.scores(question))
    assert loaded.document_frequency("giao_quan") == built.document_frequency("giao_quan") == 2
    assert LexicalIndex.load(tmp_path / "lexical", len(texts) + 1) is None  # written for other chunks
    assert LexicalIndex.load(tmp_path / "nowhere", len(texts)) is None
    monkeypatch.setattr("qa.index.lexical.VERSIONS", Versions(lexical=2))  # as if tokenize had changed
    assert LexicalIndex.load(tmp_path / "lexical", len(texts)) is None


def test_an_empty_index_scores_nothing_and_survives_a_save(tmp_path):
    empty = LexicalIndex.build([])
    assert empty.scores("giao quân").shape == (0,) and empty.document_frequency("giao") == 0
    empty.save(tmp_path / "lexical")
    again = LexicalIndex.load(tmp_path / "lexical", 0)
    assert again is not None and again.scores("giao").shape == (0,)


def test_weighted_fusion_worked_example():
    dense = np.array([0.90, 0.80, 0.85])
    lexical = np.array([0.0, 10.0, 5.0])
    got = fuse(dense, lexical, RetrievalConfig(fusion=Fusion.WEIGHTED, dense_weight=0.3))
    # min-max: dense -> [1, 0, 0.5], lexical -> [0, 1, 0.5]; 0.3 * dense + 0.7 * lexical
    assert np.allclose(got, [0.3, 0.7, 0.5])


def test_rrf_worked_example():
    dense = np.array([0.9, 0.8, 0.7])
    lexical = np.array([1.0, 3.0, 2.0])
    got = fuse(dense, lexical, RetrievalConfig(fusion=Fusion.RRF, dense_weight=0.5, rrf_k=60))
    ranks_d, ranks_l = [1, 2, 3], [3, 1, 2]
    expected = [60 * (0.5 / (60 + d) + 0.5 / (60 + lex)) for d, lex in zip(ranks_d, ranks_l)]
    assert np.allclose(got, expected)


def test_config_is_validated():
    with pytest.raises(ValueError):
        RetrievalConfig(dense_weight=1.5)
    with pytest.raises(ValueError):
        RetrievalConfig(candidates=0)


Q1_2022_CONCLUSION = DocumentMetadata.from_json({
    "doc_type": "Kết luận", "reviews": [{"year": 2022, "quarter": 1}],
    "plans": [{"year": 2022, "quarter": 2}]})


@pytest.mark.parametrize("wanted,section,expected", [
    ((Period(2022, 2),), "", 1.0),
    ((Period(2022, 1),), "", 1.0),
    ((Period(2022),), "", 1.0),
    ((Period(2022, 3),), "", 0.5),
    ((Period(2021, 2),), "", 0.0),
    ((Period(2022, 1),), "2. Một số nhiệm vụ trọng tâm quý II năm 2022", 0.5),
    ((), "", 0.0),
])
def test_period_match(wanted, section, expected):
    assert period_match(wanted, Q1_2022_CONCLUSION, section) == expected
