"""Vector store: exact FAISS inner-product search over L2-normalised vectors, saved with a manifest.

On disk a store is a directory holding `manifest.json` plus one index file and one ids file whose names
carry a generation number. Saving writes the new generation's files first and replaces `manifest.json`
last, each file through a temporary file and `os.replace`; the manifest is the commit point, so a crash
at any moment leaves either the previous store or the new one loadable, never a mix. Files of older
generations are removed after the manifest is in place. One writer at a time per directory, and the
directory belongs to the store (other components keep their files elsewhere: `manifest.json` is ours).
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
from collections.abc import Collection, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import faiss
import numpy as np

MANIFEST = "manifest.json"
FORMAT = 1
_GENERATION_FILE = re.compile(r"^(index|ids)\.(\d+)\.(faiss|json)$")
_OUR_TEMP_FILE = re.compile(r"^\.(index\.\d+\.faiss|ids\.\d+\.json|manifest\.json)\..*\.tmp$")


class StoreError(Exception):
    """A store that cannot be used as asked; the message is Vietnamese first, then English."""

    def __init__(self, vi: str, en: str) -> None:
        super().__init__(f"{vi} / {en}")
        self.vi = vi
        self.en = en


class StoreNotFoundError(StoreError, FileNotFoundError):
    """No saved store in the directory (nothing has been indexed yet)."""


class StoreMismatchError(StoreError):
    """The saved store was built with another model than the one asked for."""


@dataclass
class StoreManifest:
    """What a saved store was built with; read without loading the index via `read_manifest`."""

    model: str
    dim: int
    count: int
    index_type: str = "IndexFlatIP"
    metric: str = "inner_product"
    faiss_version: str = faiss.__version__
    created: str = ""
    saved: str = ""
    generation: int = 0
    files: dict[str, str] = field(default_factory=dict)
    sha256: dict[str, str] = field(default_factory=dict)
    format: int = FORMAT


class FaissStore:
    """Exact inner-product search (`IndexFlatIP`); FAISS row i holds the vector of `ids[i]`.

    Vectors are expected L2-normalised (every `Embedder` returns them so), which makes scores cosines.
    """

    def __init__(self, dim: int, model: str) -> None:
        if dim <= 0:
            raise ValueError("dim must be positive")
        self.dim = dim
        self.model = model
        self._index = faiss.IndexFlatIP(dim)
        self._ids: list[str] = []
        self._pos: dict[str, int] = {}
        self._created = _now()
        self._generation = 0

    @classmethod
    def build(cls, ids: Sequence[str], vectors: np.ndarray, model: str) -> FaissStore:
        vectors = np.asarray(vectors)
        if vectors.ndim != 2:
            raise ValueError(f"vectors must be 2-D (n, dim), got shape {vectors.shape}")
        store = cls(vectors.shape[1], model)
        store.add(ids, vectors)
        return store

    @property
    def ids(self) -> list[str]:
        return list(self._ids)

    def __len__(self) -> int:
        return len(self._ids)

    def __contains__(self, item: object) -> bool:
        return item in self._pos

    def add(self, ids: Sequence[str], vectors: np.ndarray) -> None:
        """Append vectors under new, unique ids (to replace, `remove` the ids first)."""
        ids = list(ids)
        matrix = self._matrix(vectors)
        if len(ids) != matrix.shape[0]:
            raise ValueError(f"{len(ids)} ids for {matrix.shape[0]} vectors")
        if len(set(ids)) != len(ids):
            raise ValueError("ids must be unique")
        clash = [i for i in ids if i in self._pos]
        if clash:
            raise ValueError(f"ids already in the store: {clash[:5]}")
        base = len(self._ids)
        self._index.add(matrix)
        self._ids.extend(ids)
        self._pos.update((i, base + n) for n, i in enumerate(ids))

    def remove(self, ids: Collection[str]) -> int:
        """Drop the given ids (unknown ones are ignored); returns how many were removed."""
        rows = sorted({self._pos[i] for i in ids if i in self._pos})
        if not rows:
            return 0
        self._index.remove_ids(faiss.IDSelectorBatch(np.asarray(rows, dtype=np.int64)))
        gone = set(rows)
        # IndexFlat.remove_ids compacts rows in order, so the id list is filtered the same way.
        self._ids = [i for n, i in enumerate(self._ids) if n not in gone]
        self._pos = {i: n for n, i in enumerate(self._ids)}
        return len(rows)

    def search(
        self, query: np.ndarray, k: int, allowed: Collection[str] | None = None
    ) -> list[tuple[str, float]]:
        """Up to `k` (id, score) pairs, best first; with `allowed`, only those ids compete.

        Filtering happens inside the exact scan (FAISS `IDSelectorBatch`), so a filter never costs results.
        """
        q = self._matrix(query)
        if q.shape[0] != 1:
            raise ValueError("search takes one query vector")
        if k <= 0 or not self._ids:
            return []
        params = None
        candidates = len(self._ids)
        if allowed is not None:
            rows = np.fromiter((self._pos[i] for i in set(allowed) if i in self._pos), dtype=np.int64)
            if rows.size == 0:
                return []
            if rows.size < len(self._ids):
                params = faiss.SearchParameters(sel=faiss.IDSelectorBatch(rows))
            candidates = int(rows.size)
        k = min(k, candidates)
        scores, rows_found = self._index.search(q, k, params=params)
        return [(self._ids[r], float(s)) for s, r in zip(scores[0], rows_found[0]) if r >= 0]

    def vectors(self) -> np.ndarray:
        """All stored vectors, row i for `ids[i]` (a copy)."""
        if not self._ids:
            return np.zeros((0, self.dim), dtype=np.float32)
        return self._index.reconstruct_n(0, len(self._ids))

    def manifest(self) -> StoreManifest:
        return StoreManifest(
            model=self.model,
            dim=self.dim,
            count=len(self._ids),
            created=self._created,
            generation=self._generation,
        )

    def save(self, directory: Path) -> None:
        """Write the store into `directory` so that a crash at any point leaves a loadable store."""
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        previous = _read_manifest_or_none(directory)
        generation = max(self._generation, previous.generation if previous else 0) + 1
        files = {"index": f"index.{generation}.faiss", "ids": f"ids.{generation}.json"}
        payloads = {
            "index": faiss.serialize_index(self._index).tobytes(),
            "ids": json.dumps(self._ids, ensure_ascii=False).encode("utf-8"),
        }
        manifest = self.manifest()
        manifest.generation = generation
        manifest.saved = _now()
        manifest.files = files
        manifest.sha256 = {role: hashlib.sha256(data).hexdigest() for role, data in payloads.items()}
        for role, data in payloads.items():
            _write_atomic(directory / files[role], data)
        manifest_bytes = json.dumps(asdict(manifest), indent=2, ensure_ascii=False).encode("utf-8")
        _write_atomic(directory / MANIFEST, manifest_bytes)
        self._generation = generation
        _remove_stale(directory, keep=set(files.values()))

    @classmethod
    def load(cls, directory: Path, model: str) -> FaissStore:
        """The store saved in `directory`, checked against the embedder name it will be queried with.

        Raises:
            StoreNotFoundError: nothing saved there.
            StoreMismatchError: built with another model.
            StoreError: files missing or damaged.
        """
        directory = Path(directory)
        manifest = read_manifest(directory)
        if manifest.model != model:
            raise StoreMismatchError(
                f"Chỉ mục được tạo bằng mô hình {manifest.model}, nhưng đang truy vấn bằng {model}; "
                "hãy chạy `vanban index --rebuild`.",
                f"Index built with {manifest.model}, asked with {model}; run `vanban index --rebuild`.",
            )
        try:
            raw = {role: (directory / name).read_bytes() for role, name in manifest.files.items()}
            for role, digest in manifest.sha256.items():
                if hashlib.sha256(raw[role]).hexdigest() != digest:
                    raise ValueError(f"{manifest.files[role]} does not match its checksum")
            index = faiss.deserialize_index(np.frombuffer(raw["index"], dtype=np.uint8))
            ids = json.loads(raw["ids"].decode("utf-8"))
            if not (index.d == manifest.dim and index.ntotal == len(ids) == manifest.count):
                raise ValueError("index, ids and manifest disagree on size")
        except (OSError, KeyError, ValueError, RuntimeError) as exc:
            raise StoreError(
                f"Chỉ mục vectơ trong {directory} bị hỏng hoặc thiếu tệp ({exc}); "
                "hãy chạy `vanban index --rebuild`.",
                f"The vector index in {directory} is damaged or incomplete ({exc}); "
                "run `vanban index --rebuild`.",
            ) from exc
        store = cls(manifest.dim, manifest.model)
        store._index = index
        store._ids = list(ids)
        store._pos = {i: n for n, i in enumerate(store._ids)}
        store._created = manifest.created or store._created
        store._generation = manifest.generation
        return store

    def _matrix(self, vectors: np.ndarray) -> np.ndarray:
        matrix = np.ascontiguousarray(vectors, dtype=np.float32)
        if matrix.ndim == 1:
            matrix = matrix.reshape(1, -1)
        if matrix.ndim != 2 or matrix.shape[1] != self.dim:
            raise ValueError(f"expected vectors of dim {self.dim}, got shape {np.shape(vectors)}")
        return matrix


def read_manifest(directory: Path) -> StoreManifest:
    """The manifest of the store saved in `directory` (cheap: the index is not read)."""
    directory = Path(directory)
    path = directory / MANIFEST
    if not path.exists():
        raise StoreNotFoundError(
            f"Chưa có chỉ mục vectơ trong {directory}; hãy chạy `vanban index`.",
            f"No vector index in {directory}; run `vanban index`.",
        )
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        known = StoreManifest.__dataclass_fields__
        return StoreManifest(**{k: v for k, v in data.items() if k in known})
    except (OSError, ValueError, TypeError) as exc:
        raise StoreError(
            f"Tệp {path} bị hỏng ({exc}); hãy chạy `vanban index --rebuild`.",
            f"{path} is damaged ({exc}); run `vanban index --rebuild`.",
        ) from exc


def _read_manifest_or_none(directory: Path) -> StoreManifest | None:
    try:
        return read_manifest(directory)
    except StoreError:
        return None


def _write_atomic(path: Path, data: bytes) -> None:
    """Write to a temporary file beside `path`, flush it to disk, then rename it over `path`."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    _fsync_dir(path.parent)


def _fsync_dir(directory: Path) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:  # pragma: no cover - e.g. Windows cannot open directories
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover
        pass
    finally:
        os.close(fd)


def _remove_stale(directory: Path, keep: set[str]) -> None:
    """Delete index/ids files of other generations and temporary files left by an interrupted save."""
    for entry in directory.iterdir():
        stale = (_GENERATION_FILE.match(entry.name) and entry.name not in keep) or (
            _OUR_TEMP_FILE.match(entry.name) is not None
        )
        if stale:
            entry.unlink(missing_ok=True)


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")
