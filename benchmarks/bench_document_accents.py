"""Documents that lost their accents, measured (run by hand): retrieval on a clean seed stripped of its
accents, with and without the restored reading in the dense index, and the cost of restoring at index time.

Three indexes of the five seeds with the real default model: the seeds as they are; seed 001 replaced by its
accent-free copy (`fold`) and restored at index time (the default); the same copy embedded as read.
Questions: the twelve written for `tests/accents/test_document_accents.py` (with accents, and typed without),
judged on the raw spans like `vanban eval`. Speed: restoring the OCR file 004 at index time.

Usage: `.venv/bin/python benchmarks/bench_document_accents.py`
"""
from __future__ import annotations

import sys
import tempfile
import time
from contextlib import nullcontext
from pathlib import Path
from unittest import mock

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from qa.accents.model import load_or_build, tokenize  # noqa: E402
from qa.accents.restorer import AccentRestorer, cache_dir, restore_chunks  # noqa: E402
from qa.assistant import Assistant  # noqa: E402
from qa.config import SEEDS_DIR, Settings  # noqa: E402
from qa.evaluation import GoldItem  # noqa: E402
from qa.ingest.chunking import chunk_document  # noqa: E402
from qa.ingest.documents import load_documents  # noqa: E402
from qa.text.vietnamese import fold  # noqa: E402
from tests.accents.test_document_accents import build_beside, stripped_corpus, stripped_items  # noqa: E402
from tests.scoring import retrieval_scores  # noqa: E402


def _row(name: str, assistant: Assistant, strip: bool) -> str:
    accented = stripped_items(strip)
    typed = [GoldItem(i.id, fold(i.question), i.type, i.evidence) for i in accented]
    cells = []
    for items in (accented, typed):
        for dense_only in (False, True):
            hit, mrr = retrieval_scores(assistant, items, assistant.restorer(), dense_only=dense_only)
            cells.append(f"{hit:.3f} / {mrr:.3f}")
    return f"| {name} | " + " | ".join(cells) + " |"


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        seeds = Assistant(Settings(home=root / "seeds"))
        seeds.build([SEEDS_DIR])
        folder = stripped_corpus(root / "docs")
        restored = build_beside(root / "seeds", folder, root / "restored")
        with mock.patch("qa.index.builder.restore_chunks", return_value=False):
            plain = build_beside(root / "seeds", folder, root / "plain")
        print("hit@5 / MRR@10 on 12 questions about seed 001 (hybrid, dense leg alone):\n")
        print("| seed 001 indexed | accented q: hybrid | accented q: dense | typed w/o accents: hybrid | "
              "typed w/o accents: dense |")
        print("|---|---|---|---|---|")
        print(_row("with its accents", seeds, False))
        print(_row("stripped, restored (default)", restored, True))
        print(_row("stripped, embedded as read", plain, True))

        docs = {d.id[:3]: d for d in load_documents([SEEDS_DIR]).documents}
        started = time.perf_counter()
        model = load_or_build(cache_dir(root / "fresh"), [(d.content_hash, d.raw) for d in docs.values()])
        trained = time.perf_counter() - started
        ocr = docs["004"]
        chunks = chunk_document(ocr)
        started = time.perf_counter()
        restore_chunks(ocr.normalized.text, chunks, AccentRestorer(model))
        spent = time.perf_counter() - started
        words = sum(t.kind == "word" for t in tokenize(ocr.normalized.text))
        print(f"\n004: {words} words restored in {spent:.2f} s ({words / spent:,.0f} syllables/s); "
              f"model trained in {trained:.2f} s (cached under <home>/accents/, needed for questions anyway)")

        only = root / "only004"
        only.mkdir()
        (only / ocr.id).write_text(ocr.raw, encoding="utf-8")
        times = {}
        for name, restore in (("restored", True), ("as read", False)):
            patch = (mock.patch("qa.index.builder.restore_chunks", return_value=False) if not restore
                     else nullcontext())
            with patch:  # a fresh data directory each: cold embedding cache, model trained inside the run
                report = Assistant(Settings(home=root / f"home004-{name}"),
                                   embedder=seeds.embedder).build([only])
            times[name] = report.seconds
        print(f"`index` of 004 alone (embedder loaded, cold caches): {times['restored']:.1f} s restored, "
              f"{times['as read']:.1f} s as read")


if __name__ == "__main__":
    main()
