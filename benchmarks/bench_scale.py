"""The largest corpus that indexes in reasonable time here, end to end (run by hand, `nice -n 10`):

    python benchmarks/bench_scale.py [--copies 25] [--keep DIR]

Writes `copies` distinct versions of every seed (benchmarks/variants.py: other years, figures and place
names, so nothing is de-duplicated), indexes them from empty (model loaded first), and measures the encode
rate on the way; then `vanban ask` from process start to answer, and warm in-process p50/p95 over the
questions of benchmarks/load_test.py (comparisons apart: they look at every chunk); then projects indexing
10^6 chunks from the measured rates.
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.load_test import load_questions, machine, percentile  # noqa: E402
from benchmarks.variants import write_copies  # noqa: E402
from embeddings.models import load_embedder  # noqa: E402
from qa.assistant import Assistant  # noqa: E402
from qa.config import SEEDS_DIR, Settings  # noqa: E402

TARGET = 10**6
COLD_RUNS = 3


def index(home: Path, corpus: Path) -> dict:
    """Index `corpus` into an empty `home`; the whole time and the embedding stage's own time."""
    settings = Settings.from_env(home=home)
    t = time.perf_counter()
    embedder = load_embedder(settings.model)
    load_seconds = time.perf_counter() - t
    marks: dict[str, float] = {}

    def progress(stage: str, done: int, total: int) -> None:
        now = time.perf_counter()
        marks.setdefault(f"{stage}-first", now)
        marks[f"{stage}-last"] = now
        marks[f"{stage}-cpu"] = time.process_time()
        if stage == "embed" and (done // 256 > marks.get("shown", -1) or done == total):
            marks["shown"] = done // 256
            print(f"\r  embedded {done}/{total}", end="\n" if done == total else "", file=sys.stderr,
                  flush=True)

    assistant = Assistant(settings, embedder=embedder)
    t = time.perf_counter()
    report = assistant.build([corpus], progress=progress)
    total = time.perf_counter() - t
    embed_seconds = marks.get("embed-last", t) - marks.get("chunk-last", t)
    embed_cpu = marks.get("embed-cpu", 0.0) - marks.get("chunk-cpu", 0.0)
    return {"assistant": assistant, "report": report, "model_load": load_seconds, "total": total,
            "chunking": marks.get("chunk-last", t) - t, "embed": embed_seconds,
            "rate": report.embedded / embed_seconds if embed_seconds > 0 else float("nan"),
            "cpu_rate": report.embedded / embed_cpu if embed_cpu > 0 else float("nan"),
            "disk": sum(f.stat().st_size for f in home.rglob("*") if f.is_file())}


def cold_ask(home: Path, question: str) -> float:
    """`vanban ask --json` in a fresh process, start to answer."""
    t = time.perf_counter()
    subprocess.run([sys.executable, "-m", "qa.cli", "--home", str(home), "ask", question, "--json"], cwd=ROOT,
                   check=True, capture_output=True)
    return time.perf_counter() - t


def hours(seconds: float) -> str:
    return f"{seconds / 3600:.1f} h" if seconds >= 3600 else f"{seconds / 60:.0f} min"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--copies", type=int, default=25, help="versions of each seed (25: ~3,600 chunks)")
    parser.add_argument("--keep", type=Path, help="keep the corpus and data dir here instead of a temp dir")
    args = parser.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="vanban-scale-"))
    try:
        print(f"# {machine()}", flush=True)
        files = write_copies(SEEDS_DIR, work / "corpus", args.copies)
        size = sum(f.stat().st_size for f in files)
        built = index(work / "home", work / "corpus")
        report, assistant = built["report"], built["assistant"]
        questions = load_questions()
        colds = [cold_ask(work / "home", q) for q in questions[:COLD_RUNS]]
        assistant.ask(questions[0])  # loads the index, the BM25 model and the accent restorer
        warm: dict[bool, list[float]] = {False: [], True: []}  # by "answered period by period"
        for q in questions * 2:
            t = time.perf_counter()
            answer = assistant.ask(q)
            warm[getattr(answer, "comparison", None) is not None].append(time.perf_counter() - t)
        rate, overhead = built["rate"], built["total"] / max(built["embed"], 1e-9)
        rows = [
            ("corpus", f"{len(files)} files ({args.copies} versions of each seed), {size / 2**20:.1f} MiB"),
            ("chunks indexed / embedded", f"{report.chunks:,} / {report.embedded:,}"),
            ("model load", f"{built['model_load']:.1f} s"),
            ("index from empty (model loaded)", f"{built['total']:.0f} s ({hours(built['total'])})"),
            ("  of which reading + chunking", f"{built['chunking']:.0f} s"),
            ("  of which embedding", f"{built['embed']:.0f} s: **{rate:.1f} chunks/s**, "
                                     f"{built['cpu_rate']:.1f} chunks per CPU-second"),
            ("data dir on disk", f"{built['disk'] / 2**20:.0f} MiB"),
            ("`vanban ask --json`, process start to answer (median of 3)",
             f"{statistics.median(colds):.2f} s"),
            *((f"warm ask p50 / p95, {label} ({len(warm[kind])} asked)",
               f"{percentile(warm[kind], 50) * 1000:,.0f} / {percentile(warm[kind], 95) * 1000:,.0f} ms")
              for kind, label in ((False, "one-period questions"), (True, "comparisons, period by period"))
              if warm[kind]),
            (f"projection: embedding {TARGET:,} chunks here", hours(TARGET / rate)),
            (f"projection: embedding {TARGET:,} chunks, per core at the CPU-second rate",
             f"{TARGET / built['cpu_rate'] / 3600:,.0f} core-hours"),
            (f"projection: indexing {TARGET:,} chunks here (x{overhead:.2f} for the rest of the pipeline)",
             hours(TARGET / rate * overhead)),
        ]
        print("\n| measure | value |\n|---|---|")
        for name, value in rows:
            print(f"| {name} | {value} |")
        print(f"\n# after: load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
