"""Hybrid search: dense (accented text) + lexical BM25 (folded and accented), fused, then steered by
what the question says about time, document type and level, and made diverse.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import Enum

import numpy as np

from embeddings.models import Embedder
from qa.ingest.chunking import Chunk
from qa.index.filters import Filters
from qa.index.loaded import Index
from qa.metadata.document import DocumentMetadata
from qa.metadata.periods import Period, parse_periods
from qa.text.vietnamese import fold
from qa.search.query import Query


class Fusion(str, Enum):
    WEIGHTED = "weighted"
    """Min-max normalise each retriever's scores over the candidates, then a weighted sum."""
    RRF = "rrf"
    """Reciprocal rank fusion: sum of 1 / (rrf_k + rank)."""


@dataclass(frozen=True)
class RetrievalConfig:
    fusion: Fusion = Fusion.WEIGHTED
    dense_weight: float = 0.3
    candidates: int = 60
    rrf_k: int = 60
    period_boost: float = 0.4
    type_boost: float = 0.1
    level_boost: float = 0.1
    comparison_floor: float = 0.5
    """In a comparison, a period joins only if its best passage scores at least this share of the best."""
    near_copy: float = 0.75
    """Folded-token Jaccard above which a passage is a near-copy of one already chosen."""

    def __post_init__(self) -> None:
        if not 0.0 <= self.dense_weight <= 1.0:
            raise ValueError("dense_weight must be in [0, 1]")
        if self.candidates <= 0:
            raise ValueError("candidates must be positive")


@dataclass
class Hit:
    chunk: Chunk
    score: float
    dense: float
    lexical: float
    period_match: float = 0.0
    meta: DocumentMetadata | None = field(default=None, repr=False)


def period_match(wanted: tuple[Period, ...], meta: DocumentMetadata, section: str) -> float:
    """How well a passage's time fits the periods a question names: 1 exact, 0.5 same year, 0 other.

    A section heading that names its own quarter ("Nhiệm vụ trọng tâm quý II năm 2022") is more precise
    than the document's periods and wins when it names one.
    """
    if not wanted:
        return 0.0
    own = tuple(parse_periods(section)) or (meta.reviews + meta.plans)
    if not own and not meta.years:
        return 0.25  # undated: neither for nor against
    best = 0.0
    for w in wanted:
        for p in own:
            if p.year == w.year and (w.quarter is None or p.quarter == w.quarter) \
                    and (w.half is None or p.half == w.half or p.quarter is None):
                return 1.0
            if p.year == w.year:
                best = max(best, 0.5)
        if w.year in meta.years:
            best = max(best, 0.5)
    return best


def _minmax(x: np.ndarray) -> np.ndarray:
    if x.size == 0:
        return x
    lo, hi = float(x.min()), float(x.max())
    return np.zeros_like(x) if hi - lo < 1e-9 else (x - lo) / (hi - lo)


def _ranks(x: np.ndarray) -> np.ndarray:
    order = np.argsort(-x, kind="stable")
    ranks = np.empty_like(order)
    ranks[order] = np.arange(1, len(x) + 1)
    return ranks


def fuse(dense: np.ndarray, lexical: np.ndarray, config: RetrievalConfig) -> np.ndarray:
    """One score per candidate from the two retrievers' scores (same order)."""
    if config.fusion is Fusion.RRF:
        return (config.dense_weight / (config.rrf_k + _ranks(dense))
                + (1 - config.dense_weight) / (config.rrf_k + _ranks(lexical))) * config.rrf_k
    return config.dense_weight * _minmax(dense) + (1 - config.dense_weight) * _minmax(lexical)


def _token_set(text: str) -> frozenset[str]:
    return frozenset(re.findall(r"\w+", fold(text).lower()))


class Retriever:
    """Search over a loaded Index with the embedder it was built with."""

    def __init__(self, index: Index, embedder: Embedder, config: RetrievalConfig | None = None) -> None:
        self.index = index
        self.embedder = embedder
        self.config = config or RetrievalConfig()
        self._tokens = [_token_set(c.full_text) for c in index.chunks]

    def _allowed(self, filters: Filters | None) -> np.ndarray:
        docs = self.index.documents
        if filters is None:
            return np.arange(len(self.index.chunks))
        return np.array([i for i, c in enumerate(self.index.chunks)
                         if filters.allows(c.doc_id, docs[c.doc_id].metadata)], dtype=np.int64)

    def search(self, query: Query, k: int = 5, filters: Filters | None = None) -> list[Hit]:
        """The k best passages for the question, best first, no two near-copies."""
        allowed = self._allowed(filters)
        if allowed.size == 0:
            return []
        chunks = self.index.chunks
        qvec = self.embedder.embed_queries([query.restored or query.text])[0]  # lexical: as typed, folded
        lexical_all = self.index.lexical.scores(query.text)
        n = self.config.candidates
        lex_top = allowed[np.argsort(-lexical_all[allowed], kind="stable")[:n]]
        found = self.index.dense_search(qvec, n, filters.where() if filters else None)  # filter pushed down
        dense_top = [self.index.position[cid] for cid, _ in found]
        cand = np.array(list(dict.fromkeys([*dense_top, *lex_top.tolist()])), dtype=np.int64)
        dense = self.index.dense_scores(qvec, cand)
        lexical = lexical_all[cand]
        fused = fuse(dense, lexical, self.config)
        hits = []
        docs = self.index.documents
        for j, i in enumerate(cand):
            c = chunks[i]
            meta = docs[c.doc_id].metadata
            pm = period_match(query.periods, meta, c.section)
            bonus = self.config.period_boost * pm
            if query.doc_types and meta.doc_type in query.doc_types:
                bonus += self.config.type_boost
            if query.level and meta.level == query.level:
                bonus += self.config.level_boost
            hits.append(Hit(c, float(fused[j] + bonus), float(dense[j]), float(lexical[j]), pm, meta))
        hits.sort(key=lambda h: -h.score)
        if query.comparison:
            hits = self._interleave_periods(query, hits)
        return self._diverse(hits, k)

    def _interleave_periods(self, query: Query, hits: list[Hit]) -> list[Hit]:
        """For a comparison, take the best passage of each period in turn, so every period is heard.

        Periods are the ones the question names, else each document's own; a period whose best
        passage is much weaker than the overall best is left out rather than filled with a weak match.
        """
        groups: dict[object, list[Hit]] = {}
        for h in hits:
            if query.periods:
                keys = [p for p in query.periods if period_match((p,), h.meta, h.chunk.section) >= 1.0]
            else:
                keys = [h.chunk.doc_id]
            for key in keys[:1]:
                groups.setdefault(key, []).append(h)
        if len(groups) < 2:
            return hits
        floor = self.config.comparison_floor * hits[0].score
        queues = [g for g in groups.values() if g[0].score >= floor]
        ordered: list[Hit] = []
        while any(queues):
            for q in queues:
                if q:
                    ordered.append(q.pop(0))
        seen = {id(h) for h in ordered}
        return ordered + [h for h in hits if id(h) not in seen]

    def _diverse(self, hits: list[Hit], k: int) -> list[Hit]:
        chosen: list[Hit] = []
        for h in hits:
            toks = self._tokens[self.index.position[h.chunk.chunk_id]]
            if any(self._jaccard(toks, self._tokens[self.index.position[c.chunk.chunk_id]]) > self.config.near_copy
                   for c in chosen):
                continue
            chosen.append(h)
            if len(chosen) == k:
                break
        return chosen

    @staticmethod
    def _jaccard(a: frozenset[str], b: frozenset[str]) -> float:
        return len(a & b) / max(1, len(a | b))
