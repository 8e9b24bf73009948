"""One topic across periods: for each quarter, year or document, the passages about the topic in time
order, the figures they state side by side, and "không đề cập" where a period never mentions it.

Three small pure pieces do the Vietnamese work and are tested on the seeds' real lines:
`comparison_topic` (the question without its comparison and period words), `passage_placement` (the
period a passage is about, from its section path and its document's metadata) and `find_facts`
(figures, targets and deadlines in a sentence). `compare` puts them together over a Retriever.
"""
from __future__ import annotations

import math
import re
import threading
import weakref
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import Enum

import numpy as np

from qa.answers.answer import Answer, Passage
from qa.ingest.chunking import Chunk, heading_level
from qa.errors import VanbanError
from qa.index.loaded import Index
from qa.index.lexical import tokenize
from qa.metadata.document import DocumentMetadata
from qa.metadata.periods import SECTION_PLAN_CUES, SECTION_REVIEW_CUES, Period, parse_periods
from qa.ingest.normalize import NormalizedText
from qa.text.vietnamese import fold, fold_lower
from qa.search.query import Query, understand
from qa.search.retrieval import Filters, Hit, Retriever, fuse

__all__ = [
    "By", "Comparison", "ComparedAnswer", "Fact", "Group", "Placement", "comparison_topic", "compare",
    "find_facts", "is_comparison", "passage_placement", "prepare", "raw_location", "section_kind",
    "sentences", "with_comparison",
]

RELATIVE_FLOOR = 0.2
"""A passage joins its period only if its fused score is at least this share of the best passage of the
whole comparison, so a period is never filled with a weak match."""
MIN_COVERAGE = 0.5
"""Share (IDF-weighted) of the topic's rare words and word pairs a passage must contain: the test that a
period mentions the topic at all (a period whose passages all fall short says "không đề cập")."""
SENTENCE_SHARE = 0.6
"""A sentence of a kept passage speaks of the topic (and gives facts) when its coverage is at least this
share of the passage's best sentence."""
PER_GROUP = 5
"""Passages kept per period at most (the term report can discuss a topic in several sections)."""
MAX_FACTS = 8
"""Figures shown per period at most."""
NEAR_COPY = 0.75


class By(str, Enum):
    """How a comparison groups passages when the topic names no period of its own."""

    QUARTER = "quarter"
    """The finest period each passage states: a quarter, a half, else a year."""
    YEAR = "year"
    DOCUMENT = "document"
    """One group per document, ordered by date."""


# ---------------------------------------------------------------------------------------------------------
# The topic of a comparison question
# ---------------------------------------------------------------------------------------------------------

_HOW_WORDS = r"(?:nhu\s+)?(?:the nao|ra sao)"
_COMPARISON_WORDS = re.compile(
    rf"\b(?:so sanh|qua (?:cac|tung) (?:nam|quy|ky|thoi ky)|(?:trong )?cac (?:nam|quy)|so voi(?: cung ky)?"
    rf"|cung ky|bien dong(?: {_HOW_WORDS})?|thay doi {_HOW_WORDS}|{_HOW_WORDS}|khac (?:nhau|biet)"
    rf"|dien bien)\b")
_HOW_VERBS = r"(?:chi dao|danh gia|the hien|trien khai|thuc hien|dat duoc|dien ra|quy dinh|de ra|dat ra)"
_HOW = re.compile(rf"\b(?:(?:duoc|da|dang)\s+)?{_HOW_VERBS}(?:\s*(?:va|,)\s*{_HOW_VERBS})*\s+{_HOW_WORDS}\b")
"""Question framing: "được chỉ đạo và đánh giá thế nào" asks how, it is not the topic."""
_PERIOD_WORDS = re.compile(
    r"\b(?:qu[yi]\s+(?:iv|iii|ii|i)\b|qu[yi]\s*[1-4]\b|q[1-4]\b)(?:\s*/\s*(?:19|20)\d\d\b)?"
    r"|\b(?:6|sau)\s+thang\s+(?:dau|cuoi)(?:\s+nam)?\b|\bnua\s+(?:dau|cuoi)\s+nam\b"
    r"|\b(?:nam\s+)?(?:19|20)\d\d\b(?:\s*[-–]\s*(?:19|20)\d\d\b)?")
_CONNECTORS = frozenset(
    "và với hoặc trong giữa của từ đến năm các được về ở tại "
    "va voi hoac giua cua tu den nam cac duoc ve o tai , / - – & ? . ; : ( )".split())


