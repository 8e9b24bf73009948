"""The on-disk index: documents, chunks, vectors, all in one data directory, replaced atomically.

Layout of `Settings.home`:
    cache.sqlite          content-hash embedding cache (shared by every generation)
    CURRENT               name of the generation in use; replaced with os.replace as the last step
    gen-<n>/manifest.json model, documents (hash, source, metadata, chunk count)
    gen-<n>/chunks.jsonl  chunks with their spans
    gen-<n>/docs/<id>     raw text of each document as read (citations and the source view use it)
    gen-<n>/store/        vector store: FAISS files, or the manifest naming this generation's Milvus collection
    gen-<n>/lexical/      the BM25 indexes over the chunks (qa/lexical.py), read memory-mapped
A crash while indexing leaves CURRENT pointing at the previous complete generation; the next run
finds the already-embedded chunks in the cache and completes the job.
"""
from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import shutil
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import numpy as np

from embeddings.cache import EmbeddingCache, embed_with_cache
from qa.accents.model import load_or_build
from qa.accents.restorer import (AccentRestorer, cache_dir as accent_cache_dir, restoration_ranges, restore_chunks,
                        restore_fragment)
from embeddings.models import Embedder, load_embedder
from embeddings.store import StoreError, read_manifest
from embeddings.vector_store import VectorStore, Where, build_store, drop_store, load_store
from qa.ingest.chunking import Chunk, chunk_document
from qa.config import Settings
from qa.ingest.documents import Document, LoadError, load_documents
from qa.errors import VanbanError
from qa.index.filters import chunk_attributes
from qa.index.lexical import LexicalIndex
from qa.metadata.document import DocumentMetadata
from qa.ingest.normalize import Footnote

MANIFEST_VERSION = 1
PIPELINE_VERSION = 4
"""Bump when normalisation or chunking changes: an index made by another version is re-chunked
(its embeddings come back from the cache wherever a chunk's text is unchanged)."""
Progress = Callable[[str, int, int], None]
"""progress(stage, done, total): stages "chunk" and "embed"."""


@dataclass
class IndexedDocument:
    id: str
    content_hash: str
    source: str
    chunks: int
    metadata: DocumentMetadata
    accents_restored: bool = False
    """The document had lost its accents; its chunks carry a machine-restored reading."""

    def to_json(self) -> dict:
        return {"id": self.id, "content_hash": self.content_hash, "source": self.source,
                "chunks": self.chunks, "metadata": self.metadata.to_json(),
                "accents_restored": self.accents_restored}


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


def _chunk_to_row(c: Chunk) -> dict:
    return {"doc": c.doc_id, "chunk_id": c.chunk_id, "text": c.text, "spans": c.spans,
            "section": c.section, "norm_range": list(c.norm_range),
            "footnotes": [{"label": f.label, "text": f.text, "spans": [list(s) for s in f.spans]}
                          for f in c.footnotes],
            **({"restored": c.restored, "restored_section": c.restored_section} if c.restored else {})}


def _chunk_from_row(r: dict) -> Chunk:
    return Chunk(r["doc"], r["chunk_id"], r["text"], [tuple(s) for s in r["spans"]], r["section"],
                 tuple(r["norm_range"]),
                 [Footnote(f["label"], f["text"], tuple(tuple(s) for s in f["spans"])) for f in r["footnotes"]],
                 r.get("restored", ""), r.get("restored_section", ""))


def _write_text_atomic(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "w", encoding="utf-8", newline="") as fh:
        fh.write(text)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def _read_raw(path: Path) -> str:
    with open(path, encoding="utf-8", newline="") as fh:
        return fh.read()


def _doc_filename(doc_id: str) -> str:
    """A document id as a safe file name inside docs/ (ids are file names, but never trust them as paths)."""
    return doc_id.replace("/", "_").replace("\\", "_").lstrip(".") or "_"


