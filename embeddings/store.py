"""Vector store: FAISS inner-product search over L2-normalised vectors, saved with a manifest.

Exact (`IndexFlatIP`) up to `APPROXIMATE_ABOVE` vectors, an IVF index above (chosen over HNSW by
benchmarks/bench_stores.py: on crowded archive-like data HNSW's recall@10 stalled near 0.85 while IVF
reached 0.98 at a tenth of the lists probed). On disk a store is a directory holding `manifest.json`
plus index, ids and attributes files whose names carry a generation number. Saving writes the new
generation's files first and replaces `manifest.json` last, each file through a temporary file and
`os.replace`; the manifest is the commit point, so a crash at any moment leaves either the previous store
or the new one loadable, never a mix. Files of older generations are removed after the manifest is in
place. One writer at a time per directory, and the directory belongs to the store.
"""
from __future__ import annotations

import hashlib
import json
import logging
import math
import re
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path

import faiss
import numpy as np

from embeddings.store_base import (  # StoreError ... read_manifest: importable from here as before
    APPROXIMATE_ABOVE,
    FORMAT,
    MANIFEST,
    Attributes,
    StoreError,
    StoreManifest,
    StoreMismatchError,
    StoreNotFoundError,
    Where,
    check_model,
    ivf_parameters,
    now,
    read_manifest,
    write_atomic,
)

__all__ = ["EXACT_SUBSET", "FaissStore", "StoreError", "StoreManifest", "StoreMismatchError",
           "StoreNotFoundError", "read_manifest"]

log = logging.getLogger(__name__)
EXACT_SUBSET = 20_000
"""With an IVF index, a filter allowing at most this many vectors is answered by an exact scan of them."""
_GENERATION_FILE = re.compile(r"^(index|ids|attributes)\.(\d+)\.(faiss|json)$")
_OUR_TEMP_FILE = re.compile(r"^\.(index\.\d+\.faiss|(ids|attributes)\.\d+\.json|manifest\.json)\..*\.tmp$")