def comparison_topic(question: str) -> str:
    """The question without its comparison words ("so sánh", "qua các năm", "so với", "biến động thế
    nào") and its period phrases ("quý II năm 2021, 2022 và 2023"): what to search for in every period.

    Joining words left between two removed phrases, or at either end, go too ("quý I 2021 so với
    quý I 2022" leaves nothing behind). Accents optional.
    """
    text = " ".join(question.split())
    key = fold_lower(text)
    removed = bytearray(len(text) + 1)
    for pat in (_HOW, _COMPARISON_WORDS, _PERIOD_WORDS):
        for m in pat.finditer(key):
            removed[m.start():m.end()] = b"\x01" * (m.end() - m.start())
    tokens = [[m.start(), m.end(), any(removed[m.start():m.end()])]
              for m in re.finditer(r"\w+|[^\w\s]", text)]
    changed = True
    while changed:
        changed = False
        for i, tok in enumerate(tokens):
            if tok[2] or text[tok[0]:tok[1]].lower() not in _CONNECTORS:
                continue
            before = i == 0 or tokens[i - 1][2]
            after = i == len(tokens) - 1 or tokens[i + 1][2]
            if before and after:
                tok[2] = changed = True
    out = ""
    for s, e, gone in tokens:
        if gone:
            continue
        word = text[s:e]
        glue = out and (s > 0 and text[s - 1].isspace()) and not re.fullmatch(r"[,.;:?!)]", word)
        out += (" " if glue else "") + word
    return out.strip(" ,;:-")


_ACROSS = re.compile(rf"\b(?:so sanh|qua (?:cac|tung) (?:nam|quy|ky)|cac nam|cac quy|bien dong"
                     rf"|thay doi {_HOW_WORDS}|khac (?:nhau|biet))\b")


def is_comparison(query: Query) -> bool:
    """A question to answer period by period: it names two periods or more ("quý I 2021 so với quý I
    2022", "... trong năm 2022 và năm 2023?", "quý I năm 2023 so với cùng kỳ"), or none but asks across
    them ("qua các năm", "so sánh", "biến động thế nào"). One period ("quý I năm 2021 so với cả nước") is
    not, and neither is a term ("nhiệm kỳ 2020 - 2025"), which names no period to compare."""
    named = [p for p in _named_periods(query) if p in parse_periods(_without_horizons(query.text))
             or re.search(r"\bcung ky\b", query.folded)]
    if named:
        return len(named) >= 2
    return bool(_ACROSS.search(query.folded))


def _named_periods(query: Query) -> tuple[Period, ...]:
    """The periods a comparison names; "quý I năm 2022 so với cùng kỳ" adds quý I năm 2021."""
    periods = tuple(sorted(set(query.periods)))
    if len(periods) == 1 and re.search(r"\bcung ky\b", query.folded):
        p = periods[0]
        periods = (Period(p.year - 1, p.quarter, p.half), p)
    return periods


# ---------------------------------------------------------------------------------------------------------
# The period a passage is about
# ---------------------------------------------------------------------------------------------------------

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


def _without_horizons(text: str) -> str:
    """Text with "đến năm 2025", "tầm nhìn đến năm 2030" and year ranges ("nhiệm kỳ 2020 - 2025")
    blanked: they name a horizon or a term, not the period the text reports on."""
    key = fold_lower(text)
    chars = list(text)
    for m in _HORIZONS.finditer(key):
        chars[m.start():m.end()] = " " * (m.end() - m.start())
    return "".join(chars)


def _heading_periods(heading: str, meta: DocumentMetadata, outer_years: list[int]) -> list[Period]:
    periods = parse_periods(_without_horizons(heading))
    if periods:
        return periods
    found = []  # "quý I" with no year: the document's own quarter, else the year around it
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
        outer = [p.year for part in parts[:depth] for p in parse_periods(_without_horizons(part))]
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
    years = sorted({p.year for p in periods})
    if len(years) <= 1 or not (meta.term or len(years) > 2):
        return Placement(periods)
    said = sorted({p.year for p in parse_periods(_without_horizons(text))
                   if years[0] <= p.year <= years[-1]})
    if said:
        return Placement(tuple(Period(y) for y in said))
    return Placement(periods, span=True)


# ---------------------------------------------------------------------------------------------------------
# Facts: figures, targets and deadlines in a sentence
# ---------------------------------------------------------------------------------------------------------

_NUM = r"\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:,\d+)?"
_CUE = (r"(?:ước\s+(?:tăng|giảm|đạt)|tăng|giảm|đạt|vượt|trên|dưới|khoảng|gần|hơn|ước|bằng|chiếm|còn|tối thiểu"
        r"|tối đa|ít nhất|cả|gấp)")
_SCALE = r"(?:nghìn|ngàn|triệu|tỷ|tỉ)"
_MEASURE = (rf"(?:{_SCALE}(?:\s+{_SCALE})?(?:\s+(?:đồng|USD|người|lượt|tấn|TEU))?"
            r"|USD|đồng|ha|km2?|m2|m²|m3|tấn|TEU|lần|điểm)")
