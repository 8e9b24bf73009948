"""The library's front door: index documents, ask questions, list documents and chunks.

The CLI and the app call only this (and the data classes it returns); it knows nothing of either.
"""
from __future__ import annotations

import functools
import logging
import threading
from collections.abc import Iterable
from pathlib import Path
from typing import NamedTuple

from embeddings.models import Embedder, load_embedder
from qa.accents.restorer import AccentRestorer, restoration_ranges
from qa.accents.restorer import cache_dir as accent_cache_dir
from qa.answers.answer import Answer, compose
from qa.answers.compare import (
    By,
    Comparison,
    ComparisonContext,
    NormalizedTexts,
    is_comparison,
    with_comparison,
)
from qa.answers.compare import (
    compare as compare_periods,
)
from qa.answers.compare import (
    prepare as prepare_comparisons,
)
from qa.config import Settings
from qa.errors import VanbanError
from qa.index.builder import IndexBuilder, IndexReport, Progress
from qa.index.generations import IndexedDocument, current_generation
from qa.index.loaded import Index
from qa.ingest.chunking import Chunk, chunk_document
from qa.ingest.documents import Document, LoadError, load_documents
from qa.profile import Profile, load_profile
from qa.search.abstention import CorpusView, abstain_reason
from qa.search.query import understand, validate_question
from qa.search.retrieval import Filters, Hit, RetrievalConfig, Retriever
from qa.text.vietnamese import fold

logger = logging.getLogger(__name__)

ABSTENTION_DEPTH = 30
"""Candidates the abstention rules look at, beyond the k passages shown."""


class _Generation(NamedTuple):
    """A loaded generation and what questions over it use; replaced whole when a new one is loaded."""

    index: Index
    retriever: Retriever
    corpus: CorpusView
    comparisons: ComparisonContext
    """Its chunks' placements and tokens, computed once (by `prepare_comparisons`) and dropped with it."""