class FaissStore:
    """FAISS inner-product search; row i of the index holds the i-th id's vector and its attributes.

    Vectors are expected L2-normalised (every `Embedder` returns them so), which makes scores cosines.
    Attributes are kept once per distinct value (per document, in practice), so a filter is resolved
    per group of rows, not per row.
    """

    kind = "faiss"

    def __init__(self, dim: int, model: str) -> None:
        if dim <= 0:
            raise ValueError("dim must be positive")
        self.dim = dim
        self.model = model
        self._index: faiss.Index = faiss.IndexFlatIP(dim)
        self._ids: list[str] = []
        self._pos: dict[str, int] = {}
        self._groups: list[dict] = []
        self._group_key: dict[str, int] = {}
        self._group_of: list[int] = []
        self._rows_cache: dict[Where, np.ndarray] = {}
        self._created = now()
        self._generation = 0

    @classmethod
    def build(cls, ids: Sequence[str], vectors: np.ndarray, model: str,
              attributes: Sequence[Attributes] | None = None,
              approximate_above: int = APPROXIMATE_ABOVE) -> FaissStore:
        """Exact search up to `approximate_above` vectors; an IVF index trained on these vectors above it."""
        vectors = np.asarray(vectors)
        if vectors.ndim != 2:
            raise ValueError(f"vectors must be 2-D (n, dim), got shape {vectors.shape}")
        store = cls(vectors.shape[1], model)
        if len(vectors) > approximate_above:
            store._index = _trained_ivf(store._matrix(vectors))
        store.add(ids, vectors, attributes)
        return store

    @property
    def index_type(self) -> str:
        ivf = self._ivf
        return "IndexFlatIP" if ivf is None else f"IndexIVFFlat(nlist={ivf.nlist}, nprobe={ivf.nprobe})"

    @property
    def _ivf(self) -> faiss.IndexIVF | None:
        return faiss.extract_index_ivf(self._index) if not isinstance(self._index, faiss.IndexFlat) else None

    def __len__(self) -> int:
        return len(self._ids)

    def add(self, ids: Sequence[str], vectors: np.ndarray,
            attributes: Sequence[Attributes] | None = None) -> None:
        """Append vectors under new, unique ids (a generation's store is built once: nothing is replaced)."""
        ids = list(ids)
        matrix = self._matrix(vectors)
        attributes = list(attributes) if attributes is not None else [{}] * len(ids)
        if not len(ids) == matrix.shape[0] == len(attributes):
            raise ValueError(f"{len(ids)} ids, {len(attributes)} attributes for {matrix.shape[0]} vectors")
        if len(set(ids)) != len(ids):
            raise ValueError("ids must be unique")
        clash = [i for i in ids if i in self._pos]
        if clash:
            raise ValueError(f"ids already in the store: {clash[:5]}")
        base = len(self._ids)
        self._index.add(matrix)
        if self._ivf is not None:
            self._ivf.make_direct_map()  # rows can be read back (scores of given ids, exact fallback)
        self._ids.extend(ids)
        self._pos.update((i, base + n) for n, i in enumerate(ids))
        self._group_of.extend(self._group(a) for a in attributes)
        self._rows_cache.clear()

    def search(self, query: np.ndarray, k: int, where: Where | None = None) -> list[tuple[str, float]]:
        """Up to `k` (id, score) pairs, best first; with `where`, only matching vectors compete.

        The filter goes into the search (FAISS `IDSelectorBatch`), so it never costs results: with an IVF
        index a small allowed set is scanned exactly, a larger one probes proportionally more lists, and
        a search that still finds fewer than `k` falls back to the exact scan of the allowed rows.
        """
        q = self._query(query)
        if k <= 0 or not self._ids:
            return []
        rows = self._rows(where) if where else None
        candidates = len(self._ids) if rows is None else int(rows.size)
        if candidates == 0:
            return []
        k = min(k, candidates)
        ivf = self._ivf
        if ivf is not None and rows is not None and rows.size <= EXACT_SUBSET:
            return self._exact(q, rows, k)
        if ivf is None:
            params = None if rows is None else faiss.SearchParameters(sel=faiss.IDSelectorBatch(rows))
        else:
            widen = math.ceil(len(self._ids) / candidates)
            params = faiss.SearchParametersIVF(nprobe=min(ivf.nlist, ivf.nprobe * widen))
            if rows is not None:
                params.sel = faiss.IDSelectorBatch(rows)
        scores, found = self._index.search(q, k, params=params)
        hits = [(self._ids[r], float(s)) for s, r in zip(scores[0], found[0]) if r >= 0]
        if len(hits) < k:
            log.debug("IVF search found %d of %d: exact scan of the allowed rows instead", len(hits), k)
            return self._exact(q, np.arange(len(self._ids)) if rows is None else rows, k)
        return hits

    def scores(self, query: np.ndarray, ids: Sequence[str]) -> np.ndarray:
        """The exact score of each given id, in that order (a KeyError for an unknown id)."""
        q = self._query(query)[0]
        rows = np.fromiter((self._pos[i] for i in ids), dtype=np.int64, count=len(ids))
        return self._rows_vectors(rows) @ q

    def vectors(self) -> np.ndarray:
        """All stored vectors, row i for `ids[i]` (a copy)."""
        if not self._ids:
            return np.zeros((0, self.dim), dtype=np.float32)
        return self._index.reconstruct_n(0, len(self._ids))

    def _exact(self, q: np.ndarray, rows: np.ndarray, k: int) -> list[tuple[str, float]]:
        scores = self._rows_vectors(rows) @ q[0]
        top = np.argsort(-scores, kind="stable")[:k]
        return [(self._ids[int(rows[j])], float(scores[j])) for j in top]

    def _rows_vectors(self, rows: np.ndarray) -> np.ndarray:
        if rows.size == 0:
            return np.zeros((0, self.dim), dtype=np.float32)
        if self._ivf is None:  # a view of the flat index's own storage: no copy of the whole matrix
            flat = faiss.rev_swig_ptr(self._index.get_xb(), self._index.ntotal * self.dim)
            return flat.reshape(self._index.ntotal, self.dim)[rows]
        return self._index.reconstruct_batch(rows)

    def _group(self, attributes: Attributes) -> int:
        plain = {k: (v if isinstance(v, str) else sorted(int(x) for x in v)) for k, v in attributes.items()}
        key = json.dumps(plain, sort_keys=True, ensure_ascii=False)
        if key not in self._group_key:
            self._group_key[key] = len(self._groups)
            self._groups.append(plain)
        return self._group_key[key]

    def _rows(self, where: Where) -> np.ndarray:
        rows = self._rows_cache.get(where)
        if rows is None:
            matching = [g for g, a in enumerate(self._groups) if where.matches(a)]
            groups = np.asarray(self._group_of, dtype=np.int64)
            rows = np.flatnonzero(np.isin(groups, matching)).astype(np.int64)
            if len(self._rows_cache) > 64:
                self._rows_cache.clear()
            self._rows_cache[where] = rows
        return rows

    def manifest(self) -> StoreManifest:
        ivf = self._ivf
        return StoreManifest(
            model=self.model,
            dim=self.dim,
            count=len(self._ids),
            index_type="IndexFlatIP" if ivf is None else "IndexIVFFlat",
            params={} if ivf is None else {"nlist": int(ivf.nlist), "nprobe": int(ivf.nprobe)},
            faiss_version=faiss.__version__,
            created=self._created,
            generation=self._generation,
        )

    def save(self, directory: Path) -> None:
        """Write the store into `directory` so that a crash at any point leaves a loadable store."""
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        previous = _read_manifest_or_none(directory)
        generation = max(self._generation, previous.generation if previous else 0) + 1
        files = {"index": f"index.{generation}.faiss", "ids": f"ids.{generation}.json",
                 "attributes": f"attributes.{generation}.json"}
        payloads = {
            "index": faiss.serialize_index(self._index).tobytes(),
            "ids": json.dumps(self._ids, ensure_ascii=False).encode("utf-8"),
            "attributes": json.dumps({"groups": self._groups, "rows": self._group_of},
                                     ensure_ascii=False).encode("utf-8"),
        }
        manifest = self.manifest()
        manifest.generation = generation
        manifest.saved = now()
        manifest.files = files
        manifest.sha256 = {role: hashlib.sha256(data).hexdigest() for role, data in payloads.items()}
        for role, data in payloads.items():
            write_atomic(directory / files[role], data)
        manifest_bytes = json.dumps(asdict(manifest), indent=2, ensure_ascii=False).encode("utf-8")
        write_atomic(directory / MANIFEST, manifest_bytes)
        self._generation = generation
        _remove_stale(directory, keep=set(files.values()))

    @classmethod
    def load(cls, directory: Path, model: str) -> FaissStore:
        """The store saved in `directory`, checked against the embedder name it will be queried with.

        Raises:
            StoreNotFoundError: nothing saved there.
            StoreMismatchError: built with another model.
            StoreError: files missing or damaged, or written by an older version.
        """
        directory = Path(directory)
        manifest = read_manifest(directory)
        check_model(manifest, model)
        try:
            if manifest.format != FORMAT:
                raise ValueError(f"store format {manifest.format}, this version reads {FORMAT}")
            raw = {role: (directory / name).read_bytes() for role, name in manifest.files.items()}
            for role, digest in manifest.sha256.items():
                if hashlib.sha256(raw[role]).hexdigest() != digest:
                    raise ValueError(f"{manifest.files[role]} does not match its checksum")
            index = faiss.deserialize_index(np.frombuffer(raw["index"], dtype=np.uint8))
            ids = json.loads(raw["ids"].decode("utf-8"))
            attributes = json.loads(raw["attributes"].decode("utf-8"))
            if not (index.d == manifest.dim and index.ntotal == len(ids) == len(attributes["rows"])
                    == manifest.count):
                raise ValueError("index, ids, attributes and manifest disagree on size")
        except (OSError, KeyError, ValueError, RuntimeError) as exc:
            raise StoreError(
                f"Chỉ mục vectơ trong {directory} bị hỏng hoặc thiếu tệp ({exc}); "
                "hãy chạy `vanban index --rebuild`.",
                f"The vector index in {directory} is damaged or incomplete ({exc}); "
                "run `vanban index --rebuild`.",
            ) from exc
        store = cls(manifest.dim, manifest.model)
        store._index = index
        if store._ivf is not None:
            store._ivf.nprobe = manifest.params.get("nprobe", store._ivf.nprobe)
            store._ivf.make_direct_map()
        store._ids = list(ids)
        store._pos = {i: n for n, i in enumerate(store._ids)}
        store._groups = attributes["groups"]
        store._group_key = {json.dumps(g, sort_keys=True, ensure_ascii=False): n
                            for n, g in enumerate(store._groups)}
        store._group_of = attributes["rows"]
        store._created = manifest.created or store._created
        store._generation = manifest.generation
        return store

    def _query(self, query: np.ndarray) -> np.ndarray:
        q = self._matrix(query)
        if q.shape[0] != 1:
            raise ValueError("search takes one query vector")
        return q

    def _matrix(self, vectors: np.ndarray) -> np.ndarray:
        matrix = np.ascontiguousarray(vectors, dtype=np.float32)
        if matrix.ndim == 1:
            matrix = matrix.reshape(1, -1)
        if matrix.ndim != 2 or matrix.shape[1] != self.dim:
            raise ValueError(f"expected vectors of dim {self.dim}, got shape {np.shape(vectors)}")
        return matrix


