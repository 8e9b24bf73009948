"""Quality beyond the seeds: the tier of documents nobody tuned on (tests/data/unseen) with the seeds beside
them, its questions, unanswerable questions and answer checks, against accent-folded BM25 over
1,000-character windows in the same run. Prints one table. `python benchmarks/bench_unseen.py [--home DIR]`
"""
from __future__ import annotations

import argparse
import re
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import bm25s  # noqa: E402
import numpy as np  # noqa: E402

from qa.assistant import Assistant  # noqa: E402
from qa.config import SEEDS_DIR, Settings  # noqa: E402
from qa.evaluation import covers, evaluate, load_gold, quote_spans  # noqa: E402
from qa.text.vietnamese import fold  # noqa: E402
from tests.unseen import QUESTIONS_DIR, UNSEEN_DIR  # noqa: E402

WINDOW = 1000


def _bm25_baseline(texts: dict[str, str], items) -> tuple[float, float]:
    """hit@5 and MRR@10 of plain accent-folded BM25 over fixed 1,000-character windows (half overlapping)."""
    windows: list[tuple[str, int, int]] = []
    for doc, raw in texts.items():
        for start in range(0, max(1, len(raw)), WINDOW // 2):
            windows.append((doc, start, min(len(raw), start + WINDOW)))
    corpus = [fold(texts[d][s:e]).lower() for d, s, e in windows]
    tokenize = lambda t: re.findall(r"\w+", t)  # noqa: E731
    retriever = bm25s.BM25()
    retriever.index([tokenize(c) for c in corpus], show_progress=False)
    hits = mrr = 0.0
    answerable = [it for it in items if it.evidence]
    for it in answerable:
        scores = retriever.get_scores(tokenize(fold(it.question).lower()))
        order = np.argsort(-scores)[:10]
        first = None
        for rank, w in enumerate(order, 1):
            doc, s, e = windows[w]
            if any(doc == d and any(covers([(s, e)], q) for q in quote_spans(texts[d], quote))
                   for d, quote in it.evidence):
                first = rank
                break
        hits += bool(first and first <= 5)
        mrr += 1 / first if first else 0
    return hits / len(answerable), mrr / len(answerable)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--home", type=Path, help="a data directory to (re)use; default: a fresh one")
    args = parser.parse_args()
    home = args.home or Path(tempfile.mkdtemp(prefix="vanban-unseen-"))
    assistant = Assistant(Settings(home=home))
    assistant.build([SEEDS_DIR, UNSEEN_DIR])
    texts = {d: assistant.index.raw_text(d) for d in assistant.index.documents}
    print("| question set | n | hit@5 | MRR@10 | BM25 hit@5 | BM25 MRR@10 | answer right | abstention "
          "| false abstention |")
    print("|---|---|---|---|---|---|---|---|---|")
    for name in ("unseen", "seeds_answers", "unanswerable"):
        items = load_gold(QUESTIONS_DIR / f"{name}.jsonl")
        m = evaluate(items, lambda q: assistant.ask(q, 10), assistant.index.raw_text, 5).overall
        base = _bm25_baseline(texts, items) if any(it.evidence for it in items) else (None, None)

        def cell(x: float | None) -> str:
            return "–" if x is None else f"{x:.3f}"

        print(f"| {name} | {len(items)} | {cell(m.get('hit@k'))} | {cell(m.get('mrr@10'))} | {cell(base[0])} "
              f"| {cell(base[1])} | {cell(m.get('answer'))} | {cell(m.get('abstention'))} "
              f"| {cell(m.get('false_abstention'))} |")


if __name__ == "__main__":
    main()
