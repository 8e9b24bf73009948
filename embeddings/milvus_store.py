"""Vector store in Milvus (pymilvus): a local file URI runs Milvus Lite in-process, http://host:19530 a
server.

One collection per index generation; the generation's `store/manifest.json` names it and is written
after the collection is flushed, so a crash mid-build leaves an orphan collection (dropped by the next
build, `prune_collections`) and the previous generation answering. Filters are pushed down as a Milvus
boolean expression over scalar fields (`Where.expression`); the scores of given ids come from fetching
their vectors by primary key, so no copy of the vectors is kept in this process.
"""
from __future__ import annotations

import contextlib
import json
import logging
from collections.abc import Iterator, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from embeddings.store_base import (
    APPROXIMATE_ABOVE,
    MANIFEST,
    Attributes,
    StoreError,
    StoreManifest,
    Where,
    check_model,
    ivf_parameters,
    now,
    read_manifest,
    write_atomic,
)

ID_LENGTH = 2048
TEXT_LENGTH = 2048
ARRAY_CAPACITY = 512
INSERT_BATCH = 2000

if TYPE_CHECKING:
    from pymilvus import MilvusClient

log = logging.getLogger(__name__)


def is_server(uri: str) -> bool:
    """A Milvus server URI, as opposed to a Milvus Lite file path (which only one process may open)."""
    return uri.startswith(("http://", "https://", "tcp://", "grpc://"))


@contextlib.contextmanager
def _quiet() -> Iterator[None]:
    """Milvus Lite and pymilvus log a traceback before raising; the caller reports the error instead."""
    loggers = [logging.getLogger(n) for n in ("milvus_lite", "pymilvus")]
    levels = [lg.level for lg in loggers]
    for lg in loggers:
        lg.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        for lg, level in zip(loggers, levels):
            lg.setLevel(level)


def connect(uri: str) -> MilvusClient:
    """A MilvusClient for `uri` (connections are shared per URI by pymilvus), or a bilingual StoreError."""
    from pymilvus import MilvusClient
    from pymilvus.exceptions import MilvusException
    if not uri:
        raise ValueError("a Milvus URI is required")
    if not is_server(uri):
        Path(uri).parent.mkdir(parents=True, exist_ok=True)
        # Milvus Lite serves pymilvus from a gRPC thread in this process and lacks AllocTimestamp, which
        # pymilvus asks for while building; grpc logs that as an error with a traceback: not ours to show.
        logging.getLogger("grpc._server").setLevel(logging.CRITICAL)
    try:
        with _quiet():
            return MilvusClient(uri=uri, timeout=10)
    except MilvusException as exc:
        if is_server(uri):
            raise StoreError(
                f"Không kết nối được máy chủ Milvus tại {uri} ({exc.message or type(exc).__name__}); "
                "hãy kiểm tra máy chủ đang chạy và VANBAN_MILVUS_URI.",
                f"Cannot reach the Milvus server at {uri} ({exc.message or type(exc).__name__}); "
                "check that it is running and VANBAN_MILVUS_URI.",
            ) from exc
        raise StoreError(
            f"Không mở được tệp Milvus Lite {uri}: có thể một tiến trình vanban khác (ví dụ `vanban serve`) "
            "đang dùng nó. Milvus Lite chỉ cho một tiến trình; để dùng chung, hãy chạy máy chủ Milvus và "
            "đặt VANBAN_MILVUS_URI=http://host:19530.",
            f"Cannot open the Milvus Lite file {uri}: another vanban process (e.g. `vanban serve`) may be "
            "using it. Milvus Lite allows one process; to share, run a Milvus server and set "
            "VANBAN_MILVUS_URI=http://host:19530.",
        ) from exc


@contextlib.contextmanager
def _reported(uri: str) -> Iterator[None]:
    """A Milvus failure during a search (server gone, collection dropped) as a bilingual StoreError."""
    from pymilvus.exceptions import MilvusException
    try:
        with _quiet():
            yield
    except MilvusException as exc:
        raise StoreError(f"Milvus tại {uri} báo lỗi: {exc.message or type(exc).__name__}.",
                         f"Milvus at {uri} failed: {exc.message or type(exc).__name__}.") from exc


