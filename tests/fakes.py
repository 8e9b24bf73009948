"""A tiny deterministic embedder for fast tests: texts that share words get close vectors.

Import it as `from tests.fakes import HashEmbedder` (tests/ is a package).
"""
from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Sequence
from functools import lru_cache

import numpy as np

_WORD = re.compile(r"\w+")


@lru_cache(maxsize=65536)
def _token_vector(token: str, dim: int) -> np.ndarray:
    seed = int.from_bytes(hashlib.sha256(token.encode("utf-8")).digest()[:8], "little")
    return np.random.default_rng(seed).standard_normal(dim).astype(np.float32)


class HashEmbedder:
    """Sum of one fixed random vector per lower-cased word token, L2-normalised.

    Same text -> same vector in every process (sha256 seeds, not Python's salted `hash`). Queries and
    passages are embedded alike. `calls` counts the texts embedded so far, for cache tests.
    """

    name = "fake-hash"
    dim = 64

    def __init__(self, name: str | None = None) -> None:
        if name is not None:
            self.name = name
        self.calls = 0

    def _one(self, text: str) -> np.ndarray:
        tokens = _WORD.findall(text.lower()) or ["<empty>"]
        v = np.sum([_token_vector(t, self.dim) for t in tokens], axis=0)
        norm = float(np.linalg.norm(v))
        return (v / norm if norm > 0 else _token_vector("<empty>", self.dim)).astype(np.float32)

    def _embed(self, texts: Sequence[str]) -> np.ndarray:
        self.calls += len(texts)
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        out = np.stack([self._one(t) for t in texts]).astype(np.float32)
        return out / np.linalg.norm(out, axis=1, keepdims=True)

    def embed_passages(
        self,
        texts: Sequence[str],
        *,
        batch_size: int = 32,
        progress: Callable[[int, int], None] | None = None,
    ) -> np.ndarray:
        out = self._embed(list(texts))
        if progress is not None:
            for done in range(0, len(texts), batch_size):
                progress(min(done + batch_size, len(texts)), len(texts))
        return out

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._embed(list(texts))
