"""Speed and memory of the whole pipeline on the seeds, printed as a table (run by hand: `make bench`).

Measures: cold indexing (empty data dir and empty cache), re-indexing unchanged documents, pure
encoding of the same chunk texts (so the pipeline's own overhead shows), warm `ask` latency p50/p95
over the dev questions (model loaded), `vanban ask` from process start to answer, peak memory.
"""
from __future__ import annotations

import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from embeddings.models import load_embedder  # noqa: E402
from qa.assistant import Assistant  # noqa: E402
from qa.config import SEEDS_DIR, Settings  # noqa: E402

DEV = ROOT.parent / "shared" / "eval" / "dev.jsonl"


def main() -> None:
    rows: list[tuple[str, str]] = []
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings.from_env(home=Path(tmp) / "home")
        embedder = load_embedder(settings.model, settings.models)
        assistant = Assistant(settings, embedder=embedder)
        t = time.perf_counter()
        report = assistant.build([SEEDS_DIR])
        cold = time.perf_counter() - t
        rows.append(("index seeds, cold (model loaded)", f"{cold:.2f} s ({report.chunks} chunks)"))
        texts = [c.index_text for c in assistant.index.chunks]
        t = time.perf_counter()
        embedder.embed_passages(texts)
        encode = time.perf_counter() - t
        rows.append(("pure encoding of the same chunk texts",
                     f"{encode:.2f} s ({len(texts) / encode:.1f} passages/s)"))
        rows.append(("indexing / pure encoding", f"{cold / encode:.2f}x"))
        t = time.perf_counter()
        assistant.build([SEEDS_DIR])
        rows.append(("re-index unchanged", f"{time.perf_counter() - t:.3f} s"))
        questions = [json.loads(line)["question"]
                     for line in DEV.read_text(encoding="utf-8").splitlines() if line.strip()]
        assistant.ask(questions[0])
        lat = []
        for q in questions:
            t = time.perf_counter()
            assistant.ask(q)
            lat.append((time.perf_counter() - t) * 1000)
        lat.sort()
        rows.append(("warm ask p50 / p95",
                     f"{statistics.median(lat):.1f} / {lat[int(0.95 * (len(lat) - 1))]:.1f} ms"))
        env = dict(os.environ, VANBAN_HOME=str(settings.home))
        starts = []
        for _ in range(3):
            t = time.perf_counter()
            subprocess.run([sys.executable, "-m", "qa.cli", "ask", "chỉ tiêu giao quân năm 2022"], cwd=ROOT,
                           env=env, check=True, capture_output=True)
            starts.append(time.perf_counter() - t)
        rows.append(("`vanban ask` process start to answer (median of 3)",
                     f"{statistics.median(starts):.2f} s"))
    rows.append(("peak memory (this process)",
                 f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB"))
    rows.append(("model, machine",
                 f"`{settings.model}`, {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}"))
    width = max(len(r[0]) for r in rows)
    print(f"| {'measure':<{width}} | value |\n|{'-' * (width + 2)}|-------|")
    for name, value in rows:
        print(f"| {name:<{width}} | {value} |")


if __name__ == "__main__":
    main()