_FIGURE = re.compile(
    rf"(?P<cue>(?:{_CUE}\s+){{1,2}})?(?P<num>{_NUM})(?:\s*[-–]\s*(?P<num2>{_NUM}))?"
    rf"(?:\s*(?P<pct>%)|\s+(?P<measure>{_MEASURE})(?![\w])|(?P<noun>(?:\s+[^\W\d_]+){{1,2}}))?"
    rf"(?(pct)(?P<share>(?:\s+[^\W\d_]+){{1,2}})?)",
    re.IGNORECASE)
_DATE = re.compile(r"(?P<cue>trước|đến(?: hết)?|trong|chậm nhất|từ|sau)\s+(?:ngày\s+)?"
                   r"\d{1,2}\s*/\s*\d{1,2}(?:\s*/\s*(?:19|20)\d\d)?(?![\w/])", re.IGNORECASE)
_NOT_A_FIGURE_BEFORE = re.compile(
    r"(?:\b(?:năm|tháng|ngày|quý|số|thứ|khóa|khoá|điều|khoản|điểm|giai đoạn|nhiệm kỳ|lần|phụ lục|mục"
    r"|Nghị quyết|Kết luận|Chỉ thị|Quyết định)\s*|[\w/.\-<]|\d\s*[-–]\s*)$", re.IGNORECASE)
_STOP_NOUN = frozenset(
    "và của với trong năm tháng ngày quý đạt được là có đã các những tại trên so theo để cho từ đến ở "
    "thuộc mới tăng giảm này đó về bằng như khi thì sẽ đang cùng kỳ hơn hoặc không chưa vượt ước nhưng "
    "người".split())
_STOP_NOUN_FOLDED = frozenset(fold(w) for w in _STOP_NOUN)
"""The same, for the accent-stripped OCR text ("14 cac toi pham": "14" is a misread "là")."""
_FIGURE_ALONE_UNITS = frozenset({"người"})
_ONE_WORD_NOUNS = frozenset("xã phường huyện quận tỉnh hộ người vụ lần ca căn lượt khóa lớp đợt cuộc bản "
                            "điểm tuyến nhà trường".split())
"""Counted nouns of one syllable ("14 xã", "35 xã nông thôn mới"): the count stops after them."""


@dataclass(frozen=True)
class FoundFact:
    start: int
    end: int
    text: str


def _counted(words: str, offset: int, allow_first: frozenset[str] = frozenset()) -> int | None:
    """End of the counted noun in `words` ("công viên" of "17 công viên cây xanh và ..."): up to two
    words, stopping at a function word or a verb that starts the rest of the sentence; None if none."""
    end = None
    for i, w in enumerate(re.finditer(r"[^\W\d_]+", words)):
        low = w.group().lower()
        if (low in _STOP_NOUN or low in _STOP_NOUN_FOLDED) and not (i == 0 and low in allow_first):
            break
        end = offset + w.end()
        if i == 0 and low in _ONE_WORD_NOUNS:
            break
    return end


def find_facts(sentence: str) -> list[FoundFact]:
    """Figures a staffer compares across periods, with their offsets in `sentence`: percentages ("tăng
    16 - 18%", "ước tăng 18,29%"), shares ("100% chỉ tiêu"), amounts ("5,72 tỷ USD"), counts ("17
    công viên", "14 xã") and deadlines ("trước ngày 30/6/2023"). Years, dates of other documents,
    document and section numbers ("(18).", "số 03-NQ/TU", "lần thứ 7") are not figures.
    """
    found: list[FoundFact] = []
    taken = bytearray(len(sentence) + 1)
    for m in _DATE.finditer(sentence):
        found.append(FoundFact(m.start(), m.end(), m.group()))
        taken[m.start():m.end()] = b"\x01" * (m.end() - m.start())
    for m in _FIGURE.finditer(sentence):
        num_at, num_end = m.start("num"), m.end("num2") if m.group("num2") else m.end("num")
        before = sentence[max(0, num_at - 16):num_at]
        if any(taken[num_at:num_end]) or _NOT_A_FIGURE_BEFORE.search(before):
            continue
        if re.match(r"\s*[/.)\]]\s*\d|[/)\]]|\.\S|\s*[-–]\s*[A-ZĐ]", sentence[num_end:]):
            continue  # 35/2021/QH15, 03-NQ, (18), 1.2. numbering
        if m.group("pct"):
            end = m.end("pct")
            if m.group("share") and not m.group("cue"):  # "100% chỉ tiêu", not "tăng 18,29% so với"
                end = _counted(m.group("share"), m.start("share")) or end
        elif m.group("measure"):
            end = m.end("measure")
        elif m.group("noun"):
            end = _counted(m.group("noun"), m.start("noun"), _FIGURE_ALONE_UNITS)
            if end is None or re.fullmatch(r"(?:19|20)\d\d", m.group("num")):
                continue
        else:
            continue  # a bare number says nothing on its own
        start = m.start() if m.group("cue") else num_at
        found.append(FoundFact(start, end, " ".join(sentence[start:end].split())))
        taken[start:end] = b"\x01" * (end - start)
    found.sort(key=lambda f: f.start)
    return found


