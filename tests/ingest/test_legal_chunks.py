"""Chunks of a statute (written for these tests, not a seed) follow its Chương / Điều / khoản structure."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from qa.ingest.chunking import chunk_document
from qa.ingest.documents import load_documents

LAW = Path(__file__).resolve().parent.parent / "data" / "unseen" / "luat_thu_vien_mau.txt"
_ARTICLE = re.compile(r"(?m)^Điều \d+\.")


@pytest.fixture(scope="module")
def chunks():
    result = load_documents([LAW])
    assert not result.errors
    return chunk_document(result.documents[0])


def test_no_chunk_crosses_an_article(chunks) -> None:
    for c in chunks:
        assert len(_ARTICLE.findall(c.text)) <= 1, c.text


def test_every_article_is_in_a_chunk_under_its_chapter(chunks) -> None:
    sections = {c.section for c in chunks}
    assert any(s.endswith("Chương II HOẠT ĐỘNG CỦA THƯ VIỆN CỘNG ĐỒNG > "
                          "Điều 6. Quyền của người sử dụng thư viện")
               for s in sections), sections
    for n in range(1, 8):
        assert any(f"Điều {n}." in c.section for c in chunks), n


def test_khoan_are_the_body_of_their_article(chunks) -> None:
    (c,) = [c for c in chunks if "không quá 03 cuốn sách" in c.text]
    assert c.section.endswith("Điều 6. Quyền của người sử dụng thư viện")
    assert "1. Được đọc" not in c.section


def test_an_article_title_is_not_joined_with_its_body(chunks) -> None:
    (c,) = [c for c in chunks if "Điều 5. Giờ mở cửa" in c.text]
    assert "Điều 5. Giờ mở cửa\nThư viện cộng đồng mở cửa" in c.text
