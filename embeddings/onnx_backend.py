"""ONNX Runtime as the inference backend of a sentence-transformers model, without Optimum.

`ensure_onnx(folder, "fp32" | "int8")` exports the converted BertModel of `embeddings.convert` to ONNX
once (the TorchScript exporter, opset 17) and, for "int8", quantises its MatMul weights to int8 per
output channel (dynamic quantisation: activations are quantised at run time). Files go to `onnx/` in the
model folder, the layout sentence-transformers itself uses, each written under a temporary name and
renamed into place under a lock.

`OnnxEncoder` is a sentence-transformers input module: it tokenises with the folder's `tokenizer.json`
and runs the ONNX graph, producing the token embeddings that the standard Pooling and Normalize modules
turn into sentence vectors. `onnx_sentence_transformer` assembles that pipeline, so batching, length
sorting, prompts, pooling and normalisation are sentence-transformers' own. (sentence-transformers'
built-in `backend="onnx"` needs Optimum, which does not support transformers 5.)
"""
from __future__ import annotations

import os
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal

from embeddings.convert import PROMPTS, file_lock

Quantization = Literal["fp32", "int8"]

ONNX_FILES: dict[str, str] = {"fp32": "onnx/model.onnx", "int8": "onnx/model_qint8_per_channel.onnx"}
"""Quantisation -> file in the model folder."""

OPSET = 17


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
    import logging

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


def ensure_onnx(folder: Path, quantization: Quantization) -> Path:
    """The ONNX file for `quantization` in the converted `folder`, exported first if missing."""
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
            partial = Path(tmp) / target.name
            if quantization == "fp32":
                export_onnx(folder, partial)
            else:
                fp32 = folder / ONNX_FILES["fp32"]
                source = fp32 if fp32.is_file() else Path(tmp) / "model_fp32.onnx"
                if source != fp32:  # keep only what was asked for: the fp32 file is 470 MB
                    export_onnx(folder, source)
                quantize_int8(source, partial)
            _make_readable(partial)
            os.replace(partial, target)
    return target


def _make_readable(path: Path) -> None:
    """Temporary files are created private; the model files get the usual permissions."""
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(path, 0o666 & ~umask)


def _input_module_base() -> type:
    try:  # sentence-transformers >= 6
        from sentence_transformers.base.modules import InputModule
    except ImportError:  # pragma: no cover - sentence-transformers 5
        from sentence_transformers.models import InputModule
    return InputModule


def _session(path: Path, threads: int | None):
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    if threads:
        options.intra_op_num_threads = int(threads)
    options.log_severity_level = 3  # errors only: no notes on stderr about unused initialisers
    available = ort.get_available_providers()
    providers = [p for p in ("CUDAExecutionProvider", "CPUExecutionProvider") if p in available]
    return ort.InferenceSession(str(path), sess_options=options, providers=providers or available)


def make_onnx_encoder(
    folder: Path, onnx_file: Path, *, max_seq_length: int = 512, threads: int | None = None
):
    """An `OnnxEncoder` (the class is built on first use so that importing this module stays light)."""
    return _onnx_encoder_class()(folder, onnx_file, max_seq_length=max_seq_length, threads=threads)


_ENCODER_CLASS: type | None = None


def _onnx_encoder_class() -> type:
    global _ENCODER_CLASS
    if _ENCODER_CLASS is not None:
        return _ENCODER_CLASS
    import numpy as np
    import torch
    from tokenizers import Tokenizer

    base = _input_module_base()

    class OnnxEncoder(base):  # type: ignore[misc, valid-type]
        """Tokeniser + ONNX Runtime session; writes `token_embeddings` for the Pooling module."""

        config_keys = ["max_seq_length"]

        def __init__(self, folder: Path, onnx_file: Path, *, max_seq_length: int = 512,
                     threads: int | None = None) -> None:
            super().__init__()
            self.folder = Path(folder)
            self.onnx_file = Path(onnx_file)
            self.max_seq_length = max_seq_length
            self.tokenizer = Tokenizer.from_file(str(self.folder / "tokenizer.json"))
            pad_id = self.tokenizer.token_to_id("<pad>")
            self.tokenizer.enable_padding(pad_id=pad_id, pad_token="<pad>")
            self.tokenizer.enable_truncation(max_length=max_seq_length)
            self.session = _session(self.onnx_file, threads)
            self._dim = int(self.session.get_outputs()[0].shape[-1])

        def preprocess(self, inputs: Sequence[str], prompt: str | None = None, **kwargs: Any) -> dict:
            texts = [prompt + t for t in inputs] if prompt else list(inputs)
            encodings = self.tokenizer.encode_batch(texts)
            ids = np.array([e.ids for e in encodings], dtype=np.int64)
            mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
            return {"input_ids": torch.from_numpy(ids), "attention_mask": torch.from_numpy(mask)}

        def tokenize(self, texts: list[str], **kwargs: Any) -> dict:  # sentence-transformers 5
            return self.preprocess(texts)

        def forward(self, features: dict, **kwargs: Any) -> dict:
            feed = {"input_ids": features["input_ids"].cpu().numpy(),
                    "attention_mask": features["attention_mask"].cpu().numpy()}
            hidden = self.session.run(None, feed)[0]
            features["token_embeddings"] = torch.from_numpy(hidden).to(features["attention_mask"].device)
            return features

        def get_word_embedding_dimension(self) -> int:
            return self._dim

        def get_embedding_dimension(self) -> int:
            return self._dim

        def save(self, output_path: str, *args: Any, **kwargs: Any) -> None:
            raise NotImplementedError("save the converted folder instead; this module only runs it")

    _ENCODER_CLASS = OnnxEncoder
    return OnnxEncoder


def onnx_sentence_transformer(folder: Path, quantization: Quantization, *, threads: int | None = None,
                              device: str = "cpu"):
    """A `SentenceTransformer` over the converted folder whose transformer runs in ONNX Runtime."""
    import json

    from sentence_transformers import SentenceTransformer

    try:  # sentence-transformers >= 6
        from sentence_transformers.base.modules import Normalize
        from sentence_transformers.sentence_transformer.modules import Pooling
    except ImportError:  # pragma: no cover - sentence-transformers 5
        from sentence_transformers.models import Normalize, Pooling

    folder = Path(folder)
    onnx_file = ensure_onnx(folder, quantization)
    max_len = json.loads((folder / "sentence_bert_config.json").read_text(encoding="utf-8"))["max_seq_length"]
    encoder = make_onnx_encoder(folder, onnx_file, max_seq_length=max_len, threads=threads)
    pooling = Pooling.load(str(folder / "1_Pooling"))
    st_config = json.loads((folder / "config_sentence_transformers.json").read_text(encoding="utf-8"))
    return SentenceTransformer(modules=[encoder, pooling, Normalize()], device=device,
                               prompts=st_config.get("prompts") or dict(PROMPTS),
                               default_prompt_name=st_config.get("default_prompt_name"))
