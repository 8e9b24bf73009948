"""Indexing is transactional: `vanban index` killed (SIGKILL) in the middle of embedding leaves the previous
index loading and answering, and the next `vanban index` completes the job, embedding only the chunks
that the killed run had not already stored in the cache.

Runs the real CLI in subprocesses with the real default model, so it is slow.
"""
from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from embeddings.cache import COMMIT_EVERY
from qa.config import Settings

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "seeds"
MODEL = Settings().model
"""The real default model, named explicitly so VANBAN_MODEL in the environment cannot change it."""
VARIANTS = 2
"""Edited copies of every seed in the second folder: enough new chunks to pass one cache commit."""


def _env(home: Path) -> dict[str, str]:
    env = dict(os.environ, VANBAN_HOME=str(home), PYTHONUNBUFFERED="1")
    env.pop("VANBAN_MODEL", None)
    return env


def _cmd(*args: str) -> list[str]:
    return [sys.executable, "-m", "qa.cli", "--model", MODEL, *args]


def _run(home: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(_cmd(*args), check=False, cwd=ROOT, env=_env(home), capture_output=True, text=True,
                          timeout=1200)


def _cached(home: Path) -> int:
    path = home / "cache.sqlite"
    if not path.exists():
        return 0
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30)
    try:
        return db.execute("SELECT COUNT(*) FROM embeddings").fetchone()[0]
    except sqlite3.OperationalError:  # the table is being created
        return 0
    finally:
        db.close()


def _second_folder(tmp_path: Path) -> Path:
    """Edited copies of the seeds (a later revision of each): every line differs, so every chunk is new."""
    folder = tmp_path / "second"
    folder.mkdir()
    for seed in sorted(SEEDS.glob("*.txt")):
        text = seed.read_text(encoding="utf-8")
        for k in range(1, VARIANTS + 1):
            edited = "\n".join(f"{line} (bản sửa {k})" if line.strip() else line for line in text.split("\n"))
            (folder / f"{seed.stem}_sua-{k}.txt").write_text(edited, encoding="utf-8")
    return folder


def test_killed_index_keeps_the_previous_index_and_the_next_run_completes(tmp_path):
    home = tmp_path / "home"
    second = _second_folder(tmp_path)

    first = _run(home, "index", str(SEEDS), "--json")
    assert first.returncode == 0, first.stderr
    before = json.loads(first.stdout)
    generation = (home / "CURRENT").read_text()
    cached_before = _cached(home)
    assert cached_before == before["chunks"]

    # Start the bigger job and kill it once it has stored one batch of new vectors, mid-embedding.
    with open(tmp_path / "killed.out", "w") as out, open(tmp_path / "killed.err", "w") as err:
        proc = subprocess.Popen(_cmd("index", str(SEEDS), str(second)), cwd=ROOT, env=_env(home),
                                stdout=out, stderr=err)
        deadline = time.monotonic() + 1200
        try:
            while proc.poll() is None and _cached(home) == cached_before and time.monotonic() < deadline:
                time.sleep(0.1)
            assert proc.poll() is None, "the job finished before it could be killed: give it more to embed"
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait(timeout=60)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
    assert proc.returncode == -signal.SIGKILL
    committed = _cached(home) - cached_before
    assert committed == COMMIT_EVERY  # one batch stored, the rest lost with the process

    # The previous index is untouched, loads and answers.
    assert (home / "CURRENT").read_text() == generation
    asked = _run(home, "ask", "chỉ tiêu giao quân năm 2022", "--json")
    assert asked.returncode == 0, asked.stderr
    answer = json.loads(asked.stdout)
    assert not answer["abstained"] and answer["passages"][0]["doc"].startswith(("000_", "001_"))
    docs = json.loads(_run(home, "docs", "--json").stdout)
    assert len(docs) == before["documents"]

    # The next run completes the job and embeds only what the killed run had not stored.
    done = _run(home, "index", str(SEEDS), str(second), "--json")
    assert done.returncode == 0, done.stderr
    after = json.loads(done.stdout)
    new_chunks = after["chunks"] - before["chunks"]
    assert after["documents"] == before["documents"] * (1 + VARIANTS)
    assert (len(after["new"]) == before["documents"] * VARIANTS
            and after["unchanged"] == json.loads(first.stdout)["new"])
    assert new_chunks > COMMIT_EVERY
    # identical chunk texts are embedded once, so "remaining" is an upper bound; every vector embedded now
    # is a new row of the cache: nothing the killed run stored was embedded again
    assert 0 < after["embedded"] <= new_chunks - committed
    assert _cached(home) == cached_before + committed + after["embedded"]
    assert (home / "CURRENT").read_text() != generation

    asked = _run(home, "ask", "chỉ tiêu giao quân năm 2022 bản sửa 2", "--json")
    assert asked.returncode == 0, asked.stderr
    assert any("_sua-2" in p["doc"] for p in json.loads(asked.stdout)["passages"])
