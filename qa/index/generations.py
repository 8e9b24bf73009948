"""Index generations on disk: where each one's files are, how they are read and written, which one is
current (CURRENT), the writer lock and the collection of old generations.

Layout of `Settings.home`:
    cache.sqlite          content-hash embedding cache (shared by every generation)
    CURRENT               name of the generation in use; replaced with os.replace as the last step
    gen-<n>/manifest.json model, documents (hash, source, metadata, chunk count)
    gen-<n>/chunks.jsonl  chunks with their spans
    gen-<n>/docs/<id>     raw text of each document as read (citations and the source view use it)
    gen-<n>/store/        vector store: FAISS files, or the manifest naming the generation's Milvus collection
    gen-<n>/lexical/      the BM25 indexes over the chunks (qa/index/lexical.py), read memory-mapped
A generation is never changed once CURRENT names it: a crash while indexing leaves CURRENT pointing at the
previous complete generation, and the next run finds the already-embedded chunks in the cache and completes
the job. Reading a generation is `qa.index.loaded.Index`; making one is `qa.index.builder.IndexBuilder`.
"""
from __future__ import annotations

import fcntl
import hashlib
import json
import logging
import os
import shutil
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from embeddings.store_base import StoreError
from embeddings.store_base import read_manifest as read_store_manifest
from embeddings.vector_store import VectorStore, drop_store
from qa.index.lexical import LexicalIndex
from qa.ingest.chunking import Chunk
from qa.ingest.normalize import Footnote
from qa.metadata.document import DocumentMetadata
from qa.versions import VERSIONS

log = logging.getLogger(__name__)


@dataclass
class IndexedDocument:
    """A document as a generation's manifest records it (what `vanban docs` and the app list)."""

    id: str
    content_hash: str
    source: str
    chunks: int
    metadata: DocumentMetadata
    accents_restored: bool = False
    """The document had lost its accents; its chunks carry a machine-restored reading."""

    @classmethod
    def from_entry(cls, entry: dict) -> IndexedDocument:
        """From a manifest's document entry."""
        return cls(entry["id"], entry["content_hash"], entry["source"], entry["chunks"],
                   DocumentMetadata.from_json(entry["metadata"]), bool(entry.get("accents_restored")))

    def to_json(self) -> dict:
        return {"id": self.id, "content_hash": self.content_hash, "source": self.source,
                "chunks": self.chunks, "metadata": self.metadata.to_json(),
                "accents_restored": self.accents_restored}


def new_manifest(*, model_spec: str, model: str, dim: int, store: str, documents: list[dict]) -> dict:
    """A generation's manifest: the versions and model it was made with (checked when it is read or
    updated), the store kind, and one entry per document."""
    return {"version": VERSIONS.index_manifest, "pipeline": VERSIONS.pipeline, "model_spec": model_spec,
            "model": model, "dim": dim, "store": store, "created": time.strftime("%Y-%m-%dT%H:%M:%S"),
            "documents": documents}


def chunk_to_row(c: Chunk) -> dict:
    """One line of chunks.jsonl."""
    return {"doc": c.doc_id, "chunk_id": c.chunk_id, "text": c.text, "spans": c.spans,
            "section": c.section, "norm_range": list(c.norm_range),
            "footnotes": [{"label": f.label, "text": f.text, "spans": [list(s) for s in f.spans]}
                          for f in c.footnotes],
            **({"restored": c.restored, "restored_section": c.restored_section} if c.restored else {})}


def chunk_from_row(r: dict) -> Chunk:
    """A chunk from one line of chunks.jsonl (rows of generations without restored readings too)."""
    return Chunk(r["doc"], r["chunk_id"], r["text"], [tuple(s) for s in r["spans"]], r["section"],
                 tuple(r["norm_range"]),
                 [Footnote(f["label"], f["text"], tuple(tuple(s) for s in f["spans"]))
                  for f in r["footnotes"]],
                 r.get("restored", ""), r.get("restored_section", ""))


def doc_filename(doc_id: str) -> str:
    """A document id as a safe file name inside docs/ (ids are file names, but never trust them as paths)."""
    return doc_id.replace("/", "_").replace("\\", "_").lstrip(".") or "_"