_SENTENCE = re.compile(r"(?:[^.!?;\n]|[.!?;](?![\s\"”)]|$))+[.!?;]*")


def sentences(text: str) -> Iterable[tuple[int, int]]:
    """[start, end) of each sentence; a decimal or thousands point ("1.200", "5.72") does not end one."""
    for m in _SENTENCE.finditer(text):
        s, e = m.start(), m.end()
        while s < e and text[s] in " -+•*\t":
            s += 1
        if e - s >= 8:
            yield s, e


def raw_location(chunk: Chunk, norm: NormalizedText, a: int, b: int) -> tuple[list[tuple[int, int]], bool]:
    """Raw-file spans of `chunk.text[a:b]` through the document's offset map, and whether they are
    exact; the chunk's own spans (not exact) when the map gives nothing."""
    base = chunk.norm_range[0]
    spans = norm.raw_spans(base + a, base + b)
    return (spans, True) if spans else (list(chunk.spans), False)


# ---------------------------------------------------------------------------------------------------------
# The result
# ---------------------------------------------------------------------------------------------------------

@dataclass
class Fact:
    """A figure quoted from a passage, with where it lies in the raw file."""

    text: str
    context: str
    """The sentence it comes from (normalised text)."""
    doc: str
    spans: list[tuple[int, int]]
    """Raw-file ranges of the figure itself when the offset map allows, else of the whole passage."""
    passage: int
    exact: bool = True

    def to_json(self) -> dict:
        return {"text": self.text, "context": self.context, "doc": self.doc,
                "start": min(s for s, _ in self.spans), "end": max(e for _, e in self.spans),
                "spans": [list(s) for s in self.spans], "passage": self.passage, "exact": self.exact}


@dataclass
class Highlight:
    """The sentence of a period that says most about the topic, with its raw-file spans."""

    text: str
    doc: str
    spans: list[tuple[int, int]]
    passage: int
    restored: str = ""
    """The sentence in its machine-restored reading when its document lost its accents, else ""."""

    def to_json(self) -> dict:
        return {"text": self.text, "doc": self.doc, "start": min(s for s, _ in self.spans),
                "end": max(e for _, e in self.spans), "spans": [list(s) for s in self.spans],
                "passage": self.passage, **({"restored": self.restored} if self.restored else {})}


@dataclass
class Group:
    """One column of the comparison: a period, a multi-year span, or a document."""

    kind: str
    """"period", "span" (a term report's stretch it does not break down by year) or "document"."""
    label: str
    period: Period | None = None
    span: tuple[Period, Period] | None = None
    doc: str | None = None
    """The document, for a document or span group; for a period group, the one document cited, if one."""
    passages: list[Passage] = field(default_factory=list)
    placements: list[Placement] = field(default_factory=list)
    facts: list[Fact] = field(default_factory=list)
    highlights: list[Highlight] = field(default_factory=list)
    order: tuple = field(default=(), repr=False)

    @property
    def mentioned(self) -> bool:
        return bool(self.passages)

    @property
    def docs(self) -> list[str]:
        return list(dict.fromkeys(p.hit.chunk.doc_id for p in self.passages))

    def to_json(self) -> dict:
        passages = []
        for p, place in zip(self.passages, self.placements):
            j = p.to_json()
            j["placed"] = [q.to_json() for q in place.periods]
            passages.append(j)
        return {
            "kind": self.kind, "label": self.label, "period": self.period.to_json() if self.period else None,
            "span": [p.to_json() for p in self.span] if self.span else None,
            "doc": self.doc, "docs": self.docs, "mentioned": self.mentioned,
            "passages": passages, "facts": [f.to_json() for f in self.facts],
            "highlights": [h.to_json() for h in self.highlights],
        }


NOT_MENTIONED = "không đề cập"


def _md(text: str) -> str:
    """Document text made inert for Markdown (tables, emphasis, links, HTML)."""
    text = " ".join(text.split())
    return re.sub(r"([\\`*_\[\]<>|#~])", r"\\\1", text)


