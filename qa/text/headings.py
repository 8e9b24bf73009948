"""The one heading grammar of Vietnamese administrative text, Party style and legal style.

Party documents (Hướng dẫn 36-HD/VPTW) number their parts "I." / "1." / "1.1." / "(1)" / "a)" / "-", and
may group them under "PHẦN I"; statutes and state documents (Nghị định 30/2020/NĐ-CP) use "Phần", "Chương",
"Mục", "Tiểu mục", "Điều N." and, inside an article, khoản "1." and điểm "a)". Line joining, chunking and
metadata all read headings through here, so a rule fixed once holds everywhere.

Levels only compare within a document: a heading closes every open section of the same or a deeper level.
"""
from __future__ import annotations

import re
from typing import NamedTuple

__all__ = ["ARTICLE", "article_with_body", "CAPS_TITLE", "LABEL", "LIST_MARKERS", "MAX_HEADING_CHARS",
           "Heading", "heading", "heading_level", "starts_with_numbering"]

CAPS_TITLE = 0
"""An all-caps title line ("KẾT LUẬN", "LUẬT TIẾP CẬN THÔNG TIN")."""
PART, CHAPTER, SECTION, SUBSECTION, ARTICLE = 10, 20, 30, 40, 50
"""Legal structure: Phần, Chương, Mục, Tiểu mục, Điều (an article is never split across chunks)."""
ROMAN, NUMBER, NUMBER_2, NUMBER_3 = 60, 70, 80, 90
"""Party structure: "I.", "1.", "1.1.", "1.1.1."."""
LABEL = 100
"""An unnumbered label line that titles the list after it (decided by the chunker, which sees the next
line)."""

MAX_HEADING_CHARS = 220
MAX_SENTENCE_HEADING = 60
"""A numbered line ending in "." or ";" longer than this is a numbered sentence, not a heading."""
_ROMAN = r"[IVXLC]{1,7}"
_ORDINAL = r"(?:thứ\s+)?(?:nhất|hai|ba|tư|bốn|năm|sáu|bảy|tám|chín|mười)"
_LEGAL = re.compile(
    rf"^(?P<kind>PHẦN|Phần|CHƯƠNG|Chương|TIỂU MỤC|Tiểu mục|MỤC|Mục)\s+"
    rf"(?P<num>{_ROMAN}|\d{{1,3}}|{_ORDINAL}|(?i:{_ORDINAL}))(?=[\s.:\-–]|$)"
)
_LEGAL_LEVEL = {"phần": PART, "chương": CHAPTER, "mục": SECTION, "tiểu mục": SUBSECTION}
_ARTICLE = re.compile(r"^(?:Điều|ĐIỀU)\s+(?P<num>\d{1,3}[a-zđ]?)\s*[.:]")
_PARTY = (
    (ROMAN, re.compile(rf"^{_ROMAN}\.\s+\S")),
    (NUMBER_3, re.compile(r"^\d{1,2}\.\d{1,2}\.\d{1,2}\.?\s+\S")),
    (NUMBER_2, re.compile(r"^\d{1,2}\.\d{1,2}\.?\s+\S")),
    (NUMBER, re.compile(r"^\d{1,2}\.\s+\S")),
)
_SENTENCE_END = re.compile(r"[.!?…](?:\s|$)")
LIST_MARKERS = ("-", "+", "•", "*", "(")
"""How a bulleted list item starts: such a line is never a heading."""
# Any numbering that starts a new block when it begins a line: used by line joining, which must not glue
# "2. Nhiệm vụ" or "a) ..." to the line before it.
_NUMBERING = re.compile(
    r"""^(?:
        (?:PHẦN|Phần|CHƯƠNG|Chương|MỤC|Mục|Điều|ĐIỀU)\s+(?:[IVXLC]{1,7}|\d{1,3})\b
      | [IVXL]{1,6}\.\s
      | \d{1,2}(?:[.,]\d{1,2})*[.,]\s
      | \d{1,2}(?:\.\d{1,2})+\s
      | \(\d{1,3}\)\.?(?:\s|$)
      | \(?[a-zđ]\)\s
      | \([ivx]{1,5}\)\s
    )""",
    re.VERBOSE,
)


class Heading(NamedTuple):
    """A heading line: its level, its kind ("part", "chapter", "section", "subsection", "article",
    "roman", "number", "caps") and its number as written ("6", "II", "2.1"; "" for a caps title)."""

    level: int
    kind: str
    number: str


def heading(line: str) -> Heading | None:
    """The heading a paragraph is, or None when it is body text.

    A numbered Party-style line is a heading only when it is short and holds no full sentence ("1. Công tác
    xây dựng Đảng ... đạt kết quả tích cực. Hoạt động ..." is body text). Legal headings ("Chương II",
    "Điều 6. Quyền tiếp cận thông tin") are headings whatever follows, but "Chương trình ..." is not.
    """
    line = line.strip()
    if not line or len(line) > MAX_HEADING_CHARS * 4:
        return None
    m = _ARTICLE.match(line)
    if m:
        return Heading(ARTICLE, "article", m.group("num"))
    m = _LEGAL.match(line)
    if m and len(line) <= MAX_HEADING_CHARS:
        kind = m.group("kind").lower()
        level = _LEGAL_LEVEL[kind]
        return Heading(level, {PART: "part", CHAPTER: "chapter", SECTION: "section"}.get(level, "subsection"),
                       m.group("num"))
    if len(line) > MAX_HEADING_CHARS or line.startswith(LIST_MARKERS):
        return None
    for level, pattern in _PARTY:
        if pattern.match(line):
            number, _, rest = line.partition(" ")
            if _SENTENCE_END.search(rest.rstrip(" .:")):
                return None
            if len(line) > MAX_SENTENCE_HEADING and line.endswith((".", ";")):
                # "1. Hoàn thành quy hoạch ..., chậm triển khai quá 24 tháng.": a numbered sentence
                return None
            return Heading(level, "roman" if level == ROMAN else "number", number.rstrip("."))
    letters = [c for c in line if c.isalpha()]
    if len(letters) >= 6 and sum(c.isupper() for c in letters) / len(letters) > 0.85 and len(line) <= 160:
        return Heading(CAPS_TITLE, "caps", "")
    return None


def article_with_body(line: str) -> bool:
    """Whether an article line holds more than its title ("Điều 5. Giờ mở cửa. Thư viện mở cửa ..."): it is
    then the article's heading and its first body text at once."""
    m = _ARTICLE.match(line.strip())
    if not m:
        return False
    rest = line.strip()[m.end():]
    return len(rest) > MAX_HEADING_CHARS or bool(_SENTENCE_END.search(rest.rstrip(" .:")))


def heading_level(line: str) -> int | None:
    """`heading(line).level`, or None for body text."""
    h = heading(line)
    return h.level if h else None


def starts_with_numbering(line: str) -> bool:
    """Whether a line opens with a structural number or marker ("II. ", "2.1 ", "(3)", "a) ", "Điều 5")."""
    return bool(_NUMBERING.match(line))