class MilvusStore:
    """The vectors of one index generation in one Milvus collection (id, vector, attribute fields)."""

    kind = "milvus"

    def __init__(self, client: MilvusClient, uri: str, collection: str, model: str, dim: int, count: int,
                 index_type: str, params: dict[str, int]) -> None:
        self._client = client
        self.uri = uri
        self.collection = collection
        self.model = model
        self.dim = dim
        self._count = count
        self._index_type = index_type
        self._params = params
        self._created = now()

    @classmethod
    def build(cls, ids: Sequence[str], vectors: np.ndarray, model: str,
              attributes: Sequence[Attributes] | None = None, *, uri: str, collection: str,
              approximate_above: int = APPROXIMATE_ABOVE) -> MilvusStore:
        """Create `collection` (replacing one of that name), insert, index and load it.

        FLAT (exact) up to `approximate_above` vectors, IVF_FLAT with the FAISS store's parameters above.
        """
        from pymilvus import DataType, MilvusClient
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        if vectors.ndim != 2 or len(ids) != len(vectors):
            raise ValueError(f"{len(ids)} ids for vectors of shape {vectors.shape}")
        attributes = list(attributes) if attributes is not None else [{}] * len(ids)
        client = connect(uri)
        if client.has_collection(collection):
            client.drop_collection(collection)
        schema = MilvusClient.create_schema(auto_id=False, enable_dynamic_field=False)
        schema.add_field("id", DataType.VARCHAR, is_primary=True, max_length=ID_LENGTH)
        schema.add_field("vector", DataType.FLOAT_VECTOR, dim=vectors.shape[1])
        for name, value in (attributes[0] if attributes else {}).items():
            if isinstance(value, str):
                schema.add_field(name, DataType.VARCHAR, max_length=TEXT_LENGTH)
            else:
                schema.add_field(name, DataType.ARRAY, element_type=DataType.INT64,
                                 max_capacity=ARRAY_CAPACITY)
        client.create_collection(collection, schema=schema)
        for start in range(0, len(ids), INSERT_BATCH):
            end = min(start + INSERT_BATCH, len(ids))
            client.insert(collection, [
                {"id": ids[n], "vector": vectors[n], **{k: v if isinstance(v, str) else [int(x) for x in v]
                                                         for k, v in attributes[n].items()}}
                for n in range(start, end)])
        client.flush(collection)
        if len(ids) > approximate_above:
            nlist, nprobe = ivf_parameters(len(ids))
            index_type, build, params = "IVF_FLAT", {"nlist": nlist}, {"nlist": nlist, "nprobe": nprobe}
        else:
            index_type, build, params = "FLAT", {}, {}
        index_params = client.prepare_index_params()
        index_params.add_index(field_name="vector", index_type=index_type, metric_type="IP", params=build)
        client.create_index(collection, index_params)
        client.load_collection(collection)
        return cls(client, uri, collection, model, vectors.shape[1], len(ids), index_type, params)

    @property
    def index_type(self) -> str:
        extra = ", ".join(f"{k}={v}" for k, v in self._params.items())
        return f"{self._index_type}({extra})" if extra else self._index_type

    def __len__(self) -> int:
        return self._count

    def search(self, query: np.ndarray, k: int, where: Where | None = None) -> list[tuple[str, float]]:
        """Up to `k` (id, score) pairs, best first, the filter evaluated by Milvus inside the search.

        With IVF_FLAT a filter can leave the probed lists short of `k` matches; then every list is probed
        (an exact filtered search), so a filter never costs results that exist.
        """
        q = self._query(query)
        if k <= 0 or self._count == 0:
            return []
        k = min(k, self._count)
        hits = self._search(q, k, where, self._params.get("nprobe"))
        if len(hits) < k and self._index_type != "FLAT":
            log.debug("IVF_FLAT search found %d of %d: probing every list", len(hits), k)
            hits = self._search(q, k, where, self._params["nlist"])
        return hits

    def _search(self, q: list[float], k: int, where: Where | None,
                nprobe: int | None) -> list[tuple[str, float]]:
        params: dict = {"metric_type": "IP"}
        if nprobe:
            params["params"] = {"nprobe": nprobe}
        with _reported(self.uri):
            result = self._client.search(self.collection, data=[q], limit=k,
                                         filter=where.expression() if where else "", output_fields=["id"],
                                         search_params=params)
        return [(str(hit["id"]), float(hit["distance"])) for hit in result[0]]

    def scores(self, query: np.ndarray, ids: Sequence[str]) -> np.ndarray:
        """The exact score of each given id, in that order, from its vector fetched by primary key."""
        q = np.asarray(self._query(query), dtype=np.float32)
        if not ids:
            return np.zeros(0, dtype=np.float32)
        with _reported(self.uri):
            rows = self._client.get(self.collection, ids=list(dict.fromkeys(ids)), output_fields=["vector"])
        by_id = {str(r["id"]): np.asarray(r["vector"], dtype=np.float32) for r in rows}
        missing = [i for i in ids if i not in by_id]
        if missing:
            raise KeyError(f"ids not in collection {self.collection}: {missing[:5]}")
        return np.stack([by_id[i] for i in ids]) @ q

    def save(self, directory: Path) -> None:
        """Flush the collection, then write the manifest naming it (the commit point of this store)."""
        self._client.flush(self.collection)
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        manifest = StoreManifest(model=self.model, dim=self.dim, count=self._count, backend="milvus",
                                 index_type=self._index_type, params=self._params, faiss_version="",
                                 created=self._created, saved=now(), collection=self.collection, uri=self.uri)
        data = json.dumps(asdict(manifest), indent=2, ensure_ascii=False).encode("utf-8")
        write_atomic(directory / MANIFEST, data)

    @classmethod
    def load(cls, directory: Path, model: str, *, uri: str) -> MilvusStore:
        """The collection named by the manifest in `directory`, at `uri`, loaded for search."""
        manifest = read_manifest(directory)
        check_model(manifest, model)
        client = connect(uri)
        if not client.has_collection(manifest.collection):
            raise StoreError(
                f"Không có collection {manifest.collection} trong Milvus tại {uri}; "
                "hãy chạy `vanban index --rebuild`.",
                f"No collection {manifest.collection} in Milvus at {uri}; run `vanban index --rebuild`.",
            )
        client.load_collection(manifest.collection)
        rows = int(client.get_collection_stats(manifest.collection).get("row_count", -1))
        if rows != manifest.count:
            raise StoreError(
                f"Collection {manifest.collection} có {rows} vectơ, chỉ mục cần {manifest.count}; "
                "hãy chạy `vanban index --rebuild`.",
                f"Collection {manifest.collection} holds {rows} vectors, the index expects {manifest.count}; "
                "run `vanban index --rebuild`.",
            )
        store = cls(client, uri, manifest.collection, manifest.model, manifest.dim, manifest.count,
                    manifest.index_type, dict(manifest.params))
        store._created = manifest.created or store._created
        return store

    def drop(self) -> None:
        """Drop this store's collection (benchmarks clean up with it; the index drops by name)."""
        self._client.drop_collection(self.collection)

    def _query(self, query: np.ndarray) -> list[float]:
        q = np.asarray(query, dtype=np.float32).reshape(-1)
        if q.shape[0] != self.dim:
            raise ValueError(f"expected a query of dim {self.dim}, got shape {np.shape(query)}")
        return q.tolist()


def drop_collection(uri: str, collection: str) -> None:
    """Drop a collection by name, if it is there (an old generation's, when it is collected)."""
    client = connect(uri)
    if collection and client.has_collection(collection):
        client.drop_collection(collection)


def prune_collections(uri: str, prefix: str, keep: set[str]) -> None:
    """Drop collections named with `prefix` but not in `keep` (left by a crash mid-build)."""
    client = connect(uri)
    for name in client.list_collections():
        if name.startswith(prefix) and name not in keep:
            client.drop_collection(name)