class Index:
    """A loaded generation: chunks, documents, vectors and the lexical index over them."""

    def __init__(self, home: Path, gen_dir: Path, manifest: dict, chunks: list[Chunk], store: VectorStore):
        self.home = home
        self.gen_dir = gen_dir
        self.manifest = manifest
        self.chunks = chunks
        self.store = store
        self.documents = {d["id"]: IndexedDocument(d["id"], d["content_hash"], d["source"], d["chunks"],
                                                   DocumentMetadata.from_json(d["metadata"]),
                                                   bool(d.get("accents_restored")))
                          for d in manifest["documents"]}
        self.position = {c.chunk_id: i for i, c in enumerate(chunks)}

    @property
    def model(self) -> str:
        return self.manifest["model"]

    @cached_property
    def lexical(self) -> LexicalIndex:
        """Saved with the generation; built from the chunks for one written before it was saved."""
        return (LexicalIndex.load(self.gen_dir / "lexical", len(self.chunks))
                or LexicalIndex.build([c.search_text for c in self.chunks]))

    def dense_search(self, qvec: np.ndarray, k: int, where: Where | None = None) -> list[tuple[str, float]]:
        """The store's top k (chunk id, score), the filter applied inside the store's search."""
        with _store_errors():
            return self.store.search(qvec, k, where)

    def dense_scores(self, qvec: np.ndarray, positions: np.ndarray | None = None) -> np.ndarray:
        """Exact dense scores of the chunks at `positions` (every chunk when None), read from the store."""
        chunks = self.chunks if positions is None else [self.chunks[int(i)] for i in positions]
        with _store_errors():
            return self.store.scores(qvec, [c.chunk_id for c in chunks])

    def raw_text(self, doc_id: str) -> str:
        """The document's text exactly as read when it was indexed (what spans point into)."""
        path = self.gen_dir / "docs" / _doc_filename(doc_id)
        return _read_raw(path) if path.exists() else ""

    def document(self, doc_id: str) -> Document:
        return Document(id=doc_id, raw=self.raw_text(doc_id))

    @classmethod
    def load(cls, settings: Settings) -> "Index":
        home = Path(settings.home)
        gen = current_generation(home)
        if gen is None:
            raise VanbanError(
                f"Chưa có chỉ mục trong {home}. Hãy chạy `vanban index` trước.",
                f"No index in {home} yet. Run `vanban index` first.", exit_code=3)
        manifest = json.loads((gen / "manifest.json").read_text(encoding="utf-8"))
        if manifest.get("model_spec") != settings.model:
            raise VanbanError(
                f"Chỉ mục được xây với mô hình '{manifest.get('model_spec')}', nhưng đang hỏi bằng "
                f"'{settings.model}'. Hãy chạy `vanban index --rebuild` với mô hình mới.",
                f"The index was built with model '{manifest.get('model_spec')}' but queried with "
                f"'{settings.model}'. Run `vanban index --rebuild` with the new model.", exit_code=4)
        with open(gen / "chunks.jsonl", encoding="utf-8") as fh:
            chunks = [_chunk_from_row(json.loads(line)) for line in fh if line.strip()]
        built = manifest.get("store", "faiss")
        if built != settings.store:
            raise VanbanError(
                f"Chỉ mục được xây với kho vectơ '{built}', nhưng VANBAN_STORE là '{settings.store}'. Hãy chạy "
                "`vanban index` (dùng lại bộ nhớ đệm embedding, không mã hóa lại văn bản).",
                f"The index was built with the '{built}' vector store but VANBAN_STORE is '{settings.store}'. "
                "Run `vanban index` (it re-uses the embedding cache: no text is embedded again).", exit_code=4)
        with _store_errors():
            store = load_store(gen / "store", manifest["model"], milvus_uri=settings.milvus_location)
        if len(store) != len(chunks):
            raise VanbanError("Chỉ mục bị hỏng: vectơ và đoạn không khớp. Hãy chạy `vanban index --rebuild`.",
                              "Index damaged: vectors and chunks disagree. Run `vanban index --rebuild`.")
        return cls(home, gen, manifest, chunks, store)


@contextmanager
def _store_errors() -> Iterator[None]:
    """A store's own errors (Milvus unreachable, damaged files) reach the user as VanbanError."""
    try:
        yield
    except StoreError as exc:
        raise VanbanError(exc.vi, exc.en) from exc


def _collection_prefix(home: Path) -> str:
    """Milvus collections of this data directory: one server can hold several data directories."""
    return f"vanban_{hashlib.sha1(str(Path(home).resolve()).encode()).hexdigest()[:10]}_"


def current_generation(home: Path) -> Path | None:
    pointer = Path(home) / "CURRENT"
    if not pointer.exists():
        return None
    gen = Path(home) / pointer.read_text(encoding="utf-8").strip()
    return gen if (gen / "manifest.json").exists() else None


