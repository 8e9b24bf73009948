"""Vector stores and the lexical index at 10^4-10^6 passages, printed as a markdown table (run by hand).

    nice -n 10 .venv/bin/python benchmarks/bench_stores.py [--sizes 10000 100000 1000000] [--home DIR]

Data: the seeds' real chunk vectors (default model e5-small, dim 384), read from the index in `--home`
(built from seeds/ in a temporary directory when not given), plus perturbed copies up to the size:
each copy is a random mixture of 2-3 seed vectors (Dirichlet(1) weights) plus gaussian noise of
norm ~0.35 (sigma 0.018 per dimension), renormalised, so the copies crowd around the real topics the
way a larger archive of similar documents would. Queries: the 48 dev questions embedded as queries,
each used as is and with 3 noisy copies (sigma 0.01), 192 in all. Recall@10 is measured against exact
search (FAISS flat) over the same vectors. Every store is built in a fresh subprocess so the memory
figure (RSS after build minus RSS before, vectors already loaded) is its own; latency is one query at
a time, as a user's question arrives.

Lexical side: synthetic passages made by recombining 3-8 random seed sentences, indexed by the
project's `LexicalIndex` (folded + accented bm25s, syllables and syllable pairs), query = the dev
questions' full `scores()` call that the retriever makes.
"""
from __future__ import annotations

import argparse
import gc
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

os.environ.setdefault("OMP_NUM_THREADS", "1")  # one core per query, as under many users; see README

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEV = ROOT.parent / "shared" / "eval" / "dev.jsonl"
WORK = Path(tempfile.gettempdir()) / "vanban-bench-stores"
K = 10
MIX_NOISE = 0.018
QUERY_NOISE = 0.01


def rss_mb() -> float:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def _questions() -> list[str]:
    return [json.loads(line)["question"]
            for line in DEV.read_text(encoding="utf-8").splitlines() if line.strip()]


def prepare(home: Path | None) -> None:
    """Seed chunk vectors, chunk texts and query vectors into WORK (once)."""
    if (WORK / "queries.npy").exists():
        return
    from embeddings.models import load_embedder
    from qa.assistant import Assistant
    from qa.config import SEEDS_DIR, Settings
    from qa.index.loaded import Index
    WORK.mkdir(parents=True, exist_ok=True)
    tmp = None
    if home is None:
        tmp = tempfile.mkdtemp()
        home = Path(tmp) / "home"
        Assistant(Settings(home=home)).build([SEEDS_DIR])
    settings = Settings(home=home)
    index = Index.load(settings)
    np.save(WORK / "seeds.npy", index.store.vectors())
    (WORK / "texts.json").write_text(json.dumps([c.full_text for c in index.chunks], ensure_ascii=False))
    rng = np.random.default_rng(1)
    q = load_embedder(settings.model).embed_queries(_questions())
    noisy = [q] + [q + rng.normal(0, QUERY_NOISE, q.shape).astype(np.float32) for _ in range(3)]
    queries = np.concatenate(noisy)
    np.save(WORK / "queries.npy", queries / np.linalg.norm(queries, axis=1, keepdims=True))
    if tmp:
        shutil.rmtree(tmp, ignore_errors=True)


def vectors(n: int) -> np.ndarray:
    """The seed vectors plus perturbed copies up to n (see the module docstring), cached as .npy."""
    path = WORK / f"base_{n}.npy"
    if path.exists():
        return np.load(path, mmap_mode=None)
    seeds = np.load(WORK / "seeds.npy")
    rng = np.random.default_rng(n)
    out = np.empty((n, seeds.shape[1]), dtype=np.float32)
    out[: len(seeds)] = seeds[:n]
    step = 50_000
    for start in range(len(seeds), n, step):
        m = min(step, n - start)
        parts = rng.integers(2, 4, size=m)
        picks = rng.integers(0, len(seeds), size=(m, 3))
        weights = rng.dirichlet(np.ones(3), size=m).astype(np.float32)
        weights[parts == 2, 2] = 0.0
        mix = np.einsum("mj,mjd->md", weights, seeds[picks])
        mix += rng.normal(0, MIX_NOISE, mix.shape).astype(np.float32)
        out[start:start + m] = mix / np.linalg.norm(mix, axis=1, keepdims=True)
    np.save(path, out)
    return out


