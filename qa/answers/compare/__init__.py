"""One topic across periods: for each quarter, year or document, the passages about the topic in time
order, the figures they state side by side, and "không đề cập" where a period never mentions it.

Three small pure pieces do the Vietnamese work and are tested on the seeds' real lines: `comparison_topic`
(topic.py: the question without its comparison and period words), `passage_placement` (placement.py: the
period a passage is about, from its section path and its document's metadata) and `find_facts`
(qa/answers/figures.py: figures, targets and deadlines in a sentence). `compare` puts them together over
the Retriever's scores, with what its generation's `ComparisonContext` (context.py) keeps; model.py holds
the result.
"""
from __future__ import annotations

import logging
import re

from qa.answers.answer import Passage
from qa.answers.compare.context import ComparisonContext, NormalizedTexts, prepare
from qa.answers.compare.grouping import By, Candidate, make_groups
from qa.answers.compare.model import ComparedAnswer, Comparison, Fact, Group, Highlight, with_comparison
from qa.answers.compare.placement import Placement, passage_placement, section_kind
from qa.answers.compare.topic import TopicWords, comparison_topic, is_comparison, named_periods
from qa.answers.figures import FoundFact, find_facts, raw_location
from qa.errors import VanbanError
from qa.search.query import Query, understand
from qa.search.retrieval import Filters, Hit
from qa.text.headings import heading_level
from qa.text.sentences import units

__all__ = [
    "By", "ComparedAnswer", "Comparison", "ComparisonContext", "Fact", "FoundFact", "Group", "Highlight",
    "NormalizedTexts", "Placement", "compare", "comparison_topic", "find_facts", "is_comparison",
    "passage_placement", "prepare", "raw_location", "section_kind", "with_comparison",
]

logger = logging.getLogger(__name__)

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


def compare(context: ComparisonContext, question: str, by: By | str | None = None,
            filters: Filters | None = None, per_group: int = PER_GROUP,
            query: Query | None = None) -> Comparison:
    """Compare a topic across the periods the question names, or every period the corpus covers.

    Every passage allowed is scored once for the topic by the Retriever; a period keeps its best passages
    that contain the topic (MIN_COVERAGE) and score at least RELATIVE_FLOOR of the best passage of the
    whole comparison, so a period without one says "không đề cập". `context` is the generation's
    (`Assistant` makes one per generation); `query` is the question already understood (by
    `Assistant.ask`), when there is one. Raises VanbanError when nothing is left to compare once the
    comparison and period words are taken out.
    """
    query = query or understand(question)
    topic = comparison_topic(query.text)
    if not re.search(r"\w", topic):
        raise VanbanError("Hãy nêu nội dung cần so sánh, ví dụ: \"so sánh chỉ tiêu giao quân qua các năm\".",
                          "Say what to compare, e.g. \"so sánh chỉ tiêu giao quân qua các năm\".")
    by = By(by) if by else None
    named = named_periods(query)
    mode = By.DOCUMENT.value if by is By.DOCUMENT else "named" if named else (by or By.YEAR).value
    retriever, index = context.retriever, context.index
    chunks, docs = index.chunks, index.documents
    allowed = retriever.allowed(filters)
    if allowed.size == 0:
        logger.info("no passage passes the filters %s: nothing to compare", filters)
        return Comparison(query.text, topic, mode, [])
    # the dense side reads the topic with its accents put back, where the question lost them
    restored = comparison_topic(query.restored) if query.restored else None
    scores = retriever.score(topic, allowed, dense_text=restored)
    words = TopicWords(topic, index.lexical.document_frequency, len(chunks))
    tokens, placements = context.tokens(), context.placements()
    positions = scores.positions.tolist()
    cands = [Candidate(i, float(scores.fused[j]), words.coverage(tokens[i]), placements[i])
             for j, i in enumerate(positions)]

    groups, member = make_groups(named, by, cands, index)
    eligible = [c for c in cands if c.coverage >= MIN_COVERAGE and member(c)]
    best = max((c.score for c in eligible), default=0.0)
    at = {i: j for j, i in enumerate(positions)}
    hits: dict[int, Hit] = {}
    for g in groups:
        chosen: list[Candidate] = []
        for c in sorted((c for c in eligible if g in member(c)), key=lambda c: -c.score):
            if c.score < RELATIVE_FLOOR * best or len(chosen) == per_group:
                break
            if not any(retriever.near_copy(c.index, other.index) for other in chosen):
                chosen.append(c)
        g.placements = [c.placement for c in chosen]
        g.passages = []
        for c in chosen:
            chunk, j = chunks[c.index], at[c.index]
            hit = hits.setdefault(c.index, Hit(chunk, c.score, float(scores.dense[j]),
                                               float(scores.lexical[j]), 0.0, docs[chunk.doc_id].metadata))
            g.passages.append(Passage(0, hit))
    # a span group (the term report's stretch) only when it says something; every period or document is shown
    shown = sorted((g for g in groups if g.mentioned or g.kind != "span"), key=lambda g: g.order)
    numbers: dict[int, int] = {}
    for g in shown:
        for p in g.passages:
            p.n = numbers.setdefault(index.position[p.hit.chunk.chunk_id], len(numbers) + 1)
        if g.kind == "period" and len(g.docs) == 1:
            g.doc = g.docs[0]
        _describe(g, words, context)
    return Comparison(query.text, topic, mode, shown)


def _describe(g: Group, words: TopicWords, context: ComparisonContext) -> None:
    """The group's figures and its best sentences, from the sentences of its passages about the topic
    (those covering the topic nearly as well as the passage's best sentence)."""
    facts: list[Fact] = []
    scored: list[tuple[float, int, Highlight]] = []
    seen: set[str] = set()
    for rank, p in enumerate(g.passages):
        chunk = p.hit.chunk
        norm = context.normalized(chunk.doc_id)
        found = [(s, e, words.coverage(chunk.text[s:e])) for s, e in units(chunk.text)
                 if e - s >= 8 and heading_level(chunk.text[s:e].strip()) is None]
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
