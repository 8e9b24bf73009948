"""Periods: what a text is about in time ("quý II năm 2022", "6 tháng đầu năm", "các năm 2021, 2022"), and
the cue words that say whether a passage reviews a period or plans it.

Shared by document metadata, questions and comparisons: one vocabulary, matched on accent-folded,
lower-cased text so that OCR text without accents ("nim 2023") reads like the rest.
"""
from __future__ import annotations

import bisect
import re
import unicodedata
from dataclasses import dataclass, field

from qa.text.numbers import to_roman
from qa.text.vietnamese import fold_lower

__all__ = ["NAM", "PLAN_CUES", "REVIEW_CUES", "SECTION_PLAN_CUES", "SECTION_REVIEW_CUES", "YEAR", "Period",
           "parse_periods", "reviewed_and_planned", "section_kind"]



# ---------------------------------------------------------------------------------------------------------
# Periods
# ---------------------------------------------------------------------------------------------------------

@dataclass(frozen=True, order=True)
class Period:
    """A year, a quarter of it, or a half of it. Orders by time: a year before its halves and quarters."""

    year: int = field(compare=False)
    quarter: int | None = field(default=None, compare=False)
    """1..4, None = whole year."""
    half: int | None = field(default=None, compare=False)
    """1 = "6 tháng đầu năm", 2 = "6 tháng cuối năm"; None otherwise."""
    first_months: int | None = field(default=None, compare=False)
    """7..11 for "9 tháng đầu năm" and the like (the first 3 and 6 months are a quarter and a half)."""
    _key: tuple[int, int, int] = field(init=False, repr=False, compare=True)
    # None does not compare with int, so equality, hashing and ordering all go through this key:
    # (year, first month, -length in months).

    def __post_init__(self) -> None:
        if isinstance(self.year, bool) or not isinstance(self.year, int) or not 1900 <= self.year <= 2199:
            raise ValueError(f"year out of range: {self.year!r}")
        if self.quarter is not None and self.quarter not in (1, 2, 3, 4):
            raise ValueError(f"quarter must be 1..4: {self.quarter!r}")
        if self.half is not None and self.half not in (1, 2):
            raise ValueError(f"half must be 1 or 2: {self.half!r}")
        if self.first_months is not None and not 7 <= self.first_months <= 11:
            raise ValueError(f"first_months must be 7..11: {self.first_months!r}")
        if sum(x is not None for x in (self.quarter, self.half, self.first_months)) > 1:
            raise ValueError("a period is a quarter, a half or the first months of a year, one of them")
        if self.quarter is not None:
            key = (self.year, 3 * self.quarter - 2, -3)
        elif self.half is not None:
            key = (self.year, 6 * self.half - 5, -6)
        elif self.first_months is not None:
            key = (self.year, 1, -self.first_months)
        else:
            key = (self.year, 1, -12)
        object.__setattr__(self, "_key", key)

    @property
    def label(self) -> str:
        if self.quarter is not None:
            return f"quý {to_roman(self.quarter)}/{self.year}"
        if self.half is not None:
            return f"6 tháng {'đầu' if self.half == 1 else 'cuối'} năm {self.year}"
        if self.first_months is not None:
            return f"{self.first_months} tháng đầu năm {self.year}"
        return f"năm {self.year}"

    def to_json(self) -> dict:
        out: dict = {"year": self.year, "quarter": self.quarter}
        if self.half is not None:
            out["half"] = self.half
        if self.first_months is not None:
            out["first_months"] = self.first_months
        return out

    @classmethod
    def from_json(cls, data: dict) -> Period:
        return cls(int(data["year"]), data.get("quarter"), data.get("half"), data.get("first_months"))

    @property
    def months(self) -> tuple[int, int]:
        """First and last month, counted from year 0: what containment and overlap are computed on."""
        if self.quarter is not None:
            a, n = 3 * self.quarter - 2, 3
        elif self.half is not None:
            a, n = 6 * self.half - 5, 6
        elif self.first_months is not None:
            a, n = 1, self.first_months
        else:
            a, n = 1, 12
        return self.year * 12 + a, self.year * 12 + a + n - 1

    def within(self, other: Period) -> bool:
        """Whether every month of this period is in `other` (quý II/2022 in 6 tháng đầu năm 2022)."""
        a, b = self.months
        c, d = other.months
        return c <= a and b <= d


# ---------------------------------------------------------------------------------------------------------
# Period phrases (matched on _key text)
# ---------------------------------------------------------------------------------------------------------