@contextmanager
def _writer_lock(home: Path) -> Iterator[None]:
    """One indexing job at a time per data directory; readers never wait."""
    home.mkdir(parents=True, exist_ok=True)
    with open(home / "index.lock", "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


class IndexBuilder:
    """Builds a new generation from the previous one plus documents added, changed or removed."""

    def __init__(self, settings: Settings, embedder: Embedder | None = None) -> None:
        self.settings = settings
        self.home = Path(settings.home)
        self._embedder = embedder

    @property
    def embedder(self) -> Embedder:
        if self._embedder is None:
            self._embedder = load_embedder(self.settings.model, self.settings.models)
        return self._embedder

    def _previous(self, rebuild: bool) -> tuple[dict[str, dict], dict[str, list[Chunk]], dict[str, str]]:
        """Documents, their chunks and raw texts from the current generation (empty on rebuild)."""
        gen = None if rebuild else current_generation(self.home)
        if gen is None:
            return {}, {}, {}
        manifest = json.loads((gen / "manifest.json").read_text(encoding="utf-8"))
        docs = {d["id"]: d for d in manifest["documents"]}
        raws = {d: _read_raw(gen / "docs" / _doc_filename(d)) for d in docs}
        if manifest.get("model_spec") != self.settings.model or manifest.get("pipeline") != PIPELINE_VERSION:
            return docs, {}, raws  # another model or pipeline: no chunk is reused, every document is re-chunked
        chunks: dict[str, list[Chunk]] = {}
        with open(gen / "chunks.jsonl", encoding="utf-8") as fh:
            for line in fh:
                if line.strip():
                    c = _chunk_from_row(json.loads(line))
                    chunks.setdefault(c.doc_id, []).append(c)
        return docs, chunks, raws

    def update(self, paths: Iterable[Path] = (), *, documents: Iterable[Document] = (),
               remove: Iterable[str] = (), sync_sources: bool = True, rebuild: bool = False,
               progress: Progress | None = None) -> IndexReport:
        """Add or refresh documents from `paths` (and ready `documents`, e.g. uploads), drop `remove`.

        With `sync_sources`, a previously indexed document whose source file lay under one of `paths`
        and is gone now is removed too (so `vanban index seeds/` mirrors the folder).
        """
        started = time.perf_counter()
        paths = [Path(p) for p in paths]
        loaded = load_documents(paths, cache_dir=self.home / "extracted") if paths else None
        report = IndexReport(errors=list(loaded.errors) if loaded else [])
        incoming = (loaded.documents if loaded else []) + list(documents)
        with _writer_lock(self.home):
            old_docs, old_chunks, old_raws = self._previous(rebuild)
            by_hash = {d["content_hash"]: i for i, d in old_docs.items()}
            keep: dict[str, tuple[dict, str]] = dict((i, (d, old_raws[i])) for i, d in old_docs.items())
            fresh: list[Document] = []
            for doc in incoming:
                known = old_docs.get(doc.id)
                if known and known["content_hash"] == doc.content_hash:
                    report.unchanged.append(doc.id)
                    continue
                twin = by_hash.get(doc.content_hash)
                if twin is not None and twin != doc.id:
                    report.duplicates.append((doc.id, twin))
                    continue
                by_hash[doc.content_hash] = doc.id
                (report.updated if known else report.new).append(doc.id)
                keep.pop(doc.id, None)
                fresh.append(doc)
            gone = set(remove)
            if sync_sources and paths:
                roots = [p.resolve() for p in paths]
                for i, (d, _) in keep.items():
                    src = Path(d["source"]) if d["source"] else None
                    if src and not src.exists() and any(src == r or r in src.parents for r in roots):
                        gone.add(i)
            for i in sorted(gone):
                if i in keep:
                    keep.pop(i)
                    report.removed.append(i)
                elif i in remove:
                    raise VanbanError(f"Không có văn bản '{i}' trong chỉ mục.", f"No document '{i}' in the index.")
            # Documents indexed by another pipeline or model are chunked again from their stored text, so an
            # upload after an upgrade never drops the rest of the corpus (their vectors mostly come from the cache).
            stale = [i for i in keep if i not in old_chunks and keep[i][0]["chunks"]]
            for i in stale:
                d, raw = keep.pop(i)
                fresh.append(Document(id=i, raw=raw, path=Path(d["source"]) if d["source"] else None))

            all_chunks: list[Chunk] = []
            entries: list[dict] = []
            raws: dict[str, str] = {}
            for i, (d, raw) in keep.items():
                all_chunks.extend(old_chunks.get(i, []))
                entries.append(d)
                raws[i] = raw
            # the accent restorer learns from every document that kept its accents (never from stripped
            # ones), so it exists before the stripped ones' chunks are restored and embedded
            training = [(d["content_hash"], raw) for d, raw in keep.values()]
            training += [(doc.content_hash, doc.raw) for doc in fresh]
            restorer: AccentRestorer | None = None
            for n, doc in enumerate(fresh):
                chunks = chunk_document(doc)
                all_chunks.extend(chunks)
                raws[doc.id] = doc.raw
                entries.append({"id": doc.id, "content_hash": doc.content_hash,
                                "source": str(doc.path.resolve()) if doc.path else "", "chunks": len(chunks),
                                "metadata": doc.metadata.to_json()})
                if restoration_ranges(doc.normalized.text):
                    restorer = restorer or AccentRestorer(load_or_build(accent_cache_dir(self.home), training))
                    if restore_chunks(doc.normalized.text, chunks, restorer):
                        entries[-1]["accents_restored"] = True
                        title = restore_fragment(doc.metadata.title, restorer)
                        if title != doc.metadata.title:
                            entries[-1]["metadata"]["restored_title"] = title
                if progress:
                    progress("chunk", n + 1, len(fresh))
            report.documents, report.chunks = len(entries), len(all_chunks)
            current = current_generation(self.home)
            switched = current is not None and json.loads((current / "manifest.json").read_text(
                encoding="utf-8")).get("store", "faiss") != self.settings.store  # re-built from the cache
            changed = bool(report.new or report.updated or report.removed or rebuild or switched or stale)
            if not changed and (current is not None or not entries):
                report.seconds = time.perf_counter() - started
                return report  # nothing changed: keep the current generation as it is
            cache = EmbeddingCache(self.home / "cache.sqlite")
            texts = [c.search_text for c in all_chunks]
            embed_progress = (lambda done, total: progress("embed", done, total)) if progress else None
            vectors, report.embedded = embed_with_cache(self.embedder, texts, cache, progress=embed_progress)
            gen = self.home / f"gen-{time.time_ns()}"
            metas = {e["id"]: DocumentMetadata.from_json(e["metadata"]) for e in entries}
            attributes = [chunk_attributes(c.doc_id, metas[c.doc_id]) for c in all_chunks]
            with _store_errors():
                store = build_store(self.settings.store, [c.chunk_id for c in all_chunks], vectors,
                                    self.embedder.name, attributes, milvus_uri=self.settings.milvus_location,
                                    collection=_collection_prefix(self.home) + gen.name.replace("-", "_"))
            # the accent restorer learns from the documents too: train it before the new generation goes live,
            # so questions asked meanwhile never wait for the training (15 s at 250 documents)
            load_or_build(accent_cache_dir(self.home), training)
            with _store_errors():
                self._write_generation(gen, entries, all_chunks, raws, store)
        report.seconds = time.perf_counter() - started
        return report

    def _write_generation(self, gen: Path, entries: list[dict], chunks: list[Chunk], raws: dict[str, str],
                          store: VectorStore) -> None:
        (gen / "docs").mkdir(parents=True)
        for doc_id, raw in raws.items():
            (gen / "docs" / _doc_filename(doc_id)).write_text(raw, encoding="utf-8", newline="")
        with open(gen / "chunks.jsonl", "w", encoding="utf-8") as fh:
            for c in chunks:
                fh.write(json.dumps(_chunk_to_row(c), ensure_ascii=False) + "\n")
        store.save(gen / "store")
        LexicalIndex.build([c.search_text for c in chunks]).save(gen / "lexical")
        manifest = {"version": MANIFEST_VERSION, "pipeline": PIPELINE_VERSION, "model_spec": self.settings.model, "model": self.embedder.name,
                    "dim": self.embedder.dim, "store": self.settings.store, "created": time.strftime("%Y-%m-%dT%H:%M:%S"),
                    "documents": entries}
        _write_text_atomic(gen / "manifest.json", json.dumps(manifest, ensure_ascii=False, indent=1))
        previous = current_generation(self.home)
        _write_text_atomic(self.home / "CURRENT", gen.name)
        uri = self.settings.milvus_location
        for old in self.home.glob("gen-*"):  # keep the new one and the one before it
            if old not in (gen, previous) and old.is_dir():
                with contextlib.suppress(StoreError):  # best effort: a left-over collection is pruned below
                    drop_store(old / "store", milvus_uri=uri)
                shutil.rmtree(old, ignore_errors=True)
        if self.settings.store == "milvus":  # collections of generations that crashed before CURRENT moved
            from embeddings.milvus_store import prune_collections
            with contextlib.suppress(StoreError):
                keep = {read_manifest(g / "store").collection for g in (gen, previous) if g is not None}
                prune_collections(uri, _collection_prefix(self.home), keep)
