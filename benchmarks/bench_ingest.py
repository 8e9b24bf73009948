"""Ingest speed: normalising, metadata and chunking in MB/s, on ordinary text and on one huge paragraph,
at growing sizes (linear cost shows as a flat MB/s column). `python benchmarks/bench_ingest.py`"""
from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from qa.ingest.chunking import chunk_document  # noqa: E402
from qa.ingest.documents import Document  # noqa: E402


def main() -> None:
    base = "".join(p.read_text(encoding="utf-8") for p in sorted((ROOT / "seeds").glob("*.txt")))
    print("| text | size | normalise s | metadata s | chunk s | MB/s |")
    print("|---|---|---|---|---|---|")
    for label, unit in (("ordinary", base), ("one paragraph", base.replace("\n", " "))):
        for size in (200_000, 1_000_000, 2_000_000):
            raw = (unit * (size // len(unit) + 1))[:size]
            doc = Document("bench.txt", raw)
            t0 = time.perf_counter()
            _ = doc.normalized
            t1 = time.perf_counter()
            _ = doc.metadata
            t2 = time.perf_counter()
            chunk_document(doc)
            t3 = time.perf_counter()
            mb = len(raw.encode("utf-8")) / 1e6
            print(f"| {label} | {mb:.1f} MB | {t1 - t0:.2f} | {t2 - t1:.2f} | {t3 - t2:.2f} "
                  f"| {mb / (t3 - t0):.2f} |")


if __name__ == "__main__":
    main()