def _trained_ivf(vectors: np.ndarray) -> faiss.Index:
    """An empty IVF index whose coarse quantiser is trained on (a sample of) the vectors."""
    nlist, nprobe = ivf_parameters(len(vectors))
    index = faiss.index_factory(vectors.shape[1], f"IVF{nlist},Flat", faiss.METRIC_INNER_PRODUCT)
    ivf = faiss.extract_index_ivf(index)
    ivf.cp.niter = 15
    sample = min(len(vectors), 32 * nlist)
    rows = np.sort(np.random.default_rng(0).choice(len(vectors), sample, replace=False))
    index.train(vectors[rows])
    ivf.nprobe = nprobe
    return index


def _read_manifest_or_none(directory: Path) -> StoreManifest | None:
    """The manifest already in `directory`, if any: a new save numbers its files after it."""
    try:
        return read_manifest(directory)
    except StoreNotFoundError:
        return None
    except StoreError as exc:
        log.warning("unreadable store manifest in %s, saving over it: %s", directory, exc)
        return None


def _remove_stale(directory: Path, keep: set[str]) -> None:
    """Delete index/ids files of other generations and temporary files left by an interrupted save."""
    for entry in directory.iterdir():
        stale = (_GENERATION_FILE.match(entry.name) and entry.name not in keep) or (
            _OUR_TEMP_FILE.match(entry.name) is not None
        )
        if stale:
            entry.unlink(missing_ok=True)
