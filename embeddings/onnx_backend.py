"""ONNX Runtime as the inference backend of the converted sentence-transformers folder, without torch.

`ensure_onnx(folder, "fp32" | "int8")` exports the folder's BertModel to ONNX once (the TorchScript
exporter, opset 17; torch is needed for this step only), for "int8" quantises its MatMul weights to int8
per output channel, and saves the graph after ONNX Runtime's "extended" optimisations (attention,
layer-norm and GELU fusions), so that later processes open it in ~0.7 s instead of ~2.5 s. Files go to
`onnx/` in the model folder (the layout sentence-transformers uses), each written under a temporary name
and renamed into place under a lock.

`OnnxEmbedder` runs that graph the way the folder's `modules.json` says (Transformer -> mean Pooling ->
Normalize, with its "query: " / "passage: " prompts) using only `tokenizers`, `onnxruntime` and numpy.
Importing torch and sentence-transformers costs ~4 s per process, more than a whole `vanban ask` may take;
the vectors are the same as sentence-transformers' own pipeline on the folder (tests/test_convert.py
checks cosine >= 0.9999 against `e5-small-torch`).
"""
from __future__ import annotations

import json
import logging
import os
import tempfile
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import numpy as np

from embeddings.base import PROMPTS, EmbedderError, Progress, file_lock, unit_rows

if TYPE_CHECKING:
    import onnxruntime as ort

Quantization = Literal["fp32", "int8"]

EXPORT_FILE = "onnx/model.onnx"
"""The plain export; used as the source when present (folders made before optimised files existed)."""

ONNX_FILES: dict[str, str] = {"fp32": "onnx/model_optimized.onnx",
                              "int8": "onnx/model_qint8_per_channel_optimized.onnx"}
"""Quantisation -> the optimised graph that is run."""

TOKEN_BUDGET = 512
"""Padded tokens per ONNX call. On a few CPU cores one passage per call is fastest (2 cores, ~180-token
passages: 24 passages/s alone, 16/s in batches of 32, where padding and the attention matrices grow);
short texts such as queries still share a call."""

OPSET = 17

log = logging.getLogger(__name__)


def export_onnx(folder: Path, target: Path) -> None:
    """Export the folder's BertModel (fp32) as a graph: (input_ids, attention_mask) -> last_hidden_state.

    Eager attention exports to plain MatMul/Softmax, which ONNX Runtime fuses itself; token type ids are
    always 0 here, so they are folded into the graph as a constant.
    """
    import warnings

    import torch
    from transformers import BertModel
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()
    verbosity = hf_logging.get_verbosity()
    hf_logging.set_verbosity_error()
    try:
        bert = BertModel.from_pretrained(str(folder), attn_implementation="eager", add_pooling_layer=False)
    finally:
        hf_logging.set_verbosity(verbosity)
    bert.eval()

    class _LastHiddenState(torch.nn.Module):
        def __init__(self, model: torch.nn.Module) -> None:
            super().__init__()
            self.model = model

        def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
            return self.model(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state

    ids = torch.tensor([[0, 5, 6, 7, 2], [0, 5, 2, 1, 1]])
    mask = (ids != 1).long()
    axes = {0: "batch", 1: "sequence"}
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the legacy exporter's deprecation and tracer notes
        torch.onnx.export(
            _LastHiddenState(bert), (ids, mask), str(target), input_names=["input_ids", "attention_mask"],
            output_names=["last_hidden_state"], opset_version=OPSET, dynamo=False,
            dynamic_axes={"input_ids": axes, "attention_mask": axes, "last_hidden_state": axes},
        )


def quantize_int8(source: Path, target: Path) -> None:
    """int8 weights, one scale per output channel, MatMul only.

    The defaults (per-tensor scales, embedding Gather quantised too) cost far more accuracy (cosine to the
    fp32 model about 0.98 instead of 0.996); the embeddings stay fp32 here.
    """
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    root = logging.getLogger()
    level = root.level
    root.setLevel(logging.ERROR)  # the quantiser logs advice to the root logger
    try:
        quantize_dynamic(
            str(source), str(target), weight_type=QuantType.QInt8, per_channel=True,
            op_types_to_quantize=["MatMul"],
            # Without it, shape inference fails on this export ("DefaultTensorType" is ORT's own option).
            extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT},
        )
    finally:
        root.setLevel(level)


def optimize(source: Path, target: Path) -> None:
    """Save `source` after ONNX Runtime's extended graph optimisations (portable across CPUs, unlike
    "all")."""
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_EXTENDED
    options.optimized_model_filepath = str(target)
    options.log_severity_level = 3
    ort.InferenceSession(str(source), sess_options=options, providers=["CPUExecutionProvider"])


def ensure_onnx(folder: Path, quantization: Quantization) -> Path:
    """The optimised ONNX file for `quantization` in the converted `folder`, made first if missing."""
    if quantization not in ONNX_FILES:
        raise ValueError(f"unknown quantization {quantization!r}; expected one of {sorted(ONNX_FILES)}")
    folder = Path(folder)
    target = folder / ONNX_FILES[quantization]
    if target.is_file():
        return target
    with file_lock(folder.parent / f".{folder.name}.lock"):
        if target.is_file():
            return target
        target.parent.mkdir(exist_ok=True)
        with tempfile.TemporaryDirectory(prefix=".export-", dir=target.parent) as tmp:
            source = folder / EXPORT_FILE
            if not source.is_file():  # the plain export is 470 MB: keep only the optimised graph
                source = Path(tmp) / "model_fp32.onnx"
                export_onnx(folder, source)
            if quantization == "int8":
                quantized = Path(tmp) / "model_int8.onnx"
                quantize_int8(source, quantized)
                source = quantized
            partial = Path(tmp) / target.name
            optimize(source, partial)
            _make_readable(partial)
            os.replace(partial, target)
    return target


