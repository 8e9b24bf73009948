"""The groups a comparison shows (one per named period, per period of the corpus, per document, or a term
report's span), their labels and time order, and which groups each candidate passage belongs to.
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from qa.answers.compare.model import Group, vn_date
from qa.answers.compare.placement import Placement, overlaps, time_order
from qa.index.loaded import Index
from qa.metadata.document import DocumentMetadata
from qa.metadata.periods import Period
from qa.text.vietnamese import fold_lower

logger = logging.getLogger(__name__)


class By(StrEnum):
    """How a comparison groups passages when the topic names no period of its own."""

    QUARTER = "quarter"
    """The finest period each passage states: a quarter, a half, else a year."""
    YEAR = "year"
    DOCUMENT = "document"
    """One group per document, ordered by date."""


@dataclass
class Candidate:
    """A passage that may join a group: its fused score, how much of the topic it holds, its period."""

    index: int
    """Position of the chunk in the index."""
    score: float
    coverage: float
    placement: Placement


def _term_report_name(meta: DocumentMetadata) -> str:
    """"sơ kết giữa nhiệm kỳ" / "tổng kết nhiệm kỳ" from the title, "" for another kind of document."""
    title = fold_lower(meta.title)
    names = {"giua nhiem ky": "sơ kết giữa nhiệm kỳ", "nua nhiem ky": "sơ kết giữa nhiệm kỳ",
             "tong ket nhiem ky": "tổng kết nhiệm kỳ"}
    return next((v for k, v in names.items() if k in title), "")


def _span_label(periods: tuple[Period, ...], meta: DocumentMetadata, kind: str) -> str:
    """"năm 2020 - 6 tháng đầu năm 2023 (sơ kết giữa nhiệm kỳ: kết quả)": a span's stretch and source."""
    first, last = min(periods), max(periods, key=lambda p: p.months[1])
    what = (_term_report_name(meta) or " ".join(x for x in (meta.doc_type.lower(), meta.number) if x)
            or "văn bản")
    what += ": kết quả" if kind == "review" else ": phương hướng" if kind == "plan" else ""
    return f"{first.label} - {last.label} ({what})"


def _doc_order(meta: DocumentMetadata) -> tuple[int, int]:
    """When a document speaks: its date, else the end of what it reviews, else its main period."""
    if meta.date:
        y, m, d = (int(x) for x in meta.date.split("-"))
        return (y * 12 + m, d)
    if meta.reviews:
        return (max(p.months[1] for p in meta.reviews) + 1, 0)
    if meta.period:
        return (meta.period.months[0], 0)
    logger.debug("%r has no date nor period: its group comes last", meta.title)
    return (10 ** 9, 0)


def make_groups(named: tuple[Period, ...], by: By | None, cands: list[Candidate],
                index: Index) -> tuple[list[Group], Callable[[Candidate], list[Group]]]:
    """The groups a comparison can show, and for a candidate the groups it belongs to.

    Named periods give one group each; a passage joins the ones its period lies within. With none named,
    every period the passages are placed in, at the granularity asked. By document, one group a document
    (only documents about the named periods, if any). A term report's passage that names no year joins a
    group of its own span, and only where that span overlaps the named periods.
    """
    chunks, docs = index.chunks, index.documents
    groups: dict[object, Group] = {}
    belongs: dict[int, list[Group]] = {}

    def group(key: object, make: Callable[[], Group]) -> Group:
        if key not in groups:
            groups[key] = make()
        return groups[key]

    def span_group(c: Candidate) -> Group:
        doc, periods = chunks[c.index].doc_id, c.placement.periods
        meta = docs[doc].metadata
        kind = ("review" if set(periods) <= set(meta.reviews) else
                "plan" if set(periods) <= set(meta.plans) else "")
        end = max(p.months[1] for p in periods)
        return group(("span", doc, periods), lambda: Group(
            "span", _span_label(periods, meta, kind),
            span=(min(periods), max(periods, key=lambda p: p.months)), doc=doc, order=(end + 1, 0, 1)))

    def document_group(doc: str) -> Group:
        meta = docs[doc].metadata
        head = " ".join(x for x in (meta.doc_type, meta.number) if x) or doc
        if meta.term and not meta.number:
            head = f"{meta.doc_type} {_term_report_name(meta)}".strip()
        when = vn_date(meta.date) or (f"nhiệm kỳ {meta.term}" if meta.term else
                                      meta.period.label if meta.period else "")
        return group(doc, lambda: Group("document", f"{head} ({when})" if when else head, doc=doc,
                                        period=meta.period, order=(*_doc_order(meta), doc)))

    if named and by is not By.DOCUMENT:
        for p in named:
            group(p, lambda p=p: Group("period", p.label, period=p, order=time_order(p)))
    for c in cands:
        periods = c.placement.periods
        if by is By.DOCUMENT:
            about = not named or any(overlaps(periods, p) for p in named)
            belongs[c.index] = [document_group(chunks[c.index].doc_id)] if about else []
        elif c.placement.span:
            about = not named or any(overlaps(periods, p) for p in named)
            belongs[c.index] = [span_group(c)] if about else []
        elif named:
            belongs[c.index] = [groups[p] for p in named if any(q.within(p) for q in periods)]
        else:
            keys = sorted({q if by is By.QUARTER else Period(q.year) for q in periods})
            belongs[c.index] = [group(k, lambda k=k: Group("period", k.label, period=k, order=time_order(k)))
                                for k in keys]

    def member(c: Candidate) -> list[Group]:
        return belongs.get(c.index, [])

    return list(groups.values()), member
