"""Making a new index generation from the current one plus documents added, changed or removed.

`IndexBuilder.update` chains five stages, each with typed input and output:
    read_previous     the current generation as the update starts from it            -> Previous
    plan_update       what is new, changed, unchanged, removed, duplicate (pure)       -> Plan
    prepare_documents chunk what must be chunked, restore lost accents                 -> Prepared
    embed_chunks      vectors through the content-hash cache (only new texts embedded) -> Embedded
    IndexBuilder._write  store, files, manifest, then CURRENT (the commit point)       -> Written
and then collects old generations (`generations.collect_garbage`).
"""
from __future__ import annotations

import time
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from embeddings.cache import EmbeddingCache, embed_with_cache
from embeddings.models import Embedder, load_embedder
from embeddings.vector_store import build_store
from qa.accents.model import load_or_build
from qa.accents.restorer import AccentRestorer, restoration_ranges, restore_chunks, restore_fragment
from qa.accents.restorer import cache_dir as accent_cache_dir
from qa.config import Settings
from qa.errors import VanbanError
from qa.index.filters import chunk_attributes
from qa.index.generations import (
    collect_garbage,
    collection_name,
    current_generation,
    new_generation,
    new_manifest,
    read_chunks,
    read_manifest,
    read_raw,
    switch_current,
    write_generation,
    writer_lock,
)
from qa.index.lexical import LexicalIndex
from qa.ingest.chunking import Chunk, chunk_document
from qa.ingest.documents import Document, LoadError, load_documents
from qa.metadata.document import DocumentMetadata
from qa.versions import VERSIONS

Progress = Callable[[str, int, int], None]
"""progress(stage, done, total): stages "chunk" and "embed"."""


@dataclass
class IndexReport:
    """What one `index` run did: the summary the CLI and the app show."""

    documents: int = 0
    chunks: int = 0
    new: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    duplicates: list[tuple[str, str]] = field(default_factory=list)
    """(skipped file, already indexed document with the same content)."""
    errors: list[LoadError] = field(default_factory=list)
    embedded: int = 0
    seconds: float = 0.0


@dataclass
class Previous:
    """The current generation as an update starts from it (no documents on a rebuild)."""

    entries: dict[str, dict] = field(default_factory=dict)
    """Manifest entries of its documents by id, in its order."""
    raws: dict[str, str] = field(default_factory=dict)
    """Their raw texts by id."""
    chunks: dict[str, list[Chunk]] = field(default_factory=dict)
    """Chunks that can be kept, by document: none when it was made by another model or pipeline version."""
    store: str | None = None
    """Its store kind ("faiss", "milvus"); None when there is no current generation."""


@dataclass
class Plan:
    """What an update does to each document; `keep` and `fresh` together are the next generation."""

    keep: dict[str, tuple[dict, str]] = field(default_factory=dict)
    """Documents kept as they are: id -> (manifest entry, raw text), in the previous generation's order."""
    fresh: list[Document] = field(default_factory=list)
    """Documents to chunk: new and changed ones in the order given, then the stale ones."""
    new: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    duplicates: list[tuple[str, str]] = field(default_factory=list)
    """(given document, indexed document with the same content): skipped."""
    stale: list[str] = field(default_factory=list)
    """Unchanged documents chunked again: the previous generation's chunks came from another pipeline or
    model."""

    @property
    def changes(self) -> bool:
        return bool(self.new or self.updated or self.removed or self.stale)


@dataclass
class Prepared:
    """The next generation's documents and chunks, before embedding."""

    entries: list[dict]
    """Manifest entries, in chunk order."""
    chunks: list[Chunk]
    raws: dict[str, str]
    training: list[tuple[str, str]]
    """(content hash, raw text) of every document: what the accent restorer learns from."""


@dataclass
class Embedded:
    vectors: np.ndarray
    """Row i is chunk i's vector."""
    count: int
    """Texts embedded by this run (the others came from the cache)."""


@dataclass
class Written:
    generation: Path
    """The new generation, now current."""
    previous: Path | None
    """The one it replaced (kept for processes still reading it)."""


def read_previous(home: Path, model_spec: str, *, rebuild: bool = False) -> Previous:
    """The current generation's documents, raw texts and reusable chunks (no documents on `rebuild`)."""
    gen = current_generation(home)
    if gen is None:
        return Previous()
    manifest = read_manifest(gen)
    store = manifest.get("store", "faiss")
    if rebuild:
        return Previous(store=store)
    entries = {d["id"]: d for d in manifest["documents"]}
    raws = {d: read_raw(gen, d) for d in entries}
    if manifest.get("model_spec") != model_spec or manifest.get("pipeline") != VERSIONS.pipeline:
        return Previous(entries, raws, {}, store)  # another model or pipeline: every document is re-chunked
    chunks: dict[str, list[Chunk]] = {}
    for c in read_chunks(gen):
        chunks.setdefault(c.doc_id, []).append(c)
    return Previous(entries, raws, chunks, store)