@dataclass
class Comparison:
    question: str
    topic: str
    """What was searched for: the question without its comparison and period words."""
    by: str
    """"named" (the periods the question names), "quarter", "year" or "document"."""
    groups: list[Group]

    @property
    def passages(self) -> list[Passage]:
        return [p for g in self.groups for p in g.passages]

    def to_json(self) -> dict:
        return {"question": self.question, "topic": self.topic, "by": self.by,
                "groups": [g.to_json() for g in self.groups]}

    def _facts_line(self, g: Group, limit: int = 4) -> str:
        if not g.mentioned:
            return NOT_MENTIONED
        if g.facts:
            return "; ".join(f"{f.text} [{f.passage}]" for f in g.facts[:limit])
        if g.highlights:
            return f"{_clip(g.highlights[0].text, 90)} [{g.highlights[0].passage}]"
        return "—"

    def to_markdown(self) -> str:
        """A table of the periods side by side (figures with passage numbers), then each period's passages."""
        lines = [f"**So sánh:** {_md(self.topic)}", "", "| Kỳ | Số liệu chính | Nội dung | Nguồn |",
                 "|---|---|---|---|"]
        for g in self.groups:
            facts = "; ".join(f"{_md(f.text)} \\[{f.passage}\\]" for f in g.facts[:4]) if g.facts else "—"
            gist = (f"{_md(_clip(g.highlights[0].text, 160))} \\[{g.highlights[0].passage}\\]"
                    if g.highlights else "—")
            src = ", ".join(f"\\[{p.n}\\] {_md(_short_source(p))}" for p in g.passages[:3])
            if not g.mentioned:
                facts, gist, src = f"*{NOT_MENTIONED}*", "", ""
            lines.append(f"| {_md(g.label)} | {facts} | {gist} | {src} |")
        for g in self.groups:
            lines += ["", f"### {_md(g.label)}"]
            if not g.mentioned:
                lines.append(f"*{NOT_MENTIONED}*")
                continue
            for p in g.passages:
                j = p.to_json()
                lines.append(f"- \\[{p.n}\\] {_md(_short_source(p))}, {_md(j['doc'])} "
                             f"\\[{j['start']}:{j['end']}\\] — Mục: {_md(j['section'] or '—')}")
                lines.append(f"  > {_md(_clip(j['text'], 400))}")
        return "\n".join(lines)

    def to_text(self) -> str:
        """The same for a terminal: one block per period, figures first."""
        out = [f"So sánh: {self.topic}", ""]
        width = max((len(g.label) for g in self.groups), default=0)
        for g in self.groups:
            out.append(f"  {g.label:<{width}}  {self._facts_line(g)}")
        for g in self.groups:
            out += ["", f"== {g.label}" + ("" if g.mentioned else f": {NOT_MENTIONED}")]
            for h in g.highlights:
                out.append(f"   • {_clip(h.text, 300)} [{h.passage}]")
            for p in g.passages:
                j = p.to_json()
                out.append(f"  [{p.n}] {j['doc']} [{j['start']}:{j['end']}] — {_short_source(p)}")
                out.append(f"      Mục: {j['section'] or '—'}")
        return "\n".join(out)


