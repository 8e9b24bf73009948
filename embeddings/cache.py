"""Content-hash embedding cache: a text already embedded by a model is never embedded again.

One SQLite file; key = (model name, sha256 of the exact text), value = the vector as little-endian
float32 bytes. The model name is the embedder's `name`, so a different model never reuses vectors.
"""
from __future__ import annotations

import hashlib
import logging
import sqlite3
import threading
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np

from embeddings.base import Embedder, Progress

log = logging.getLogger(__name__)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS embeddings (
    model  TEXT    NOT NULL,
    hash   TEXT    NOT NULL,
    dim    INTEGER NOT NULL,
    vector BLOB    NOT NULL,
    PRIMARY KEY (model, hash)
) WITHOUT ROWID
"""
_LOOKUP_CHUNK = 500
"""Hashes per SELECT: well under SQLite's bound-parameter limit (999 on old builds)."""
COMMIT_EVERY = 256
"""`embed_with_cache` stores new vectors after this many texts, so an interrupted run keeps its work."""


def content_hash(text: str) -> str:
    """sha256 hex of the text's UTF-8 bytes, nothing else mixed in (the model is a separate key)."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


class EmbeddingCache:
    """Vectors by (model, content hash) in one SQLite file; safe to share between threads.

    Several processes may use the same file (WAL journal, writers wait up to 30 s for a lock).
    """

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(self.path, timeout=30, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute(_SCHEMA)

    def get_many(self, model: str, hashes: Sequence[str]) -> dict[str, np.ndarray]:
        """The cached vectors among `hashes` (missing ones are simply absent from the result)."""
        wanted = list(dict.fromkeys(hashes))
        found: dict[str, np.ndarray] = {}
        with self._lock:
            for i in range(0, len(wanted), _LOOKUP_CHUNK):
                chunk = wanted[i : i + _LOOKUP_CHUNK]
                marks = ",".join("?" * len(chunk))
                rows = self._db.execute(
                    f"SELECT hash, dim, vector FROM embeddings WHERE model = ? AND hash IN ({marks})",
                    [model, *chunk],
                )
                for h, dim, blob in rows:
                    vector = np.frombuffer(blob, dtype="<f4").astype(np.float32)
                    if vector.shape == (dim,):
                        found[h] = vector
                    else:  # a truncated row is treated as missing: the text is embedded again
                        log.warning("damaged cache row %s for %s (%d values, %d expected): embedding again",
                                    h[:12], model, vector.shape[0], dim)
        return found

    def put_many(self, model: str, items: Mapping[str, np.ndarray]) -> None:
        """Store vectors by hash, all in one transaction (replacing any previous value)."""
        rows = []
        for h, vector in items.items():
            v = np.asarray(vector, dtype="<f4").reshape(-1)
            rows.append((model, h, int(v.shape[0]), v.tobytes()))
        if not rows:
            return
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                self._db.executemany(
                    "INSERT OR REPLACE INTO embeddings (model, hash, dim, vector) VALUES (?, ?, ?, ?)", rows
                )
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def count(self, model: str | None = None) -> int:
        """Number of cached vectors, for one model or all."""
        with self._lock:
            if model is None:
                return self._db.execute("SELECT COUNT(*) FROM embeddings").fetchone()[0]
            return self._db.execute("SELECT COUNT(*) FROM embeddings WHERE model = ?", (model,)).fetchone()[0]

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def __enter__(self) -> EmbeddingCache:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def embed_with_cache(
    embedder: Embedder,
    texts: Sequence[str],
    cache: EmbeddingCache,
    *,
    progress: Progress | None = None,
    batch_size: int = 32,
) -> tuple[np.ndarray, int]:
    """Vectors for `texts` in order, embedding only texts the cache lacks (each distinct text once).

    New vectors are stored every `COMMIT_EVERY` texts, so re-running after an interruption resumes.
    `progress(done, total)` counts the texts being embedded now, not the cached ones.

    Returns:
        (vectors of shape (len(texts), dim), number of texts embedded by this call)
    """
    if isinstance(texts, str):
        raise TypeError("texts must be a sequence of strings, not a single string")
    hashes = [content_hash(t) for t in texts]
    cached = cache.get_many(embedder.name, hashes)
    known = {h: v for h, v in cached.items() if v.shape == (embedder.dim,)}
    if len(known) < len(cached):  # a row of another dimension under this name: embedded again, replaced
        log.warning("%d cached vectors for %s are not %d-dimensional: embedding them again",
                    len(cached) - len(known), embedder.name, embedder.dim)
    todo: dict[str, str] = {}
    for h, text in zip(hashes, texts):
        if h not in known and h not in todo:
            todo[h] = text
    pending = list(todo.items())
    for start in range(0, len(pending), COMMIT_EVERY):
        part = pending[start : start + COMMIT_EVERY]
        step = None
        if progress is not None:
            step = lambda done, _total, _base=start: progress(_base + done, len(pending))  # noqa: E731
        vectors = embedder.embed_passages([t for _, t in part], batch_size=batch_size, progress=step)
        fresh = {h: vectors[i] for i, (h, _) in enumerate(part)}
        cache.put_many(embedder.name, fresh)
        known.update(fresh)
    out = np.empty((len(texts), embedder.dim), dtype=np.float32)
    for i, h in enumerate(hashes):
        out[i] = known[h]
    return out, len(pending)