def vanished_sources(entries: Mapping[str, dict], paths: Sequence[Path]) -> set[str]:
    """Indexed documents whose source file lay under one of `paths` and is gone now (they are removed when
    those paths are indexed again, so `vanban index seeds/` mirrors the folder)."""
    roots = [p.resolve() for p in paths]
    gone = set()
    for i, d in entries.items():
        src = Path(d["source"]) if d["source"] else None
        if src and not src.exists() and any(src == r or r in src.parents for r in roots):
            gone.add(i)
    return gone


def plan_update(previous: Previous, incoming: Iterable[Document], *, remove: Collection[str] = (),
                vanished: Collection[str] = ()) -> Plan:
    """Sort `incoming` into unchanged (same id, same content), duplicate (another id, same content: skipped),
    updated and new; drop `remove` and `vanished`; re-chunk documents whose chunks cannot be kept.

    Pure: reads neither files nor the index. Raises VanbanError for a `remove` id that is not indexed.
    """
    plan = Plan(keep={i: (d, previous.raws[i]) for i, d in previous.entries.items()})
    by_hash = {d["content_hash"]: i for i, d in previous.entries.items()}
    for doc in incoming:
        known = previous.entries.get(doc.id)
        if known and known["content_hash"] == doc.content_hash:
            plan.unchanged.append(doc.id)
            continue
        twin = by_hash.get(doc.content_hash)
        if twin is not None and twin != doc.id:
            plan.duplicates.append((doc.id, twin))
            continue
        by_hash[doc.content_hash] = doc.id
        (plan.updated if known else plan.new).append(doc.id)
        plan.keep.pop(doc.id, None)
        plan.fresh.append(doc)
    for i in sorted(set(remove) | set(vanished)):
        if i in plan.keep:
            plan.keep.pop(i)
            plan.removed.append(i)
        elif i in remove:
            raise VanbanError(f"Không có văn bản '{i}' trong chỉ mục.", f"No document '{i}' in the index.")
    # Documents indexed by another pipeline or model are chunked again from their stored text, so an upload
    # after an upgrade never drops the rest of the corpus (their vectors mostly come from the cache).
    plan.stale = [i for i in plan.keep if i not in previous.chunks and plan.keep[i][0]["chunks"]]
    for i in plan.stale:
        d, raw = plan.keep.pop(i)
        plan.fresh.append(Document(id=i, raw=raw, path=Path(d["source"]) if d["source"] else None))
    return plan


def prepare_documents(plan: Plan, kept_chunks: Mapping[str, list[Chunk]], accents_dir: Path,
                      progress: Progress | None = None) -> Prepared:
    """Kept documents with their chunks as they were, then each fresh one chunked, its lost accents
    restored in its chunks and title (the restorer, trained on demand, learns from every document)."""
    chunks: list[Chunk] = []
    entries: list[dict] = []
    raws: dict[str, str] = {}
    for i, (d, raw) in plan.keep.items():
        chunks.extend(kept_chunks.get(i, []))
        entries.append(d)
        raws[i] = raw
    # the accent restorer learns from every document that kept its accents (never from stripped ones), so
    # it exists before the stripped ones' chunks are restored and embedded
    training = [(d["content_hash"], raw) for d, raw in plan.keep.values()]
    training += [(doc.content_hash, doc.raw) for doc in plan.fresh]
    restorer: AccentRestorer | None = None
    for n, doc in enumerate(plan.fresh):
        doc_chunks = chunk_document(doc)
        chunks.extend(doc_chunks)
        raws[doc.id] = doc.raw
        entry = {"id": doc.id, "content_hash": doc.content_hash,
                 "source": str(doc.path.resolve()) if doc.path else "", "chunks": len(doc_chunks),
                 "metadata": doc.metadata.to_json()}
        entries.append(entry)
        if restoration_ranges(doc.normalized.text):
            restorer = restorer or AccentRestorer(load_or_build(accents_dir, training))
            if restore_chunks(doc.normalized.text, doc_chunks, restorer):
                entry["accents_restored"] = True
                title = restore_fragment(doc.metadata.title, restorer)
                if title != doc.metadata.title:
                    entry["metadata"]["restored_title"] = title
        if progress:
            progress("chunk", n + 1, len(plan.fresh))
    return Prepared(entries, chunks, raws, training)


