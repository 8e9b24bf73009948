"""When to say "the documents do not answer this": the question names something the corpus lacks.

Each rule is a reason a staffer can read: a period no document covers, a conference that is not in the
corpus, a name the corpus never mentions, a term the corpus mentions but never for the period asked,
or evidence too weak to trust.
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property

from qa.index.lexical import has_accents, tokenize
from qa.metadata.document import DocumentMetadata
from qa.metadata.periods import Period, parse_periods
from qa.search.query import Query, conference_number
from qa.search.retrieval import Hit, period_match
from qa.text.vietnamese import fold

MIN_DENSE = 0.85
"""Below this cosine (calibrated for e5-small) the best passage is not clearly about the question..."""
MIN_SHARED_PAIRS = 2
"""...and then at least this many of the question's syllable pairs must occur in the best passages."""
EVIDENCE_DEPTH = 3
MIN_PERIOD_TOPIC = 0.4
"""The best passage of the period asked about must score at least this share of the best lexical score
over all periods: otherwise the topic is discussed, but never for that period."""


_YEAR = re.compile(r"(?<![\d/.\-])((?:19|20)\d\d)(?![\d/])")


@dataclass(frozen=True)
class CorpusView:
    """What abstention needs to know of the whole corpus: each document's metadata and folded text."""

    metadata: Mapping[str, DocumentMetadata]
    folded_text: Mapping[str, str]

    @cached_property
    def years(self) -> Mapping[str, frozenset[int]]:
        """The years each document's text names (not inside a document number): a plan for 2024 that
        reports 2023's figures speaks of 2023 too, whatever its metadata says."""
        return {d: frozenset(int(y) for y in _YEAR.findall(t)) for d, t in self.folded_text.items()}

    def about(self, periods: tuple[Period, ...]) -> list[str]:
        """Documents about one of `periods` by their metadata, or naming it in their text when it is a
        whole year (a quarter needs the document's own periods: "2022" in a text is no quý I/2022)."""
        wanted = {p.year for p in periods if p.quarter is None and p.half is None and p.first_months is None}
        return [d for d, m in self.metadata.items()
                if period_match(periods, m, "") >= 1.0 or wanted & self.years.get(d, frozenset())]


def _names_period(hit: Hit, periods: tuple[Period, ...]) -> bool:
    """Whether a passage names a period inside one asked about ("Năm 2022, hàng hóa qua cảng ..." for năm
    2022; "quý I/2022" for năm 2022 or quý I/2022, but "năm 2022" is no answer about quý I/2022)."""
    if not any(str(p.year) in hit.chunk.full_text for p in periods):
        return False
    return any(own.within(p) for own in parse_periods(hit.chunk.full_text) for p in periods)


def _contains(folded_doc: str, anchor: str) -> bool:
    return re.search(rf"(?<!\w){re.escape(anchor)}(?!\w)", folded_doc) is not None


def abstain_reason(query: Query, hits: list[Hit], corpus: CorpusView) -> str | None:
    """A Vietnamese reason to abstain, or None when the best passages may answer the question.

    `hits` are the best candidates, best first (more than the k shown, so that the best passage of
    the period asked about can be compared with the best overall).
    """
    if not hits:
        return "Không tìm thấy đoạn văn bản nào liên quan."
    if query.periods and not query.comparison:
        covered = corpus.about(query.periods)
        if not covered:
            labels = ", ".join(p.label for p in query.periods)
            return f"Kho văn bản không có văn bản nào về {labels}."
    else:
        covered = list(corpus.metadata)
    if query.conference is not None:
        numbers = {conference_number(fold(m.conference).lower()) for m in corpus.metadata.values()}
        if query.conference not in numbers:
            return f"Kho văn bản không có văn bản của Hội nghị lần thứ {query.conference}."
    for anchor in query.anchors:
        key = fold(anchor).lower()
        anywhere = [d for d, t in corpus.folded_text.items() if _contains(t, key)]
        if not anywhere:
            if " " in key:  # a name (Đà Nẵng) the corpus never mentions; a lone acronym may be a synonym
                return f"Kho văn bản không đề cập đến \"{anchor}\"."
            continue
        if query.periods and not query.comparison and not set(anywhere) & set(covered):
            labels = ", ".join(p.label for p in query.periods)
            return f"Các văn bản về {labels} không đề cập đến \"{anchor}\"."
    if query.periods and not query.comparison:
        in_period = [h for h in hits if h.period_match >= 1.0 or _names_period(h, query.periods)]
        best_lexical = max(h.lexical for h in hits)
        if not in_period or max(h.lexical for h in in_period) < MIN_PERIOD_TOPIC * best_lexical:
            labels = ", ".join(p.label for p in query.periods)
            return f"Các văn bản về {labels} không đề cập đến nội dung được hỏi."
    best = hits[0]
    if best.dense < MIN_DENSE and len(shared_pairs(query, hits[:EVIDENCE_DEPTH])) < MIN_SHARED_PAIRS:
        return "Không có đoạn văn bản nào trả lời đủ rõ câu hỏi này."
    return None


def shared_pairs(query: Query, hits: list[Hit]) -> set[str]:
    """The question's neighbouring-syllable pairs ("giá vàng", "bóng đá") found in the passages.

    Accent-sensitive when the question has accents, so "giá vàng" does not match "gia ... vắng" once
    folded. A question the documents really discuss shares several pairs with its best passages.
    """
    norm = (lambda s: s.lower()) if has_accents(query.text) else (lambda s: fold(s).lower())
    wanted = {t for t in tokenize(norm(query.text)) if "_" in t}
    present = {t for h in hits for t in tokenize(norm(h.chunk.search_text))}
    return wanted & present