def exact_top(n: int) -> np.ndarray:
    path = WORK / f"exact_{n}.npy"
    if path.exists():
        return np.load(path)
    import faiss
    index = faiss.IndexFlatIP(384)
    index.add(vectors(n))
    _, top = index.search(np.load(WORK / "queries.npy"), K)
    np.save(path, top)
    return top


def _latencies(search, queries: np.ndarray) -> tuple[list[float], list[list[int]]]:
    search(queries[0])  # warm-up
    lat, found = [], []
    for q in queries:
        t = time.perf_counter()
        ids = search(q)
        lat.append((time.perf_counter() - t) * 1000)
        found.append(ids)
    return lat, found


def run_one(method: str, n: int) -> dict:
    """Build one store over n vectors, then time single queries; returns the row's numbers."""
    base = vectors(n)
    queries = np.load(WORK / "queries.npy")
    if method.startswith("milvus"):  # libraries are loaded before measuring: the figure is the store's data
        import milvus_lite.adapter.grpc.server  # noqa: F401
        import pymilvus  # noqa: F401

        import embeddings.milvus_store  # noqa: F401
    gc.collect()
    before = rss_mb()
    t = time.perf_counter()
    if method.startswith("milvus"):
        search, cleanup, params = _milvus(base, method)
    else:
        search, cleanup, params = _faiss(base, method)
    build = time.perf_counter() - t
    memory = rss_mb() - before
    lat, found = _latencies(search, queries)
    exact = exact_top(n)
    recall = float(np.mean([len(set(f) & set(e.tolist())) / K for f, e in zip(found, exact)]))
    cleanup()
    lat.sort()
    return {"method": method, "n": n, "params": params, "build_s": build, "memory_mb": memory,
            "p50_ms": lat[len(lat) // 2], "p95_ms": lat[int(0.95 * (len(lat) - 1))], "recall": recall}


def _faiss(base: np.ndarray, method: str):
    """FAISS flat, the store's IVF (what it switches to above its threshold), or HNSW (the alternative)."""
    import faiss

    from embeddings.store import FaissStore
    n, d = base.shape
    faiss.omp_set_num_threads(os.cpu_count() or 1)  # building may use every core; queries get one
    if method == "faiss-ivf":
        store = FaissStore.build([str(i) for i in range(n)], base, "bench", approximate_above=0)
        faiss.omp_set_num_threads(1)
        return (lambda q: [int(i) for i, _ in store.search(q, K)]), (lambda: None), store.index_type
    if method == "faiss-flat":
        index = faiss.IndexFlatIP(d)
        index.add(base)
        params = "IndexFlatIP"
    elif method.startswith("faiss-hnsw"):
        m, ef_c, ef_s = (int(x) for x in method.split(":")[1:]) if ":" in method else (32, 80, 256)
        index = faiss.IndexHNSWFlat(d, m, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = ef_c
        index.add(base)
        index.hnsw.efSearch = ef_s
        params = f"HNSW M={m} efC={ef_c} ef={ef_s}"
    else:
        raise ValueError(method)

    def search(q: np.ndarray) -> list[int]:
        return index.search(q.reshape(1, -1), K)[1][0].tolist()
    faiss.omp_set_num_threads(1)
    return search, (lambda: None), params


def _milvus(base: np.ndarray, method: str):
    """Milvus Lite through pymilvus, as `MilvusStore` uses it (same schema and index choice)."""
    from embeddings.milvus_store import MilvusStore
    from embeddings.vector_store import APPROXIMATE_ABOVE
    path = WORK / f"milvus-{os.getpid()}.db"
    shutil.rmtree(path, ignore_errors=True)
    ids = [str(i) for i in range(len(base))]
    approximate_above = 0 if method == "milvus-lite-ivf" else APPROXIMATE_ABOVE  # the store's choice, or IVF
    store = MilvusStore.build(ids, base, "bench", uri=str(path), collection=f"bench_{os.getpid()}",
                              approximate_above=approximate_above)
    index_type = f"Milvus Lite {store.index_type}"

    def search(q: np.ndarray) -> list[int]:
        return [int(i) for i, _ in store.search(q, K)]

    def cleanup() -> None:
        store.drop()
        shutil.rmtree(path, ignore_errors=True)
    return search, cleanup, index_type


def run_lexical(n: int) -> dict:
    from qa.index.lexical import LexicalIndex
    texts = json.loads((WORK / "texts.json").read_text(encoding="utf-8"))
    sentences = [s.strip() for t in texts for s in re.split(r"(?<=[.;:])\s+|\n+", t) if len(s.strip()) > 20]
    rng = np.random.default_rng(n)
    corpus = [" ".join(sentences[j] for j in rng.integers(0, len(sentences), size=rng.integers(3, 9)))
              for _ in range(n)]
    gc.collect()
    before = rss_mb()
    t = time.perf_counter()
    index = LexicalIndex.build(corpus)
    build = time.perf_counter() - t
    memory = rss_mb() - before
    del corpus
    lat, _ = _latencies(lambda q: index.scores(q), _questions())
    lat.sort()
    return {"method": "bm25s (LexicalIndex)", "n": n, "params": f"{len(sentences)} seed sentences",
            "build_s": build, "memory_mb": memory, "p50_ms": lat[len(lat) // 2],
            "p95_ms": lat[int(0.95 * (len(lat) - 1))], "recall": None}


def _subprocess(args: list[str], timeout: float) -> dict | None:
    try:
        out = subprocess.run([sys.executable, __file__, *args], capture_output=True, text=True,
                             timeout=timeout, check=True).stdout
        return json.loads(out.strip().splitlines()[-1])
    except subprocess.TimeoutExpired:
        print(f"  {args}: gave up after {timeout:.0f} s", file=sys.stderr)
    except subprocess.CalledProcessError as exc:
        print(f"  {args}: failed\n{exc.stderr[-2000:]}", file=sys.stderr)
    return None


def table(rows: list[dict]) -> str:
    lines = ["| store | vectors | parameters | build s | memory MB | p50 ms | p95 ms | recall@10 |",
             "|---|---|---|---|---|---|---|---|"]
    for r in rows:
        recall = "—" if r["recall"] is None else f"{r['recall']:.3f}"
        lines.append(f"| {r['method']} | {r['n']:,} | {r['params']} | {r['build_s']:.1f} "
                     f"| {r['memory_mb']:.0f} | {r['p50_ms']:.2f} | {r['p95_ms']:.2f} | {recall} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--methods", nargs="+",
                        default=["faiss-flat", "faiss-ivf", "faiss-hnsw", "milvus-lite", "lexical"])
    parser.add_argument("--home", type=Path, help="an index of the seeds to take the chunk vectors from")
    parser.add_argument("--timeout", type=float, default=3600, help="seconds allowed per store and size")
    parser.add_argument("--one", nargs=2, metavar=("METHOD", "N"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        method, n = args.one[0], int(args.one[1])
        print(json.dumps(run_lexical(n) if method == "lexical" else run_one(method, n)))
        return
    prepare(args.home)
    rows = []
    for n in args.sizes:
        vectors(n)
        exact_top(n)
        for method in args.methods:
            row = _subprocess(["--one", method, str(n)], args.timeout)
            if row:
                rows.append(row)
                print(json.dumps(row), file=sys.stderr, flush=True)
    print(f"machine: {os.cpu_count()} cores, load {os.getloadavg()[0]:.2f} at the end")
    print(table(rows))


if __name__ == "__main__":
    main()