def embed_chunks(embedder: Embedder, chunks: Sequence[Chunk], cache_path: Path,
                 progress: Progress | None = None) -> Embedded:
    """Each chunk's vector (of its `search_text`), embedding only texts the cache lacks."""
    embed_progress = (lambda done, total: progress("embed", done, total)) if progress else None
    with EmbeddingCache(cache_path) as cache:
        vectors, count = embed_with_cache(embedder, [c.search_text for c in chunks], cache,
                                          progress=embed_progress)
    return Embedded(vectors, count)


class IndexBuilder:
    """Builds a new generation from the previous one plus documents added, changed or removed."""

    def __init__(self, settings: Settings, embedder: Embedder | None = None) -> None:
        self.settings = settings
        self.home = Path(settings.home)
        self._embedder = embedder

    @property
    def embedder(self) -> Embedder:
        """Loaded on first use: an update that changes nothing needs no model."""
        if self._embedder is None:
            self._embedder = load_embedder(self.settings.model, self.settings.models)
        return self._embedder

    def update(self, paths: Iterable[Path] = (), *, documents: Iterable[Document] = (),
               remove: Iterable[str] = (), sync_sources: bool = True, rebuild: bool = False,
               progress: Progress | None = None) -> IndexReport:
        """Add or refresh documents from `paths` (and ready `documents`, e.g. uploads), drop `remove`.

        With `sync_sources`, a previously indexed document whose source file lay under one of `paths`
        and is gone now is removed too (so `vanban index seeds/` mirrors the folder).
        """
        started = time.perf_counter()
        paths = [Path(p) for p in paths]
        remove = list(remove)
        loaded = load_documents(paths, cache_dir=self.home / "extracted") if paths else None
        report = IndexReport(errors=list(loaded.errors) if loaded else [])
        incoming = (loaded.documents if loaded else []) + list(documents)
        with writer_lock(self.home):
            previous = read_previous(self.home, self.settings.model, rebuild=rebuild)
            vanished = vanished_sources(previous.entries, paths) if sync_sources and paths else set()
            plan = plan_update(previous, incoming, remove=remove, vanished=vanished)
            report.new, report.updated, report.unchanged = plan.new, plan.updated, plan.unchanged
            report.removed, report.duplicates = plan.removed, plan.duplicates
            prepared = prepare_documents(plan, previous.chunks, accent_cache_dir(self.home), progress)
            report.documents, report.chunks = len(prepared.entries), len(prepared.chunks)
            switched = previous.store is not None and previous.store != self.settings.store  # from the cache
            first = previous.store is None and bool(prepared.entries)  # no index yet: one is written
            if not (plan.changes or rebuild or switched or first):
                report.seconds = time.perf_counter() - started
                return report  # nothing changed: keep the current generation as it is
            embedded = embed_chunks(self.embedder, prepared.chunks, self.home / "cache.sqlite", progress)
            report.embedded = embedded.count
            written = self._write(prepared, embedded)
            collect_garbage(self.home, (written.generation, written.previous), store=self.settings.store,
                            milvus_uri=self.settings.milvus_location)
        report.seconds = time.perf_counter() - started
        return report

    def _write(self, prepared: Prepared, embedded: Embedded) -> Written:
        """The vector store, the accent model, the generation's files and manifest, then CURRENT."""
        gen = new_generation(self.home)
        metas = {e["id"]: DocumentMetadata.from_json(e["metadata"]) for e in prepared.entries}
        attributes = [chunk_attributes(c.doc_id, metas[c.doc_id]) for c in prepared.chunks]
        store = build_store(self.settings.store, [c.chunk_id for c in prepared.chunks], embedded.vectors,
                            self.embedder.name, attributes, milvus_uri=self.settings.milvus_location,
                            collection=collection_name(self.home, gen))
        # the accent restorer learns from the documents too: train it before the new generation goes live,
        # so questions asked meanwhile never wait for the training (15 s at 250 documents)
        load_or_build(accent_cache_dir(self.home), prepared.training)
        manifest = new_manifest(model_spec=self.settings.model, model=self.embedder.name,
                                dim=self.embedder.dim, store=self.settings.store, documents=prepared.entries)
        lexical = LexicalIndex.build([c.search_text for c in prepared.chunks])
        write_generation(gen, manifest, prepared.chunks, prepared.raws, store, lexical)
        return Written(gen, switch_current(self.home, gen))