class Assistant:
    """One data directory's index, loaded lazily and reloaded after every change."""

    def __init__(self, settings: Settings | None = None, *, embedder: Embedder | None = None,
                 config: RetrievalConfig | None = None) -> None:
        self.settings = settings or Settings.from_env()
        self._embedder = embedder
        self.config = config or RetrievalConfig()
        self._lock = threading.Lock()
        self._state: _Generation | None = None
        self._texts = NormalizedTexts()
        """Documents' normalised texts by content hash, shared by the generations (an upload keeps the
        unchanged documents')."""
        self._restorer: tuple[Path, AccentRestorer] | None = None
        self._building = 0
        """Builds under way in this assistant: questions meanwhile stay on the generation already loaded."""

    @functools.cached_property
    def profile(self) -> Profile:
        """What the app says about this corpus (organisation, example questions): `settings.profile`."""
        return load_profile(self.settings.profile)

    @property
    def embedder(self) -> Embedder:
        """The embedding model, loaded on first use (a build may have loaded it already)."""
        if self._embedder is None:
            self._embedder = load_embedder(self.settings.model, self.settings.models)
        return self._embedder

    def has_index(self) -> bool:
        """Whether the data directory has a generation to answer from."""
        return current_generation(self.settings.home) is not None

    def _load_state(self) -> _Generation:
        """The current generation loaded, refused when it was built with another model."""
        index = Index.load(self.settings)
        if index.model != self.embedder.name:
            raise VanbanError(
                f"Chỉ mục dùng mô hình '{index.model}', khác mô hình đang chạy '{self.embedder.name}'.",
                f"The index uses model '{index.model}', not the running '{self.embedder.name}'.", exit_code=4)
        corpus = CorpusView({d: doc.metadata for d, doc in index.documents.items()},
                            {d: fold(index.raw_text(d)).lower() for d in index.documents})
        retriever = Retriever(index, self.embedder, self.config)
        return _Generation(index, retriever, corpus, ComparisonContext(retriever, self._texts))

    def _loaded(self) -> _Generation:
        """The generation questions go to: the current one, except while this assistant builds and prepares
        a new one (then the one it had, whose files the builder keeps)."""
        with self._lock:
            if self._state is None or (not self._building and self._state.index.gen_dir
                                       != current_generation(self.settings.home)):
                self._state = self._load_state()
            return self._state

    @property
    def index(self) -> Index:
        """The generation questions go to now."""
        return self._loaded().index

    def build(self, paths: Iterable[Path] = (), *, documents: Iterable[Document] = (),
              remove: Iterable[str] = (), rebuild: bool = False,
              progress: Progress | None = None) -> IndexReport:
        """Update the index. An assistant already answering keeps answering from the generation it has until
        the new one is loaded with its restorer and comparison placements, then switches: no question waits
        for the loading."""
        builder = IndexBuilder(self.settings, self._embedder)
        with self._lock:
            serving = self._state is not None
            self._building += 1
        try:
            report = builder.update(paths, documents=documents, remove=remove, rebuild=rebuild,
                                    progress=progress)
            if self._embedder is None and builder._embedder is not None:
                self._embedder = builder._embedder
            current = current_generation(self.settings.home)
            if serving and self._state is not None and self._state.index.gen_dir != current:
                state = self._load_state()
                restorer = self._restorer_for(state.index)
                prepare_comparisons(state.comparisons)
                with self._lock:
                    self._state, self._restorer = state, (state.index.gen_dir, restorer)
        finally:
            with self._lock:
                self._building -= 1
        return report

    def prepare(self) -> None:
        """Load the current generation and what questions over it share (vectors, BM25, the accent restorer,
        comparison placements: ~3 s at 7,200 chunks) now rather than on the first question."""
        prepare_comparisons(self._loaded().comparisons)
        self.restorer()

    def restorer(self) -> AccentRestorer:
        """The accent restorer of the current index (cached under <home>/accents: ~0.2 s to load)."""
        index = self._loaded().index
        with self._lock:
            if self._restorer is None or self._restorer[0] != index.gen_dir:
                self._restorer = (index.gen_dir, self._restorer_for(index))
            return self._restorer[1]

    def _restorer_for(self, index: Index) -> AccentRestorer:
        docs = [(d.content_hash, index.raw_text(i)) for i, d in index.documents.items()]
        return AccentRestorer.load(accent_cache_dir(self.settings.home), docs)

    def ask(self, question: str, k: int | None = None, filters: Filters | None = None) -> Answer:
        """Answer a question from the documents, or abstain with a reason (raises VanbanError on bad
        input)."""
        validate_question(question)  # a bad question is reported before a missing index
        query = understand(question, self.restorer())
        gen = self._loaded()
        k = k or self.settings.top_k
        hits = gen.retriever.search(query, max(k, ABSTENTION_DEPTH), filters)
        df = gen.index.lexical.document_frequency
        n = len(gen.index.chunks)
        reason = abstain_reason(query, hits, gen.corpus)
        if is_comparison(query):  # "so sánh", "qua các năm", two periods named: the period-by-period view too
            try:
                comparison = compare_periods(gen.comparisons, question, filters=filters, query=query)
            except VanbanError:
                logger.info("no topic left to compare in %r: a plain answer only", question)
                comparison = None
            if comparison is not None:
                return with_comparison(compose(query, _period_by_period(comparison, hits)[:k], reason, df, n),
                                       comparison)
        return compose(query, hits[:k], reason, df, n)

    def compare(self, topic: str, by: By | str | None = None, filters: Filters | None = None) -> Comparison:
        """A topic across the periods it names, or every period (or document) of the corpus, in time order;
        a period that never mentions it says so (raises VanbanError on bad input)."""
        validate_question(topic)
        return compare_periods(self._loaded().comparisons, topic, by=by, filters=filters,
                               query=understand(topic, self.restorer()))

    def documents(self) -> list[IndexedDocument]:
        """The indexed documents with their metadata."""
        return list(self.index.documents.values())

    def chunks(self, doc: str | None = None) -> list[Chunk]:
        """The indexed passages, of one document when `doc` is given (VanbanError for an unknown one)."""
        if doc is not None and doc not in self.index.documents:
            raise VanbanError(f"Không có văn bản '{doc}' trong chỉ mục.",
                              f"No document '{doc}' in the index.")
        return [c for c in self.index.chunks if doc is None or c.doc_id == doc]


def read_corpus(paths: Iterable[Path]) -> tuple[list[IndexedDocument], list[Chunk], list[LoadError]]:
    """Documents and chunks straight from files, without an index or a model (for `docs`/`chunks`)."""
    loaded = load_documents(paths)
    docs, chunks = [], []
    for doc in loaded.documents:
        doc_chunks = chunk_document(doc)
        chunks.extend(doc_chunks)
        docs.append(IndexedDocument(doc.id, doc.content_hash, str(doc.path or ""), len(doc_chunks),
                                    doc.metadata, bool(restoration_ranges(doc.normalized.text))))
    return docs, chunks, loaded.errors


def _period_by_period(comparison: Comparison, hits: list[Hit]) -> list[Hit]:
    """A comparison's passages taken one period at a time (the best of each, then the next best ...),
    then the plain search results, so the first k passages hear every period."""
    queues = [[p.hit for p in g.passages] for g in comparison.groups if g.mentioned]
    ordered: list[Hit] = []
    while any(queues):
        for q in queues:
            if q:
                ordered.append(q.pop(0))
    unique: dict[str, Hit] = {}
    for h in ordered + hits:
        unique.setdefault(h.chunk.chunk_id, h)
    return list(unique.values())