NAM = r"n[aid]m"  # năm, and the OCR misreads "nim" / "ndm"
YEAR = r"(?:199\d|20\d\d)"
_YEAR_END = r"(?![\w/]|\.\d|,(?!(?:199\d|20\d\d)(?!\d))\d)"  # not 2021.5 nor 2021,5; but "2021,2022"
_QWORD = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "mot": 1, "hai": 2, "ba": 3, "bon": 4,
          # OCR misreads of "II" after "Quý": "Quý H", "Quý n", "Quý ll"
          "h": 2, "n": 2, "ll": 2, "il": 2}
_Q_HEAD = re.compile(r"\bqu[yi](?:\s+(iv|iii|ii|i|mot|hai|ba|bon|ll|il|h|n)\b|\s*([1-4])\b)|\bq([1-4])\b")
_Q_MORE = re.compile(r"\s*(?:,|va|hoac|&)\s*(?:qu[yi]\s+)?(iv|iii|ii|i)\b"
                     r"|\s*(?:,|va|hoac|&)\s*(?:qu[yi]\s*|q)([1-4])\b")
_MONTHS_HEAD = re.compile(rf"\b(7|8|9|10|11|bay|tam|chin|muoi|muoi mot)\s+thang"
                          rf"\s+(?:dau\s+)?(?:cua\s+)?{NAM}\b")
_MONTH_WORDS = {"bay": 7, "tam": 8, "chin": 9, "muoi": 10, "muoi mot": 11}
_HALF_HEAD = re.compile(rf"\b(?:(?:6|sau)\s+thang|nua)(?:\s+(dau|cuoi))?\s+(?:cua\s+)?(?:cac\s+)?{NAM}\b")
_ATTACH_SLASH = re.compile(rf"\s*/\s*(?={YEAR}(?![\w/]))")
_ATTACH_NAM = re.compile(rf"\s*,?\s*(?:cua\s+)?(?:cac\s+)?{NAM}\s+(?={YEAR})")
_ATTACH_BARE = re.compile(rf"\s+(?={YEAR}(?![\w/]))")
_LIST_YEAR = re.compile(rf"({YEAR})(?:\s*[-–]\s*({YEAR}))?{_YEAR_END}")
_LIST_SEP = re.compile(rf"\s*(?:,|;|va|&|hoac)\s*(?:(?:cac\s+)?{NAM}\s+)?(?={YEAR})")
_WORD_DATE = re.compile(rf"\bngay\s+\d{{1,2}}\s+thang\s+\d{{1,2}}\s+{NAM}\s+{YEAR}\b")
_NUM_DATE = re.compile(rf"(?<![\w/.])\d{{1,2}}\s*([/.-])\s*\d{{1,2}}\s*\1\s*{YEAR}(?![\w/])")
_RANGE = re.compile(rf"(?<![\w/.])({YEAR})\s*[-–]\s*({YEAR}){_YEAR_END}")
_MONTH_YEAR = re.compile(rf"(?<![\w/.])(\d{{1,2}})\s*/\s*({YEAR}){_YEAR_END}")
_BARE_YEAR = re.compile(rf"(?<![\w/])({YEAR}){_YEAR_END}")
_DOC_NUMBER_BEFORE = re.compile(r"\bso\s*$")
_SENTENCE_END = re.compile(r"[.!?](?=\s|$)|\n\s*\n")

# year (None: not yet known), quarter, half, months
_Item = tuple[int | None, int | None, int | None, int | None]


@dataclass
class _Mention:
    start: int
    end: int
    kind: str  # "quarter" | "half" | "year" | "range" | "date"
    items: list[_Item]


def _year_list(key: str, pos: int) -> tuple[list[int], int]:
    """Years from `pos`: "2022", "2021, 2022 và 2023", "2021 - 2023"; ([], pos) when none starts there."""
    years: list[int] = []
    m = _LIST_YEAR.match(key, pos)
    while m:
        a, b = int(m.group(1)), m.group(2)
        years.extend(_expand(a, int(b)) if b else [a])
        pos = m.end()
        sep = _LIST_SEP.match(key, pos)
        if not sep:
            break
        m = _LIST_YEAR.match(key, sep.end())
    return years, pos


def _expand(a: int, b: int) -> list[int]:
    return list(range(a, b + 1)) if 0 < b - a <= 10 else [a, b]


def _attached_years(key: str, pos: int) -> tuple[list[int], int]:
    """The year(s) written right after a quarter or half: "/2021", " năm 2021", " các năm 2021, 2022"."""
    for pat in (_ATTACH_SLASH, _ATTACH_NAM, _ATTACH_BARE):
        m = pat.match(key, pos)
        if m:
            years, end = _year_list(key, m.end())
            if years:
                return years, end
    return [], pos


