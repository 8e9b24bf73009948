"""What a question asks for, beyond its words: periods, document type, level, conference, comparison.

Also the validation of a question typed by a user (empty, too long, only punctuation, not Vietnamese).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Protocol

from qa.errors import VanbanError
from qa.ingest.normalize import normalize_fragment
from qa.metadata.periods import Period, parse_periods
from qa.metadata.types import TYPES
from qa.search.intent import Asks, asks, stance
from qa.search.references import Reference, find_references
from qa.text.vietnamese import fold

MAX_QUESTION_CHARS = 1000

# Document types a question names as the kind of document it asks about; types whose names are also
# everyday words in questions ("quyết định", "dự án", "lệnh", "chương trình") are left out.
_TYPE_WORDS = {k: TYPES[k] for k in ("nghi quyet", "ket luan", "bao cao", "chi thi", "ke hoach", "nghi dinh",
                                     "thong tu", "luat", "thong tri")}
# Words that say which tier of government a question is about (qa.metadata.issuer.tier_of).
_TIER_WORDS = (
    ("xã", re.compile(r"\b(?:dang uy (?:xa|phuong|thi tran)|cap xa|(?:xa|phuong|thi tran) [a-z]+)\b")),
    ("huyện", re.compile(r"\b(?:quan uy|huyen uy|thi uy|dang bo (?:quan|huyen|thi xa)|cap (?:quan|huyen)"
                         r"|(?:huyen|thi xa) [a-z]+)\b")),
    ("tỉnh", re.compile(r"\b(?:tinh uy|thanh uy|dang bo (?:tinh|thanh pho)|cap (?:tinh|thanh pho)"
                        r"|toan (?:tinh|thanh pho)|thanh pho|tinh [a-z]+)\b")),
)
_COMPARE = re.compile(r"\b(so sanh|qua cac nam|qua cac quy|cac nam|so voi|bien dong"
                      r"|thay doi the nao|thay doi ra sao)\b")
_CONFERENCE = re.compile(r"\blan thu\s+(\d{1,2}|[a-z]+(?: [a-z]+)?)")
_NUMBER_WORDS = {
    "nhat": 1, "mot": 1, "hai": 2, "ba": 3, "tu": 4, "bon": 4, "nam": 5, "sau": 6, "bay": 7, "tam": 8,
    "chin": 9, "muoi": 10, "muoi mot": 11, "muoi hai": 12, "muoi ba": 13, "muoi bon": 14, "muoi lam": 15,
    "muoi sau": 16, "muoi bay": 17, "muoi tam": 18, "muoi chin": 19, "hai muoi": 20,
}
_ENGLISH = frozenset("the is are was what which who whom when where why how does do did of and in to for "
                     "with a an on by this that many much there please tell me about".split())


@dataclass(frozen=True)
class Query:
    text: str
    """The question, normalised (NFC, tone marks) but otherwise as typed."""
    folded: str
    periods: tuple[Period, ...] = ()
    doc_types: frozenset[str] = frozenset()
    level: str = ""
    """The tier the question is about ("tỉnh", "huyện", "xã"; see qa.metadata.issuer.tier_of), or ""."""
    conference: int | None = None
    comparison: bool = False
    asks: Asks = Asks.OTHER
    """The kind of answer the question asks for (qa.search.intent)."""
    stance: str = ""
    """"plan" when it asks for a target, "review" for a result, "" otherwise (qa.search.intent.stance)."""
    references: tuple[Reference, ...] = ()
    """Documents and articles the question names ("Kết luận số 244-KL/TU", "Điều 6 của Luật ...")."""
    anchors: tuple[str, ...] = field(default=())
    """Acronyms and proper names the answer must mention (GRDP, FDI, Đà Nẵng), as typed."""
    restored: str = ""
    """The question with its accents put back, when it was typed without (almost) any; "" otherwise.
    The dense model reads it; everything else keeps reading `text` and `folded`."""


def conference_number(folded: str) -> int | None:
    """"lan thu 7" / "lan thu bay" / "lan thu muoi mot" -> 7 / 7 / 11."""
    m = _CONFERENCE.search(folded)
    if not m:
        return None
    word = m.group(1)
    if word.isdigit():
        return int(word)
    return _NUMBER_WORDS.get(word) or _NUMBER_WORDS.get(word.split()[0])


def _anchors(text: str) -> tuple[str, ...]:
    """Acronyms (FDI, GRDP) and multi-word proper names not at the start of the question (Đà Nẵng)."""
    found: list[str] = []
    for m in re.finditer(r"\b[A-ZĐ]{2,6}\b", text):
        if not re.fullmatch(r"[IVXL]+", m.group()):
            found.append(m.group())
    for m in re.finditer(r"(?<![.?!]\s)(?<!^)\b([A-ZĐ][a-zà-ỹđ]+(?:\s+[A-ZĐ][a-zà-ỹđ]+)+)", text):
        found.append(m.group(1))
    return tuple(dict.fromkeys(found))


def validate_question(question: str | None) -> str:
    """The question stripped, or a VanbanError saying plainly what is wrong with it."""
    q = (question or "").strip()
    if not q:
        raise VanbanError("Câu hỏi trống. Hãy nhập câu hỏi.", "The question is empty.")
    if len(q) > MAX_QUESTION_CHARS:
        raise VanbanError(
            f"Câu hỏi quá dài ({_vn(len(q))} ký tự; tối đa {_vn(MAX_QUESTION_CHARS)}). Hãy hỏi ngắn gọn hơn.",
            f"The question is too long ({len(q):,} characters; at most {MAX_QUESTION_CHARS:,}).")
    if not any(ch.isalnum() for ch in q):
        raise VanbanError("Câu hỏi chỉ có dấu câu, không có chữ.",
                          "The question has no words, only punctuation.")
    words = re.findall(r"[a-z]+", q.lower())
    if words and fold(q) == q and sum(w in _ENGLISH for w in words) >= max(2, len(words) // 3):
        raise VanbanError("Hãy đặt câu hỏi bằng tiếng Việt (có dấu hoặc không dấu).",
                          "Please ask in Vietnamese (with or without accents).")
    return q


def _vn(n: int) -> str:
    """A count as Vietnamese writes it: 5.599, with a dot between thousands."""
    return f"{n:,}".replace(",", ".")


class QuestionRestorer(Protocol):
    def restore_question(self, question: str) -> str: ...


def understand(question: str, restorer: QuestionRestorer | None = None) -> Query:
    """What the question asks; with a restorer (`qa.accents.restorer.AccentRestorer`), also its accented
    reading."""
    text = normalize_fragment(validate_question(question))
    folded = fold(text).lower()
    types = frozenset(v for k, v in _TYPE_WORDS.items() if re.search(rf"\b{k}\b", folded))
    tiers = {tier for tier, words in _TIER_WORDS if words.search(folded)}
    if re.search(r"\bquận\b", text.lower()):
        tiers.add("huyện")
    level = tiers.pop() if len(tiers) == 1 else ""
    return Query(text=text, folded=folded, periods=tuple(parse_periods(text)), doc_types=types, level=level,
                 conference=conference_number(folded), comparison=bool(_COMPARE.search(folded)),
                 asks=asks(folded), stance=stance(folded), references=find_references(text),
                 anchors=_anchors(text), restored=restorer.restore_question(text) if restorer else "")