def current_generation(home: Path) -> Path | None:
    """The generation CURRENT names, or None when there is none yet (or its manifest is missing)."""
    pointer = Path(home) / "CURRENT"
    if not pointer.exists():
        return None
    gen = Path(home) / pointer.read_text(encoding="utf-8").strip()
    return gen if (gen / "manifest.json").exists() else None


def read_manifest(gen: Path) -> dict:
    return json.loads((gen / "manifest.json").read_text(encoding="utf-8"))


def read_chunks(gen: Path) -> list[Chunk]:
    """Every chunk of the generation, in index order (row i of the store is chunk i)."""
    with open(gen / "chunks.jsonl", encoding="utf-8") as fh:
        return [chunk_from_row(json.loads(line)) for line in fh if line.strip()]


def read_raw(gen: Path, doc_id: str) -> str:
    """The document's text exactly as read when it was indexed (newlines untouched: spans point into it)."""
    with open(gen / "docs" / doc_filename(doc_id), encoding="utf-8", newline="") as fh:
        return fh.read()


def _write_text_atomic(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "w", encoding="utf-8", newline="") as fh:
        fh.write(text)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


@contextmanager
def writer_lock(home: Path) -> Iterator[None]:
    """One indexing job at a time per data directory; readers never wait."""
    home.mkdir(parents=True, exist_ok=True)
    with open(home / "index.lock", "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def new_generation(home: Path) -> Path:
    """The directory the next generation goes to (not created yet); names sort by creation time."""
    return Path(home) / f"gen-{time.time_ns()}"


def collection_prefix(home: Path) -> str:
    """Milvus collections of this data directory: one server can hold several data directories."""
    return f"vanban_{hashlib.sha1(str(Path(home).resolve()).encode()).hexdigest()[:10]}_"


def collection_name(home: Path, gen: Path) -> str:
    """The Milvus collection holding generation `gen`'s vectors."""
    return collection_prefix(home) + gen.name.replace("-", "_")


def write_generation(gen: Path, manifest: dict, chunks: list[Chunk], raws: dict[str, str],
                     store: VectorStore, lexical: LexicalIndex) -> None:
    """Write every file of a new generation, the manifest last (a generation without one is never read)."""
    (gen / "docs").mkdir(parents=True)
    for doc_id, raw in raws.items():
        (gen / "docs" / doc_filename(doc_id)).write_text(raw, encoding="utf-8", newline="")
    with open(gen / "chunks.jsonl", "w", encoding="utf-8") as fh:
        for c in chunks:
            fh.write(json.dumps(chunk_to_row(c), ensure_ascii=False) + "\n")
    store.save(gen / "store")
    lexical.save(gen / "lexical")
    _write_text_atomic(gen / "manifest.json", json.dumps(manifest, ensure_ascii=False, indent=1))


def switch_current(home: Path, gen: Path) -> Path | None:
    """Make `gen` the current generation (one atomic rename); returns the one it replaces."""
    previous = current_generation(home)
    _write_text_atomic(home / "CURRENT", gen.name)
    return previous


def collect_garbage(home: Path, keep: Iterable[Path | None], *, store: str, milvus_uri: str) -> None:
    """Delete every generation but `keep` (the new one and the one before it, which a process that loaded
    it may still read), with the Milvus collections they hold and those of runs that crashed before CURRENT
    moved. Best effort: what cannot be dropped now is dropped by a later run."""
    kept = [g for g in keep if g is not None]
    for old in home.glob("gen-*"):
        if old not in kept and old.is_dir():
            try:
                drop_store(old / "store", milvus_uri=milvus_uri)
            except StoreError as exc:  # its collection is pruned below, or by a later run
                log.warning("cannot drop the vector store of %s: %s", old.name, exc)
            shutil.rmtree(old, ignore_errors=True)
    if store == "milvus":
        from embeddings.milvus_store import prune_collections
        try:
            names = {read_store_manifest(g / "store").collection for g in kept}
            prune_collections(milvus_uri, collection_prefix(home), names)
        except StoreError as exc:
            log.warning("cannot prune left-over Milvus collections of %s: %s", home, exc)