def _clip(text: str, n: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[:n].rsplit(" ", 1)[0] + "…"


def _short_source(p: Passage) -> str:
    m = p.hit.meta
    if not m:
        return p.hit.chunk.doc_id
    parts = [m.doc_type, m.number, _vn_date(m.date)]
    return " ".join(x for x in parts if x) or p.hit.chunk.doc_id


def _vn_date(iso: str) -> str:
    if not iso:
        return ""
    y, mo, d = iso.split("-")
    return f"{d}/{mo}/{y}"


@dataclass
class ComparedAnswer(Answer):
    """An answer to a comparison question, carrying the comparison as well (`comparison` in its JSON)."""

    comparison: Comparison | None = field(default=None, repr=False)

    def to_json(self, id: str | None = None) -> dict:
        out = super().to_json(id)
        if self.comparison is not None:
            out["comparison"] = self.comparison.to_json()
        return out


def with_comparison(answer: Answer, comparison: Comparison | None) -> Answer:
    if comparison is None:
        return answer
    return ComparedAnswer(answer.question, answer.abstained, answer.text, answer.passages, answer.reason,
                          answer.query, answer.restored_text, comparison=comparison)


# ---------------------------------------------------------------------------------------------------------
# Putting it together
# ---------------------------------------------------------------------------------------------------------

NORMALIZED_KEPT = 256
"""Documents whose normalised text stays in memory (~0.3 MB for 20,000 characters with its offset map): a
comparison over 250 documents quotes from ~40 of them, each taking up to 0.15 s to normalise again."""
_normalized: OrderedDict[str, NormalizedText] = OrderedDict()
_normalized_lock = threading.Lock()
_tokens: weakref.WeakKeyDictionary[Index, list[frozenset[str]]] = weakref.WeakKeyDictionary()
_placements: weakref.WeakKeyDictionary[Index, list[Placement]] = weakref.WeakKeyDictionary()


_per_index_lock = threading.Lock()
"""One thread computes an index's tokens or placements; the others wait for them rather than repeat the work
(four comparisons arriving together after an upload each spent 4x as long doing it at once)."""


def _chunk_tokens(index: Index) -> list[frozenset[str]]:
    """Every chunk's folded words and word pairs, its section path included, once per index."""
    with _per_index_lock:
        if index not in _tokens:
            _tokens[index] = [frozenset(tokenize(fold_lower(c.index_text))) for c in index.chunks]
        return _tokens[index]


def _chunk_placements(index: Index) -> list[Placement]:
    """Every chunk's period placement, once per index: it depends on the chunk and its document only, and
    placing 7,200 chunks took 5 s, which every comparison used to pay again."""
    with _per_index_lock:
        if index not in _placements:
            docs = index.documents
            _placements[index] = [passage_placement(c.section, docs[c.doc_id].metadata, c.full_text)
                                  for c in index.chunks]
        return _placements[index]


def prepare(index: Index) -> None:
    """Compute what every comparison over `index` shares (1.7 s + 1.3 s at 7,200 chunks), ahead of the
    first one."""
    _chunk_tokens(index)
    _chunk_placements(index)


def _normalized_text(index: Index, doc_id: str) -> NormalizedText:
    """A document's normalised text, to map a quoted sentence back to the raw file. Kept by content hash
    for the most recently used documents, so a new generation (an upload) does not normalise the unchanged
    ones again: the first comparison after an upload spent 5.6 s of its 9 s there (7,200 chunks)."""
    key = index.documents[doc_id].content_hash
    with _normalized_lock:
        if key in _normalized:
            _normalized.move_to_end(key)
            return _normalized[key]
    norm = index.document(doc_id).normalized
    with _normalized_lock:
        _normalized[key] = norm
        while len(_normalized) > NORMALIZED_KEPT:
            _normalized.popitem(last=False)
    return norm


def _within(p: Period, g: Period) -> bool:
    """Is p inside g (quý II/2022 inside năm 2022 and inside 6 tháng đầu năm 2022)?"""
    if p.year != g.year:
        return False
    if g.quarter is None and g.half is None:
        return True
    if g.quarter is not None:
        return p.quarter == g.quarter
    return p.half == g.half or (p.quarter is not None and (p.quarter + 1) // 2 == g.half)


def _months(p: Period) -> tuple[int, int]:
    """First and last month of a period, counted from year 0."""
    if p.quarter is not None:
        a, n = 3 * p.quarter - 2, 3
    elif p.half is not None:
        a, n = 6 * p.half - 5, 6
    else:
        a, n = 1, 12
    return p.year * 12 + a, p.year * 12 + a + n - 1


def _overlaps(periods: Iterable[Period], g: Period) -> bool:
    ga, gb = _months(g)
    return any(a <= gb and ga <= b for a, b in map(_months, periods))


def _order(p: Period) -> tuple:
    a, b = _months(p)
    return (a, -(b - a), 0)


def _term_report_name(meta: DocumentMetadata) -> str:
    """"sơ kết giữa nhiệm kỳ" / "tổng kết nhiệm kỳ" from the title, "" for another kind of document."""
    title = fold_lower(meta.title)
    names = {"giua nhiem ky": "sơ kết giữa nhiệm kỳ", "nua nhiem ky": "sơ kết giữa nhiệm kỳ",
             "tong ket nhiem ky": "tổng kết nhiệm kỳ"}
    return next((v for k, v in names.items() if k in title), "")


def _span_label(periods: tuple[Period, ...], meta: DocumentMetadata, kind: str) -> str:
    first, last = min(periods), max(periods, key=lambda p: _months(p)[1])
    what = (_term_report_name(meta) or " ".join(x for x in (meta.doc_type.lower(), meta.number) if x)
            or "văn bản")
    what += ": kết quả" if kind == "review" else ": phương hướng" if kind == "plan" else ""
    return f"{first.label} - {last.label} ({what})"


def _doc_order(meta: DocumentMetadata) -> tuple:
    """When a document speaks: its date, else the end of what it reviews, else its main period."""
    if meta.date:
        y, m, d = (int(x) for x in meta.date.split("-"))
        return (y * 12 + m, d)
    if meta.reviews:
        return (max(_months(p)[1] for p in meta.reviews) + 1, 0)
    if meta.period:
        return (_months(meta.period)[0], 0)
    return (10 ** 9, 0)


@dataclass
class _Candidate:
    index: int
    """Position of the chunk in the index."""
    score: float
    coverage: float
    placement: Placement


_FUNCTION_WORDS = frozenset(
    "về và của cho các những với để được là có tại từ đến như theo trong một thì mà".split())
_FUNCTION_WORDS_FOLDED = frozenset("ve va cua cho cac nhung voi duoc den nhu theo mot".split())
"""Only the unambiguous ones once folded: "tu" is từ but also tư (đầu tư), "trong" also trọng."""


class _Topic:
    """The topic's rare words and word pairs, weighted by rarity (IDF over passages).

    Pairs matter: "chỉ tiêu giao quân" is about "giao quân", and a passage with "3 tiêu chí" and "giao
    thông" holds both syllables but neither pair. A pair across a function word ("về giải") is no term.
    """

    def __init__(self, topic: str, index: Index) -> None:
        df = index.lexical.document_frequency
        n = len(index.chunks)
        # the same tokens accented and folded (fold_lower keeps offsets): typed with accents, "trọng" is no
        # "trong"
        stop = _FUNCTION_WORDS if fold(topic) != topic else _FUNCTION_WORDS_FOLDED
        terms = dict.fromkeys(t for t, a in zip(tokenize(fold_lower(topic)), tokenize(topic.lower()))
                              if not t.isdigit() and not set(a.split("_")) & stop)
        # a word the corpus never uses still counts (nothing covers it); a pair it never uses is no term
        self.weights = {t: math.log(1 + (n - df(t) + 0.5) / (df(t) + 0.5))
                        for t in terms if df(t) < max(2, n // 2) and (df(t) > 0 or "_" not in t)}
        self.total = sum(self.weights.values())

    def coverage(self, text: str | frozenset[str]) -> float:
        """Share of the topic's weight found in a text or its tokens (1.0 when the topic has no rare term)."""
        if not self.total:
            return 1.0
        present = text if isinstance(text, frozenset) else frozenset(tokenize(fold_lower(text)))
        return sum(w for t, w in self.weights.items() if t in present) / self.total


def _near_copy(a: frozenset[str], b: frozenset[str]) -> bool:
    return len(a & b) > NEAR_COPY * max(1, len(a | b))


def compare(retriever: Retriever, question: str, by: By | str | None = None, filters: Filters | None = None,
            per_group: int = PER_GROUP, query: Query | None = None) -> Comparison:
    """Compare a topic across the periods the question names, or every period the corpus covers.

    The topic is embedded once and every passage scored with the Retriever's own fusion; a period keeps
    its best passages that contain the topic (MIN_COVERAGE) and score at least RELATIVE_FLOOR of the best
    passage of the whole comparison, so a period without one says "không đề cập". `query` is the question
    already understood (by `Assistant.ask`), when there is one. Raises VanbanError when nothing is left
    to compare once the comparison and period words are taken out.
    """
    query = query or understand(question)
    topic = comparison_topic(query.text)
    if not re.search(r"\w", topic):
        raise VanbanError("Hãy nêu nội dung cần so sánh, ví dụ: \"so sánh chỉ tiêu giao quân qua các năm\".",
                          "Say what to compare, e.g. \"so sánh chỉ tiêu giao quân qua các năm\".")
    restored = query.restored  # the question with its accents put back, where that exists
    by = By(by) if by else None
    named = _named_periods(query)
    mode = By.DOCUMENT.value if by is By.DOCUMENT else "named" if named else (by or By.YEAR).value
    index = retriever.index
    chunks, docs = index.chunks, index.documents
    allowed = [i for i, c in enumerate(chunks)
               if filters is None or filters.allows(c.doc_id, docs[c.doc_id].metadata)]
    if not allowed:
        return Comparison(query.text, topic, mode, [])
    qvec = retriever.embedder.embed_queries([comparison_topic(restored) if restored else topic])[0]
    dense = index.dense_scores(qvec, np.array(allowed, dtype=np.int64))
    lexical = index.lexical.scores(topic)[allowed]
    fused = fuse(dense, lexical, retriever.config)
    words = _Topic(topic, index)
    tokens, placements = _chunk_tokens(index), _chunk_placements(index)
    cands = [_Candidate(i, float(fused[j]), words.coverage(tokens[i]), placements[i])
             for j, i in enumerate(allowed)]

    groups, member = _groups(named, by, cands, index)
    eligible = [c for c in cands if c.coverage >= MIN_COVERAGE and member(c)]
    best = max((c.score for c in eligible), default=0.0)
    at = {i: j for j, i in enumerate(allowed)}
    hits: dict[int, Hit] = {}
    for g in groups:
        chosen: list[tuple[_Candidate, frozenset[str]]] = []
        for c in sorted((c for c in eligible if g in member(c)), key=lambda c: -c.score):
            if c.score < RELATIVE_FLOOR * best or len(chosen) == per_group:
                break
            tokens = frozenset(re.findall(r"\w+", fold_lower(chunks[c.index].full_text)))
            if not any(_near_copy(tokens, other) for _, other in chosen):
                chosen.append((c, tokens))
        g.placements = [c.placement for c, _ in chosen]
        g.passages = []
        for c, _ in chosen:
            chunk = chunks[c.index]
            hit = hits.setdefault(c.index, Hit(chunk, c.score, float(dense[at[c.index]]),
                                               float(lexical[at[c.index]]), 0.0, docs[chunk.doc_id].metadata))
            g.passages.append(Passage(0, hit))
    # a span group (the term report's stretch) only when it says something; every period or document is shown
    shown = sorted((g for g in groups if g.mentioned or g.kind != "span"), key=lambda g: g.order)
    numbers: dict[int, int] = {}
    for g in shown:
        for p in g.passages:
            p.n = numbers.setdefault(index.position[p.hit.chunk.chunk_id], len(numbers) + 1)
        if g.kind == "period" and len(g.docs) == 1:
            g.doc = g.docs[0]
        _describe(g, words, index)
    return Comparison(query.text, topic, mode, shown)


def _groups(named: tuple[Period, ...], by: By | None, cands: list[_Candidate], index: Index):
    """The groups a comparison can show, and for a candidate the groups it belongs to.

    Named periods give one group each; a passage joins the ones its period lies within. With none named,
    every period the passages are placed in, at the granularity asked. By document, one group a document
    (only documents about the named periods, if any). A term report's passage that names no year joins a
    group of its own span, and only where that span overlaps the named periods.
    """
    chunks, docs = index.chunks, index.documents
    groups: dict[object, Group] = {}
    belongs: dict[int, list[Group]] = {}

    def group(key: object, make) -> Group:
        if key not in groups:
            groups[key] = make()
        return groups[key]

    def span_group(c: _Candidate) -> Group:
        doc, periods = chunks[c.index].doc_id, c.placement.periods
        meta = docs[doc].metadata
        kind = ("review" if set(periods) <= set(meta.reviews) else
                "plan" if set(periods) <= set(meta.plans) else "")
        end = max(_months(p)[1] for p in periods)
        return group(("span", doc, periods), lambda: Group(
            "span", _span_label(periods, meta, kind), span=(min(periods), max(periods, key=_months)), doc=doc,
            order=(end + 1, 0, 1)))

    def document_group(doc: str) -> Group:
        meta = docs[doc].metadata
        head = " ".join(x for x in (meta.doc_type, meta.number) if x) or doc
        if meta.term and not meta.number:
            head = f"{meta.doc_type} {_term_report_name(meta)}".strip()
        when = _vn_date(meta.date) or (f"nhiệm kỳ {meta.term}" if meta.term else
                                       meta.period.label if meta.period else "")
        return group(doc, lambda: Group("document", f"{head} ({when})" if when else head, doc=doc,
                                        period=meta.period, order=(*_doc_order(meta), doc)))

    if named and by is not By.DOCUMENT:
        for p in named:
            group(p, lambda p=p: Group("period", p.label, period=p, order=_order(p)))
    for c in cands:
        periods = c.placement.periods
        if by is By.DOCUMENT:
            about = not named or any(_overlaps(periods, p) for p in named)
            belongs[c.index] = [document_group(chunks[c.index].doc_id)] if about else []
        elif c.placement.span:
            about = not named or any(_overlaps(periods, p) for p in named)
            belongs[c.index] = [span_group(c)] if about else []
        elif named:
            belongs[c.index] = [groups[p] for p in named if any(_within(q, p) for q in periods)]
        else:
            keys = sorted({q if by is By.QUARTER else Period(q.year) for q in periods})
            belongs[c.index] = [group(k, lambda k=k: Group("period", k.label, period=k, order=_order(k)))
                                for k in keys]

    def member(c: _Candidate) -> list[Group]:
        return belongs.get(c.index, [])

    return list(groups.values()), member


def _describe(g: Group, words: _Topic, index: Index) -> None:
    """The group's figures and its best sentences, from the sentences of its passages about the topic
    (those covering the topic nearly as well as the passage's best sentence)."""
    facts: list[Fact] = []
    scored: list[tuple[float, int, Highlight]] = []
    seen: set[str] = set()
    for rank, p in enumerate(g.passages):
        chunk = p.hit.chunk
        norm = _normalized_text(index, chunk.doc_id)
        found = [(s, e, words.coverage(chunk.text[s:e])) for s, e in sentences(chunk.text)
                 if heading_level(chunk.text[s:e].strip()) is None]
        top = max((cov for _, _, cov in found), default=0.0)
        for s, e, cov in found:
            if cov <= 0 or cov < SENTENCE_SHARE * top:
                continue
            sent = " ".join(chunk.text[s:e].split())
            reading = " ".join(chunk.restored[s:e].split())  # same length as the text: the same sentence
            spans, _ = raw_location(chunk, norm, s, e)
            scored.append((cov - 0.1 * rank, len(scored), Highlight(sent, chunk.doc_id, spans, p.n, reading)))
            for f in find_facts(chunk.text[s:e]):
                if f.text.lower() in seen:
                    continue
                seen.add(f.text.lower())
                fspans, exact = raw_location(chunk, norm, s + f.start, s + f.end)
                facts.append(Fact(f.text, sent, chunk.doc_id, fspans, p.n, exact))
    scored.sort(key=lambda t: (-t[0], t[1]))
    g.highlights = [h for _, _, h in scored[:2]]
    g.facts = facts[:MAX_FACTS]
