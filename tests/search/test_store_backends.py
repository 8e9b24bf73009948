"""The end-to-end retrieval checks on the seeds with the real default model, against both vector stores.

The Milvus home is built from the session's FAISS home's embedding cache, so switching embeds nothing.
Both backends search exactly at this size (FAISS IndexFlatIP, Milvus FLAT) over the same float32
vectors, and the retriever scores every candidate from the same stored vectors with the same numpy
product, so the passages must be identical; the one way they could legitimately differ is an exact tie
in dense score at the edge of the dense candidate list (60th place), which would swap one candidate.
"""
from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from qa.index.filters import Filters
from tests.answers.test_end_to_end import ANNEX_TARGET, CITY_SENTENCE, cited

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]
DEV = ROOT.parent / "shared" / "eval" / "dev.jsonl"
STORES = ("faiss", "milvus")


def _cli(*args: str, home: Path, store: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, VANBAN_HOME=str(home), VANBAN_STORE=store)
    return subprocess.run([sys.executable, "-m", "qa.cli", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=600)


def _copy_cache(seeds_home: Path, home: Path) -> None:
    """The embedding cache as another data directory would have it (SQLite's backup: WAL pages included)."""
    home.mkdir(parents=True)
    with sqlite3.connect(seeds_home / "cache.sqlite") as src, sqlite3.connect(home / "cache.sqlite") as dst:
        src.backup(dst)


@pytest.fixture(scope="session")
def milvus_assistant(seeds_home, assistant, tmp_path_factory):
    """The seeds in Milvus Lite, vectors from the FAISS home's cache (the model stays loaded)."""
    from qa.assistant import Assistant
    from qa.config import Settings
    home = tmp_path_factory.mktemp("vanban-milvus") / "home"
    _copy_cache(seeds_home, home)
    milvus = Assistant(Settings(home=home, store="milvus"), embedder=assistant.embedder)
    report = milvus.build([ROOT / "seeds"])
    assert report.embedded == 0 and report.chunks == len(assistant.index.chunks)
    return milvus


@pytest.fixture(params=STORES)
def each_store(request, assistant, milvus_assistant):
    return assistant if request.param == "faiss" else milvus_assistant


def test_the_stores_are_what_they_say(assistant, milvus_assistant):
    assert assistant.index.store.kind == "faiss" and assistant.index.store.index_type == "IndexFlatIP"
    assert milvus_assistant.index.store.kind == "milvus" and milvus_assistant.index.store.index_type == "FLAT"


@pytest.mark.parametrize("question", ["chỉ tiêu giao quân năm 2022", "chi tieu giao quan nam 2022"])
def test_the_users_example_on_each_store(each_store, question):
    answer = each_store.ask(question, 5)
    assert not answer.abstained
    assert cited(answer, each_store, *ANNEX_TARGET) and cited(answer, each_store, *CITY_SENTENCE)


def test_abstention_on_each_store(each_store):
    answer = each_store.ask("Thành phố Đà Nẵng đặt chỉ tiêu giao quân năm 2022 thế nào?", 5)
    assert answer.abstained


def test_both_stores_give_the_same_passages_for_every_dev_question(assistant, milvus_assistant):
    if not DEV.exists():
        pytest.skip("the shared development set is not beside this checkout")
    questions = [json.loads(line)["question"]
                 for line in DEV.read_text(encoding="utf-8").splitlines() if line.strip()]
    for question in questions:
        a, b = assistant.ask(question, 5), milvus_assistant.ask(question, 5)
        assert a.abstained == b.abstained, question
        assert ([p.hit.chunk.chunk_id for p in a.passages]
                == [p.hit.chunk.chunk_id for p in b.passages]), question
        assert [round(p.hit.score, 5) for p in a.passages] == [round(p.hit.score, 5) for p in b.passages]
        assert a.text == b.text


@pytest.mark.parametrize("filters", [Filters(year=2022), Filters(year=2021, quarter=1),
                                     Filters(doc_type="Kết luận"), Filters(doc="004_d7018a7c681a6f88.txt"),
                                     Filters(quarter=2)])
def test_filtered_questions_agree_and_respect_the_filter(assistant, milvus_assistant, filters):
    for question in ["chỉ tiêu giao quân", "kết quả phát triển kinh tế", "xây dựng Đảng"]:
        a, b = assistant.ask(question, 5, filters), milvus_assistant.ask(question, 5, filters)
        assert [p.hit.chunk.chunk_id for p in a.passages] == [p.hit.chunk.chunk_id for p in b.passages]
        docs = assistant.index.documents
        assert all(filters.allows(p.hit.chunk.doc_id, docs[p.hit.chunk.doc_id].metadata) for p in a.passages)


def test_the_cli_switches_store_with_one_setting_and_embeds_nothing(seeds_home, milvus_assistant, tmp_path):
    home = tmp_path / "home"
    _copy_cache(seeds_home, home)
    out = _cli("index", str(ROOT / "seeds"), "--json", home=home, store="milvus")
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["embedded"] == 0
    out = _cli("ask", "chỉ tiêu giao quân năm 2022", "--json", home=home, store="milvus")
    assert out.returncode == 0, out.stderr
    want = milvus_assistant.ask("chỉ tiêu giao quân năm 2022", 5)
    assert [p["chunk_id"] for p in json.loads(out.stdout)["passages"]] == [
        p.hit.chunk.chunk_id for p in want.passages]
    wrong = _cli("ask", "chỉ tiêu giao quân năm 2022", home=home, store="faiss")
    assert wrong.returncode == 4 and "vanban index" in wrong.stderr and "Traceback" not in wrong.stderr


def test_a_milvus_lite_file_held_by_another_process_is_a_clear_message(milvus_assistant):
    milvus_assistant.index  # this process holds the Milvus Lite file, as `vanban serve` would
    out = _cli("ask", "chỉ tiêu giao quân năm 2022", home=milvus_assistant.settings.home, store="milvus")
    assert out.returncode == 2 and "Milvus Lite" in out.stderr and "Traceback" not in out.stderr