def _scan(key: str) -> list[_Mention]:
    """Every period phrase in `key`, in order; dates are found too so their years are not read as periods."""
    found: list[_Mention] = []
    taken = bytearray(len(key) + 1)

    def free(s: int, e: int) -> bool:
        return not any(taken[s:e])

    def take(mention: _Mention) -> None:
        found.append(mention)
        taken[mention.start:mention.end] = b"\x01" * (mention.end - mention.start)

    for m in _Q_HEAD.finditer(key):
        if not free(m.start(), m.end()):
            continue
        word = m.group(1) or m.group(2) or m.group(3)
        quarters = [_QWORD.get(word) or int(word)]
        end = m.end()
        while (more := _Q_MORE.match(key, end)):
            quarters.append(_QWORD.get(more.group(1) or "") or int(more.group(2)))
            end = more.end()
        years, end = _attached_years(key, end)
        items = [(y, q, None, None) for y in (years or [None]) for q in quarters]
        take(_Mention(m.start(), end, "quarter", items))
    for m in _HALF_HEAD.finditer(key):
        if not free(m.start(), m.end()):
            continue
        which = m.group(1)
        if which is None and key[m.start():m.start() + 3] == "nua":
            continue  # "nửa năm" alone says neither half
        half = 2 if which == "cuoi" else 1
        end = m.end()
        gap = re.compile(r"\s+").match(key, end)
        years, after = _year_list(key, gap.end()) if gap else ([], end)
        if years:
            end = after
        items = [(y, None, half, None) for y in years] if years else [(None, None, half, None)]
        take(_Mention(m.start(), end, "half", items))
    for m in _MONTHS_HEAD.finditer(key):
        if not free(m.start(), m.end()):
            continue
        n = _MONTH_WORDS.get(m.group(1)) or int(m.group(1))
        gap = re.compile(r"\s+").match(key, m.end())
        years, after = _year_list(key, gap.end()) if gap else ([], m.end())
        end = after if years else m.end()
        items = [(y, None, None, n) for y in years] if years else [(None, None, None, n)]
        take(_Mention(m.start(), end, "half", items))
    for pat in (_WORD_DATE, _NUM_DATE):
        for m in pat.finditer(key):
            if free(m.start(), m.end()):
                take(_Mention(m.start(), m.end(), "date", []))
    for m in _RANGE.finditer(key):
        if free(m.start(), m.end()) and not _DOC_NUMBER_BEFORE.search(key, max(0, m.start() - 8), m.start()):
            take(_Mention(m.start(), m.end(), "range",
                          [(y, None, None, None) for y in _expand(int(m.group(1)), int(m.group(2)))]))
    for m in _MONTH_YEAR.finditer(key):
        if free(m.start(), m.end()) and 1 <= int(m.group(1)) <= 12:
            take(_Mention(m.start(), m.end(), "year", [(int(m.group(2)), None, None, None)]))
    for m in _BARE_YEAR.finditer(key):
        if free(m.start(), m.end()) and not _DOC_NUMBER_BEFORE.search(key[max(0, m.start() - 8):m.start()]):
            take(_Mention(m.start(), m.end(), "year", [(int(m.group(1)), None, None, None)]))
    found.sort(key=lambda x: x.start)
    return found


def _resolve(key: str, mentions: list[_Mention], default_year: int | None) -> None:
    """Give a year to "quý I" written without one: the next year named in the same sentence ("quý I; ...
    quý II năm 2022"), else the previous one, else `default_year`; otherwise the quarter is dropped."""
    ends = [m.end() for m in _SENTENCE_END.finditer(key)]

    def sentence(pos: int) -> int:
        return bisect.bisect_right(ends, pos)

    dated = [m for m in mentions if m.kind in ("quarter", "half", "year") and m.items and m.items[0][0]]
    dated_starts = [d.start for d in dated]
    for m in mentions:
        if not m.items or m.items[0][0] is not None:
            continue
        s = sentence(m.start)
        i = bisect.bisect_right(dated_starts, m.start)  # dated[i:] start after m, dated[:i] not
        after = dated[i] if i < len(dated) and sentence(dated[i].start) == s else None
        j = i - 1 if i and dated[i - 1].start == m.start else i
        before = dated[j - 1] if j and sentence(dated[j - 1].start) == s else None
        year = after.items[0][0] if after else before.items[-1][0] if before else default_year
        m.items = [(year, q, h, n) for _, q, h, n in m.items] if year else []


def _periods(mentions: list[_Mention]) -> list[Period]:
    out: list[Period] = []
    for m in mentions:
        for y, q, h, n in m.items:
            if y is not None:
                p = Period(y, q, h, n)
                if p not in out:
                    out.append(p)
    return out


