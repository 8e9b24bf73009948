"""Hybrid search: dense (accented text) + lexical BM25 (folded and accented), fused, then steered by
what the question says about time, document type and level, and made diverse.
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np

from embeddings.models import Embedder
from qa.index.filters import Filters
from qa.index.loaded import Index
from qa.ingest.chunking import Chunk
from qa.metadata.document import DocumentMetadata
from qa.metadata.periods import Period, parse_periods
from qa.search.intent import Asks
from qa.search.query import Query, conference_number
from qa.search.references import in_article, resolve
from qa.text.vietnamese import fold

logger = logging.getLogger(__name__)


class Fusion(StrEnum):
    """How the dense and lexical scores of the candidates become one."""

    WEIGHTED = "weighted"
    """Min-max normalise each retriever's scores over the candidates, then a weighted sum."""
    RRF = "rrf"
    """Reciprocal rank fusion: sum of 1 / (rrf_k + rank)."""


@dataclass(frozen=True)
class RetrievalConfig:
    """The knobs of search and fusion (the defaults are the ones the dev set was tuned on)."""

    fusion: Fusion = Fusion.WEIGHTED
    dense_weight: float = 0.3
    candidates: int = 60
    rrf_k: int = 60
    period_boost: float = 0.4
    type_boost: float = 0.1
    level_boost: float = 0.1
    reference_boost: float = 0.3
    """For a passage of a document the question names by number or by name."""
    conference_boost: float = 0.3
    """For a passage of the document of the conference the question names ("Hội nghị lần thứ 11")."""
    article_boost: float = 0.4
    """For a passage inside the article the question names ("Điều 6"), on top of `reference_boost`."""
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
    """A retrieved passage with its fused score (boosts included) and the two scores it was fused from."""

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
    """Scores scaled to [0, 1] over the candidates (all 0 when they are all equal)."""
    if x.size == 0:
        return x
    lo, hi = float(x.min()), float(x.max())
    return np.zeros_like(x) if hi - lo < 1e-9 else (x - lo) / (hi - lo)


def _ranks(x: np.ndarray) -> np.ndarray:
    """1-based rank of each score, best first, ties in order."""
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


@dataclass(frozen=True)
class Scores:
    """Dense, lexical and fused scores of a set of chunks, in the order of `positions` (their places in
    the index)."""

    positions: np.ndarray
    dense: np.ndarray
    lexical: np.ndarray
    fused: np.ndarray


def _token_set(text: str) -> frozenset[str]:
    """A passage's folded, lower-cased words: what near-copies are told by."""
    return frozenset(re.findall(r"\w+", fold(text).lower()))


