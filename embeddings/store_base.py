"""What every vector store shares: the filter (`Where`), attributes, errors, the saved manifest and the
atomic file write that makes the manifest a commit point.

A module of its own so the FAISS store (`store`), the Milvus store (`milvus_store`) and the interface with
its factories (`vector_store`) import from here instead of from one another (no import circle), and so
reading a manifest (`read_manifest`) loads neither FAISS nor pymilvus. Only the standard library and the
leaf `qa.errors`.
"""
from __future__ import annotations

import json
import math
import os
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from qa.errors import VanbanError

Attributes = Mapping[str, "str | Sequence[int]"]
STORES = ("faiss", "milvus")
APPROXIMATE_ABOVE = 200_000
"""Above this many vectors a store switches from exact search to an IVF index (benchmarks/bench_stores.py:
exact search over 200k vectors takes ~20 ms on one core; over 10^6, ~100-170 ms)."""
MANIFEST = "manifest.json"
FORMAT = 2
"""Layout of a saved store, checked on load (a store of another format is refused, and re-indexing
rebuilds it from the embedding cache). 2: attributes file (filters inside the search), IVF above the
threshold. Kept here, not in `qa.versions`: the store is this package's own format."""


class StoreError(VanbanError):
    """A store that cannot be used as asked (damaged files, Milvus unreachable, a dropped collection).

    A `VanbanError` (Vietnamese first, then English), so it reaches the user as text with exit code 2.
    """


class StoreNotFoundError(StoreError, FileNotFoundError):
    """No saved store in the directory (nothing has been indexed yet)."""


class StoreMismatchError(StoreError):
    """The saved store was built with another model than the one asked for (exit code 4, as for an index
    built with another model)."""

    def __init__(self, vi: str, en: str) -> None:
        super().__init__(vi, en, exit_code=4)


@dataclass(frozen=True)
class Where:
    """A conjunction of conditions on a vector's attributes: `field == value` and `value in field`."""

    equals: tuple[tuple[str, str], ...] = ()
    contains: tuple[tuple[str, int], ...] = ()

    def matches(self, attributes: Attributes) -> bool:
        return all(attributes.get(f) == v for f, v in self.equals) and all(
            v in attributes.get(f, ()) for f, v in self.contains)

    def expression(self) -> str:
        """The same filter as a Milvus boolean expression (string literals JSON-quoted)."""
        terms = [f"{f} == {json.dumps(v, ensure_ascii=False)}" for f, v in self.equals]
        terms += [f"array_contains({f}, {int(v)})" for f, v in self.contains]
        return " and ".join(terms)

    def __bool__(self) -> bool:
        return bool(self.equals or self.contains)


@dataclass
class StoreManifest:
    """What a saved store was built with; read without loading the index via `read_manifest`."""

    model: str
    dim: int
    count: int
    backend: str = "faiss"
    index_type: str = "IndexFlatIP"
    params: dict[str, int] = field(default_factory=dict)
    """IVF: nlist, nprobe."""
    metric: str = "inner_product"
    faiss_version: str = ""
    """FAISS: the library version that wrote the index (informative)."""
    created: str = ""
    saved: str = ""
    generation: int = 0
    files: dict[str, str] = field(default_factory=dict)
    sha256: dict[str, str] = field(default_factory=dict)
    collection: str = ""
    """Milvus: the collection holding the vectors."""
    uri: str = ""
    """Milvus: where the collection was built (informative; the settings say where to connect)."""
    format: int = FORMAT


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


def check_model(manifest: StoreManifest, model: str) -> None:
    """Refuse a store built with another embedding model (its vectors mean something else)."""
    if manifest.model != model:
        raise StoreMismatchError(
            f"Chỉ mục được tạo bằng mô hình {manifest.model}, nhưng đang truy vấn bằng {model}; "
            "hãy chạy `vanban index --rebuild`.",
            f"Index built with {manifest.model}, asked with {model}; run `vanban index --rebuild`.",
        )


def ivf_parameters(n: int) -> tuple[int, int]:
    """(nlist, nprobe) for n vectors: ~2 sqrt(n) lists, a tenth of them probed (recall@10 >= 0.95
    measured); both stores use them, so FAISS and Milvus answer alike above the threshold."""
    nlist = max(1, int(round(2 * math.sqrt(n))))
    return nlist, max(1, nlist // 10)


def write_atomic(path: Path, data: bytes) -> None:
    """Write to a temporary file beside `path`, flush it to disk, then rename it over `path`, so a crash
    leaves the old file or the new one, never a torn one."""
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
    """The rename itself survives a power loss only once the directory is flushed too."""
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


def now() -> str:
    """UTC time of day to the second, as manifests record it."""
    return datetime.now(UTC).isoformat(timespec="seconds")