def parse_periods(text: str) -> list[Period]:
    """Periods named in free text, accents optional, in order of appearance, without duplicates.

    "năm 2022", "quý II/2021", "quý 2 năm 2023", "quy 1 nam 2021", "Q1/2022", "6 tháng đầu năm 2022";
    "quý I các năm 2021, 2022 và 2023" gives quý I of each year; "quý I; ... quý II năm 2022" gives both
    quarters of 2022. A bare year counts (1990..2099), but not inside a full date ("ngày 15/8/2007",
    "ngày 14 tháng 4 năm 2023": a date is a day, not a period the text is about) nor inside a document
    number ("số 1210/2016/UBTVQH13", "244-KL/TU"). A month and year ("tháng 4/2021") gives its year; a
    range of years ("2020 - 2025", "2021-2023") gives each year in it (up to ten). A quarter with no year
    anywhere in its sentence ("quý I") is dropped: a Period always has a year.
    """
    if not text:
        return []
    key = fold_lower(unicodedata.normalize("NFC", text))
    mentions = _scan(key)
    _resolve(key, mentions, None)
    return _periods(mentions)


# Cue words near a period mention in running text ("kết quả ... năm 2022" reviews it, "mục tiêu ... năm 2023"
# plans it) and, a wider set, in section headings ("Hạn chế, nguyên nhân", "Nhiệm vụ thời gian tới").
REVIEW_CUES = re.compile(r"\b(?:ket qua|tinh hinh|danh gia|kiem diem|so ket|tong ket|da dat|dat duoc)\b")
PLAN_CUES = re.compile(r"\b(?:giai phap|phuong huong|chi tieu|ke hoach|muc tieu|chu de|de ra|trong tam|"
                       r"dinh huong)\b")
SECTION_REVIEW_CUES = re.compile(r"\b(?:ket qua|tinh hinh|danh gia|kiem diem|so ket|tong ket|dat duoc|ton tai"
                                 r"|han che|bai hoc|nguyen nhan|thuc trang|khuyet diem)\b")
SECTION_PLAN_CUES = re.compile(r"\b(?:nhiem vu|giai phap|chi tieu|phuong huong|ke hoach|muc tieu|trong tam"
                               r"|thoi gian toi|chu de|de xuat|kien nghi)\b")
_CLAUSE_BREAK = re.compile(r"[;.:()]|\n\s*\n")
# "nhiệm vụ năm 2024" sets tasks for 2024, but "kết quả thực hiện nhiệm vụ năm 2021" reviews 2021: the word
# plans a period only when no other cue in its clause says otherwise.
_TASKS = re.compile(r"\bnhiem vu\b")


_CUE_REACH = 300
"""A cue word further back than this (characters) in an unpunctuated run does not speak for a period."""


def _cue(key: str, pos: int, breaks: list[int]) -> str:
    """"review" / "plan" from the nearest cue word before `pos` in its clause, "" when none. `breaks` are
    the ends of the clause breaks in `key`, sorted, so each look-up costs the clause, not the text."""
    i = bisect.bisect_right(breaks, pos)
    start = max(breaks[i - 1] if i else 0, pos - _CUE_REACH)
    best, kind = -1, ""
    for pat, name in ((REVIEW_CUES, "review"), (PLAN_CUES, "plan")):
        for m in pat.finditer(key, start, pos):
            if m.end() > best:
                best, kind = m.end(), name
    if kind == "" or best < 0:
        tasks = _TASKS.search(key, start, pos)
        return "plan" if tasks else ""
    return kind


def reviewed_and_planned(key: str, default_year: int | None) -> tuple[list[Period], list[Period]]:
    """The periods of folded text `key` that a cue word marks as reviewed, and those it marks as planned;
    a period with no year takes `default_year`."""
    mentions = [m for m in _scan(key) if m.kind in ("quarter", "half", "year")]
    _resolve(key, mentions, default_year)
    reviews: list[Period] = []
    plans: list[Period] = []
    breaks = [b.end() for b in _CLAUSE_BREAK.finditer(key)]
    for m in mentions:
        kind = _cue(key, m.start, breaks)
        if kind:
            (reviews if kind == "review" else plans).extend(_periods([m]))
    return reviews, plans


def section_kind(heading: str) -> str | None:
    """"review" for "Kết quả ...", "Tình hình ...", "Đánh giá ..."; "plan" for "Nhiệm vụ ...", "Giải pháp
    ...", "Chỉ tiêu ...", "Phương hướng ..."; None when it says neither or its clauses disagree ("KẾT QUẢ
    ... QUÝ I; NHIỆM VỤ, GIẢI PHÁP ... QUÝ II"). The first cue word of each clause decides it."""
    kinds = set()
    for clause in fold_lower(heading).split(";"):
        cues = [(m.start(), "review") for m in SECTION_REVIEW_CUES.finditer(clause)]
        cues += [(m.start(), "plan") for m in SECTION_PLAN_CUES.finditer(clause)]
        if cues:
            kinds.add(min(cues)[1])
    return kinds.pop() if len(kinds) == 1 else None