def _make_readable(path: Path) -> None:
    """Temporary files are created private; the model files get the usual permissions."""
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(path, 0o666 & ~umask)


def _session(path: Path, threads: int | None) -> ort.InferenceSession:
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    if threads:
        options.intra_op_num_threads = int(threads)
    options.log_severity_level = 3  # errors only: no notes on stderr about unused initialisers
    available = ort.get_available_providers()
    providers = [p for p in ("CUDAExecutionProvider", "CPUExecutionProvider") if p in available]
    return ort.InferenceSession(str(path), sess_options=options, providers=providers or available)


EXPECTED_MODULES = ("Transformer", "Pooling", "Normalize")


def _read_json(path: Path) -> dict | list:
    return json.loads(path.read_text(encoding="utf-8"))


class OnnxEmbedder:
    """A sentence-transformers folder (Transformer -> mean Pooling -> Normalize) run by ONNX Runtime.

    Texts are tokenised once, sorted longest first and packed into calls of at most `TOKEN_BUDGET` padded
    tokens (and `batch_size` texts), so a call pads little and never builds large attention matrices.
    ONNX Runtime's `run` is thread-safe, so concurrent questions need no lock.
    """

    def __init__(self, folder: Path, quantization: Quantization, *, name: str,
                 threads: int | None = None) -> None:
        from tokenizers import Tokenizer

        self.folder = Path(folder)
        self.name = name
        modules = [m["type"].rsplit(".", 1)[-1] for m in _read_json(self.folder / "modules.json")]
        pooling = _read_json(self.folder / "1_Pooling" / "config.json")
        if tuple(modules) != EXPECTED_MODULES or not pooling.get("pooling_mode_mean_tokens"):
            raise EmbedderError(
                f"Thư mục mô hình {self.folder} không phải dạng Transformer + mean pooling + Normalize.",
                f"Model folder {self.folder} is not Transformer + mean pooling + Normalize ({modules}).",
            )
        prompts = _read_json(self.folder / "config_sentence_transformers.json").get("prompts")
        if not prompts:
            log.info("%s names no prompts: using the e5 ones", self.folder)
            prompts = PROMPTS
        self._query_prompt = prompts.get("query", "")
        self._passage_prompt = prompts.get("passage", prompts.get("document", ""))
        max_len = int(_read_json(self.folder / "sentence_bert_config.json")["max_seq_length"])
        onnx_file = ensure_onnx(self.folder, quantization)
        # Both loads take about half a second and release the GIL: overlap them (a CLI start-up cost).
        with ThreadPoolExecutor(max_workers=1) as pool:
            tokenizer = pool.submit(Tokenizer.from_file, str(self.folder / "tokenizer.json"))
            self._session = _session(onnx_file, threads)
            self._tokenizer = tokenizer.result()
        self._tokenizer.no_padding()
        self._tokenizer.enable_truncation(max_length=max_len)
        self._pad_id = self._tokenizer.token_to_id("<pad>") or 0
        self.dim = int(self._session.get_outputs()[0].shape[-1])

    def embed_passages(
        self, texts: Sequence[str], *, batch_size: int = 32, progress: Progress | None = None
    ) -> np.ndarray:
        return self._embed(texts, self._passage_prompt, batch_size, progress)

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._embed(texts, self._query_prompt, 32, None)

    def _embed(self, texts: Sequence[str], prompt: str, batch_size: int,
               progress: Progress | None) -> np.ndarray:
        if isinstance(texts, str):
            raise TypeError("texts must be a sequence of strings, not a single string")
        if batch_size <= 0:
            raise ValueError("batch_size must be positive")
        ids = [e.ids for e in self._tokenizer.encode_batch([prompt + t for t in texts])]
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        done = 0
        for batch in _packed(ids, batch_size):
            out[batch] = self._mean_pooled([ids[i] for i in batch])
            done += len(batch)
            if progress is not None:
                progress(done, len(texts))
        return unit_rows(out, self.dim)

    def _mean_pooled(self, ids: list[list[int]]) -> np.ndarray:
        width = max(len(x) for x in ids)
        input_ids = np.full((len(ids), width), self._pad_id, dtype=np.int64)
        mask = np.zeros((len(ids), width), dtype=np.int64)
        for row, x in enumerate(ids):
            input_ids[row, : len(x)] = x
            mask[row, : len(x)] = 1
        hidden = self._session.run(None, {"input_ids": input_ids, "attention_mask": mask})[0]
        weights = mask[..., None].astype(np.float32)
        return (hidden * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)


def _packed(ids: list[list[int]], batch_size: int) -> list[list[int]]:
    """Positions of `ids`, longest first, grouped so that a group padded to its longest stays in budget."""
    order = sorted(range(len(ids)), key=lambda i: -len(ids[i]))
    groups: list[list[int]] = []
    for i in order:
        group = groups[-1] if groups else None
        # longest first: the group's width is its first member's length
        if group and len(group) < batch_size and (len(group) + 1) * len(ids[group[0]]) <= TOKEN_BUDGET:
            group.append(i)
        else:
            groups.append([i])
    return groups