class Retriever:
    """Search over a loaded Index with the embedder it was built with."""

    def __init__(self, index: Index, embedder: Embedder, config: RetrievalConfig | None = None) -> None:
        self.index = index
        self.embedder = embedder
        self.config = config or RetrievalConfig()
        self._tokens = [_token_set(c.full_text) for c in index.chunks]
        self._conference = {d: conference_number(fold(doc.metadata.conference).lower())
                            for d, doc in index.documents.items() if doc.metadata.conference}
        self._by_doc: dict[str, list[int]] = {}
        for i, c in enumerate(index.chunks):
            self._by_doc.setdefault(c.doc_id, []).append(i)

    def _signature_chunks(self, positions: list[int]) -> set[int]:
        """For "ai ký ...?": the chunk of each document among `positions` that prints its signer, which the
        answer should cite though its words rarely match the question. (A header chunk first for "số hiệu",
        "ngày ban hành" was tried and dropped: most such questions name another document, cited in a text.)"""
        out: set[int] = set()
        for doc in dict.fromkeys(self.index.chunks[i].doc_id for i in positions):
            signer = self.index.documents[doc].metadata.signer
            chunks = self._by_doc.get(doc, [])
            found = next((i for i in reversed(chunks) if signer and signer in self.index.chunks[i].text),
                         None)
            if found is not None:
                out.add(found)
        return out

    def _referenced(self, query: Query, allowed: np.ndarray) -> dict[int, float]:
        """Bonus by chunk position for the documents and articles the question names; their chunks join
        the candidates even when neither retriever ranked them (a named article of a long law)."""
        bonus: dict[int, float] = {}
        metas = {d: doc.metadata for d, doc in self.index.documents.items()}
        ok = set(allowed.tolist())
        for ref in query.references:
            docs = resolve(ref, metas)
            if not docs and ref.number:  # not indexed: the passages that cite it say what is known of it
                for i in ok:
                    if ref.number in self.index.chunks[i].text.replace(" ", "").lower():
                        bonus[i] = max(bonus.get(i, 0.0), self.config.reference_boost)
            if not docs and not ref.article:
                continue
            if ref.number or ref.name:
                logger.debug("question names %s: resolved to %s", ref, sorted(docs) or "nothing indexed")
            positions = [i for d in docs for i in self._by_doc.get(d, [])] if docs \
                else range(len(self.index.chunks))
            for i in positions:
                if i not in ok:
                    continue
                add = self.config.reference_boost if docs else 0.0
                if ref.article and in_article(self.index.chunks[i].section, ref.article):
                    add += self.config.article_boost
                if add:
                    bonus[i] = max(bonus.get(i, 0.0), add)
        return bonus

    def allowed(self, filters: Filters | None) -> np.ndarray:
        """Positions of the chunks `filters` lets through (all of them when there are none)."""
        docs = self.index.documents
        if filters is None:
            return np.arange(len(self.index.chunks))
        return np.array([i for i, c in enumerate(self.index.chunks)
                         if filters.allows(c.doc_id, docs[c.doc_id].metadata)], dtype=np.int64)

    def _scored(self, qvec: np.ndarray, lexical_all: np.ndarray, positions: np.ndarray) -> Scores:
        """The one place dense and lexical scores of chunks are taken and fused."""
        dense = self.index.dense_scores(qvec, positions)
        lexical = lexical_all[positions]
        return Scores(positions, dense, lexical, fuse(dense, lexical, self.config))

    def score(self, text: str, positions: np.ndarray, dense_text: str | None = None) -> Scores:
        """Every chunk at `positions` scored for `text`, dense, lexical and fused as `search` does, for a
        caller that ranks the chunks its own way (a comparison groups them by period first).

        The lexical side reads `text` as typed; the dense side `dense_text` when given (the text with its
        accents restored), else `text`."""
        if positions.size == 0:
            empty = np.zeros(0, dtype=np.float32)
            return Scores(positions, empty, empty, empty)
        qvec = self.embedder.embed_queries([text if dense_text is None else dense_text])[0]
        return self._scored(qvec, self.index.lexical.scores(text), positions)

    def search(self, query: Query, k: int = 5, filters: Filters | None = None) -> list[Hit]:
        """The k best passages for the question, best first, no two near-copies."""
        allowed = self.allowed(filters)
        if allowed.size == 0:
            logger.info("no passage passes the filters %s: nothing to search", filters)
            return []
        chunks = self.index.chunks
        qvec = self.embedder.embed_queries([query.restored or query.text])[0]  # lexical: as typed, folded
        lexical_all = self.index.lexical.scores(query.text)
        n = self.config.candidates
        lex_top = allowed[np.argsort(-lexical_all[allowed], kind="stable")[:n]]
        found = self.index.dense_search(qvec, n, filters.where() if filters else None)  # filter pushed down
        dense_top = [self.index.position[cid] for cid, _ in found]
        referenced = self._referenced(query, allowed) if query.references else {}
        signed = self._signature_chunks([*referenced, *dense_top[:3], *lex_top[:3].tolist()]) \
            if query.asks is Asks.SIGNER else set()
        cand = np.array(list(dict.fromkeys([*dense_top, *lex_top.tolist(), *referenced, *signed])),
                        dtype=np.int64)
        scores = self._scored(qvec, lexical_all, cand)
        dense, lexical, fused = scores.dense, scores.lexical, scores.fused
        hits = []
        docs = self.index.documents
        for j, i in enumerate(cand):
            c = chunks[i]
            meta = docs[c.doc_id].metadata
            pm = period_match(query.periods, meta, c.section)
            bonus = self.config.period_boost * pm
            if query.doc_types and meta.doc_type in query.doc_types:
                bonus += self.config.type_boost
            if query.level and meta.tier == query.level:
                bonus += self.config.level_boost
            bonus += referenced.get(int(i), 0.0)
            if query.conference is not None and self._conference.get(c.doc_id) == query.conference:
                bonus += self.config.conference_boost
            hits.append(Hit(c, float(fused[j] + bonus), float(dense[j]), float(lexical[j]), pm, meta))
        hits.sort(key=lambda h: -h.score)
        if signed and hits:  # "ai ký ...?": the best document's signature first, cited as [1]
            doc = hits[0].chunk.doc_id
            first = next((h for h in hits if h.chunk.doc_id == doc and self.index.position[h.chunk.chunk_id]
                          in signed), None)
            if first is not None:
                hits.remove(first)
                hits.insert(0, Hit(first.chunk, hits[0].score, first.dense, first.lexical, first.period_match,
                                   first.meta))
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

    def near_copy(self, a: int, b: int) -> bool:
        """Whether the chunks at positions a and b are near-copies (folded-token Jaccard above
        `config.near_copy`): the same passage in two versions of a document says nothing new."""
        ta, tb = self._tokens[a], self._tokens[b]
        return len(ta & tb) / max(1, len(ta | tb)) > self.config.near_copy

    def _diverse(self, hits: list[Hit], k: int) -> list[Hit]:
        """The first k hits that are no near-copy of a better one."""
        position = self.index.position
        chosen: list[Hit] = []
        for h in hits:
            at = position[h.chunk.chunk_id]
            if any(self.near_copy(at, position[c.chunk.chunk_id]) for c in chosen):
                continue
            chosen.append(h)
            if len(chosen) == k:
                break
        return chosen
