"""Chunks of the real seeds: exact spans, full coverage, no bare headings, and the known traps."""
from __future__ import annotations

import re

import pytest

from qa.ingest.chunking import MAX_WITH_NOTES, chunk_document
from qa.ingest.normalize import normalize_fragment
from qa.ingest.ocr.repair import looks_like_ocr
from qa.text.headings import heading_level
from qa.text.vietnamese import fold

SEED_IDS = ["000", "001", "002", "003", "004"]


def _alnum(text: str) -> str:
    return re.sub(r"\W+", "", fold(text).lower())


@pytest.fixture(scope="module")
def chunks(seed_documents):
    return {k: chunk_document(d) for k, d in seed_documents.items()}


@pytest.mark.parametrize("seed", SEED_IDS)
def test_spans_lie_inside_the_raw_text_and_give_back_the_chunk(seed, seed_documents, chunks):
    raw = seed_documents[seed].raw
    ocr = looks_like_ocr(raw)
    for c in chunks[seed]:
        assert c.spans, c.chunk_id
        for s, e in c.spans:
            assert 0 <= s < e <= len(raw), (c.chunk_id, s, e)
        body_spans = c.spans[: len(c.spans) - sum(len(f.spans) for f in c.footnotes)]
        from_raw = "".join(normalize_fragment(raw[s:e], ocr=ocr) for s, e in body_spans)
        assert _alnum(from_raw) == _alnum(c.text), c.chunk_id
        for f in c.footnotes:
            assert (_alnum("".join(normalize_fragment(raw[s:e], ocr=ocr) for s, e in f.spans))
                    == _alnum(f.text))


@pytest.mark.parametrize("seed", SEED_IDS)
def test_chunks_are_citable_and_never_a_bare_heading(seed, chunks):
    for c in chunks[seed]:
        assert c.full_text.strip(), c.chunk_id
        assert len(c.full_text) <= MAX_WITH_NOTES, (c.chunk_id, len(c.full_text))
        lines = [ln for ln in c.text.split("\n") if ln.strip()]
        assert not lines or any(heading_level(ln) is None for ln in lines), (
            f"bare heading: {c.chunk_id} {c.text!r}")


@pytest.mark.parametrize("seed", SEED_IDS)
def test_chunks_cover_all_body_text_and_every_footnote(seed, seed_documents, chunks):
    norm = seed_documents[seed].normalized
    covered = [False] * len(norm.text)
    for c in chunks[seed]:
        a, b = c.norm_range
        for i in range(a, b):
            covered[i] = True
    missing = "".join(ch for ch, ok in zip(norm.text, covered) if not ok and not ch.isspace())
    assert missing == ""
    attached = {f.label for c in chunks[seed] for f in c.footnotes}
    assert attached == {f.label for f in norm.footnotes}


def test_a_sentence_broken_by_footnotes_is_one_chunk_with_the_footnotes_outside(seed_documents, chunks):
    raw = seed_documents["003"].raw
    first, second = "Ban hành Kế hoạch số 122-KH/TU, ngày", "28/02/2022 thực hiện Kết luận số 21-KL/TW"
    a, b = raw.index(first), raw.index(second)
    owners = [c for c in chunks["003"] if any(s <= a and a + len(first) <= e for s, e in c.spans)
              and any(s <= b and b + len(second) <= e for s, e in c.spans)]
    assert len(owners) == 1
    c = owners[0]
    assert "Ban hành Kế hoạch số 122-KH/TU, ngày 28/02/2022 thực hiện Kết luận số 21-KL/TW" in c.text
    footnote_block = raw.index("<sup>1</sup>Quy chế số 02-QC/TU")
    body_spans = c.spans[: len(c.spans) - sum(len(f.spans) for f in c.footnotes)]
    assert not any(s <= footnote_block < e for s, e in body_spans)


def test_ocr_repairs_show_in_the_chunks_of_002(chunks):
    text = "\n".join(c.full_text for c in chunks["002"])
    assert "ừong" not in text and "trong thực hiện" in text
    assert "Quý H " not in text and "Quý II năm 2021" in text


def test_a_page_number_does_not_split_a_sentence_in_004(seed_documents, chunks):
    raw = seed_documents["004"].raw
    page = re.search(r"\n\s*\n5\s*\n", raw)
    assert page, "the seed has a page number line '5' between blank lines"
    before = raw[: page.start()].split()[-1]  # "thoi" ... "dong thoi" ends the page mid-sentence
    after = raw[page.end():].split()[0]       # "tap" continues it on the next page
    (owner,) = [c for c in chunks["004"] if any(s < page.start() - 1 < e for s, e in c.spans)]
    assert len([s for s in owner.spans if s[0] <= page.start() or s[1] >= page.end()]) >= 2
    assert f"{fold(before)} {fold(after)}" in fold(owner.text)
    assert not any(s <= raw.index("5", page.start()) < e for s, e in owner.spans)


def test_a_subsection_keeps_its_numbered_parent_in_the_section_path(chunks):
    sections = {c.section for c in chunks["000"]}
    assert any(s.endswith("2. Một số nhiệm vụ trọng tâm quý II năm 2022 > "
                          "2.1. Làm tốt công tác xây dựng Đảng, hệ thống chính trị, vận động Nhân dân")
               for s in sections), sections


def test_the_annex_target_is_cited_under_its_annex_section(chunks):
    (c,) = [c for c in chunks["001"] if "(18). Hoàn thành 100% chỉ tiêu giao quân năm 2022." in c.text]
    assert c.section.startswith("CHỈ TIÊU KẾ HOẠCH NĂM 2022")
