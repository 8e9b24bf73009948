"""Which period a passage is about, and the month arithmetic that puts periods inside, across or after
one another.

A passage's period comes from its section path and its document's metadata, not from the document alone:
a resolution about 2022 reviews 2021 in its first section and plans quý II in its second.
"""
from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass

from qa.metadata.document import DocumentMetadata
from qa.metadata.periods import Period, parse_periods, section_kind
from qa.text.vietnamese import fold_lower

logger = logging.getLogger(__name__)

_YEAR = r"(?:19|20)\d\d"
_HORIZONS = re.compile(rf"\b(?:(?:den|toi)\s+(?:thang\s+\d{{1,2}}\s+)?nam\s+{_YEAR}(?:\s*,\s*{_YEAR})*"
                       rf"|{_YEAR}\s*[-–]\s*{_YEAR})\b")
_QUARTER_ONLY = re.compile(r"\bqu[yi]\s+(iv|iii|ii|i)\b|\bqu[yi]\s*([1-4])\b")
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}


@dataclass(frozen=True)
class Placement:
    """Where a passage sits in time."""

    periods: tuple[Period, ...]
    span: bool = False
    """True when the periods are a multi-year stretch the passage does not break down (the mid-term
    report's review of 2020 .. 6 tháng đầu năm 2023): it goes to a group of its own, not to each year."""


def without_horizons(text: str) -> str:
    """Text with "đến năm 2025", "tầm nhìn đến năm 2030" and year ranges ("nhiệm kỳ 2020 - 2025")
    blanked: they name a horizon or a term, not the period the text reports on."""
    key = fold_lower(text)
    chars = list(text)
    for m in _HORIZONS.finditer(key):
        chars[m.start():m.end()] = " " * (m.end() - m.start())
    return "".join(chars)


def _heading_periods(heading: str, meta: DocumentMetadata, outer_years: list[int]) -> list[Period]:
    """The periods a heading names; "quý I" with no year is the document's own quý I, else the quarter of
    the one year the headings around it name, else of the document's year."""
    periods = parse_periods(without_horizons(heading))
    if periods:
        return periods
    found = []
    for m in _QUARTER_ONLY.finditer(fold_lower(heading)):
        q = _ROMAN[m.group(1)] if m.group(1) else int(m.group(2))
        own = [p for p in meta.reviews + meta.plans if p.quarter == q]
        year = outer_years[0] if len(set(outer_years)) == 1 else meta.period.year if meta.period else None
        found += own or ([Period(year, q)] if year else [])
    return list(dict.fromkeys(found))


def _main_periods(meta: DocumentMetadata) -> tuple[Period, ...]:
    """A term report (sơ kết / tổng kết nhiệm kỳ) is about what it reviews; any other document about the
    period it is mainly for (what it plans, else what it reviews)."""
    if meta.term and meta.reviews:
        return meta.reviews
    return (meta.period,) if meta.period else ()


def passage_placement(section: str, meta: DocumentMetadata, text: str = "") -> Placement:
    """The period(s) a passage is about.

    1. The deepest heading of its section path that names a period: "I. KẾT QUẢ THỰC HIỆN NHIỆM VỤ
       NĂM 2021" in a resolution about 2022 is 2021; "2. Một số nhiệm vụ trọng tâm quý II năm 2022" is
       quý II/2022; the annex "CHỈ TIÊU KẾ HOẠCH NĂM 2022" is 2022; "quý I" with no year is the
       document's quý I. A heading naming several periods keeps those of the section's kind.
    2. Else what the section's kind points at in the document's metadata: a review-like heading ("kết
       quả", "tình hình", "đánh giá") its reviews, a plan-like one ("nhiệm vụ", "giải pháp", "chỉ tiêu")
       its plans. The outermost heading with a clear kind decides (a term report's "I. KIỂM ĐIỂM ..."
       reviews even where a sub-heading says "thực hiện các nhiệm vụ").
    3. Else the document's main period (for a term report, what it reviews).
    When that gives a stretch of several years (a term report), the passage goes to a year only when its
    own text names it ("Trong 02 năm 2021 và năm 2022, ..."); otherwise it stays a span.
    """
    parts = [p for p in section.split(" > ") if p.strip()]
    kind = None
    for part in parts:
        kind = section_kind(part)
        if kind:
            break
    periods: tuple[Period, ...] = ()
    for depth in range(len(parts) - 1, -1, -1):
        outer = [p.year for part in parts[:depth] for p in parse_periods(without_horizons(part))]
        named = _heading_periods(parts[depth], meta, outer)
        if not named:
            continue
        if len(named) > 1:
            own = meta.reviews if kind == "review" else meta.plans if kind == "plan" else _main_periods(meta)
            named = [p for p in named if p in own] or named
        periods = tuple(named)
        break
    if not periods:
        own = meta.reviews if kind == "review" else meta.plans if kind == "plan" else ()
        periods = tuple(own) or _main_periods(meta)
        if not periods:
            logger.debug("no period in %r nor in its document: the passage joins no period group", section)
    years = sorted({p.year for p in periods})
    if len(years) <= 1 or not (meta.term or len(years) > 2):
        return Placement(periods)
    said = sorted({p.year for p in parse_periods(without_horizons(text))
                   if years[0] <= p.year <= years[-1]})
    if said:
        return Placement(tuple(Period(y) for y in said))
    return Placement(periods, span=True)


def overlaps(periods: Iterable[Period], g: Period) -> bool:
    """Does any of `periods` share a month with g (a term's 2020 .. 2023 with năm 2022)?"""
    ga, gb = g.months
    return any(p.months[0] <= gb and ga <= p.months[1] for p in periods)


def time_order(p: Period) -> tuple[int, int, int]:
    """Sort key of a period's group: by first month, the longer period first when two start together."""
    a, b = p.months
    return (a, -(b - a), 0)
