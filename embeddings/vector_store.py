"""One interface over the vector stores (FAISS embedded, Milvus), chosen by name, with one results
contract; the backends are imported only when a store of their kind is built or loaded.

Contract: vectors are L2-normalised, scores are inner products (cosines), `search` returns up to `k`
(id, score) pairs best first, and a `Where` filter is applied inside the search (never after fetching),
so a filter never costs results that exist. Each vector carries scalar attributes (a string, or a list
of integers) that a `Where` tests; the caller decides what they mean.
"""
from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

import numpy as np

from embeddings.store_base import (  # the filter and its attributes: importable from here as before
    APPROXIMATE_ABOVE,
    STORES,
    Attributes,
    StoreError,
    Where,
    read_manifest,
)

__all__ = ["APPROXIMATE_ABOVE", "STORES", "Attributes", "VectorStore", "Where", "build_store", "drop_store",
           "load_store"]

log = logging.getLogger(__name__)


class VectorStore(Protocol):
    """What the index needs from a store, whichever backend holds the vectors."""

    kind: str
    model: str
    dim: int

    @property
    def index_type(self) -> str: ...

    def __len__(self) -> int: ...

    def search(self, query: np.ndarray, k: int, where: Where | None = None) -> list[tuple[str, float]]:
        """Up to `k` (id, score) pairs, best first; with `where`, only matching vectors compete."""

    def scores(self, query: np.ndarray, ids: Sequence[str]) -> np.ndarray:
        """The exact score of each given id (in that order), e.g. for lexical candidates."""

    def save(self, directory: Path) -> None:
        """Make the store durable and write its manifest into `directory` (the commit point)."""


def build_store(kind: str, ids: Sequence[str], vectors: np.ndarray, model: str,
                attributes: Sequence[Attributes] | None = None, *, milvus_uri: str = "",
                collection: str = "") -> VectorStore:
    """A new store of the given kind holding the vectors (Milvus: in `collection` at `milvus_uri`)."""
    if kind == "faiss":
        from embeddings.store import FaissStore
        return FaissStore.build(ids, vectors, model, attributes)
    if kind == "milvus":
        from embeddings.milvus_store import MilvusStore
        return MilvusStore.build(ids, vectors, model, attributes, uri=milvus_uri, collection=collection)
    raise ValueError(f"unknown store {kind!r}; expected one of {', '.join(STORES)}")


def load_store(directory: Path, model: str, *, milvus_uri: str = "") -> VectorStore:
    """The store whose manifest is in `directory`, of whatever kind it was built as."""
    from embeddings.store import FaissStore
    manifest = read_manifest(directory)
    if manifest.backend == "milvus":
        from embeddings.milvus_store import MilvusStore
        return MilvusStore.load(directory, model, uri=milvus_uri)
    return FaissStore.load(directory, model)


def drop_store(directory: Path, *, milvus_uri: str = "") -> None:
    """Free what a saved store holds outside `directory` (a Milvus collection); files are the caller's."""
    try:
        manifest = read_manifest(directory)
    except StoreError as exc:
        log.info("nothing to drop outside %s: %s", directory, exc)
        return
    if manifest.backend == "milvus":
        from embeddings.milvus_store import drop_collection
        drop_collection(milvus_uri, manifest.collection)
