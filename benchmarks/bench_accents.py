"""Accuracy and speed of accent restoration, printed as a markdown table (run by hand).

Leave one document out on the clean seeds 000, 001 and 003: the held-out document's normalised text is
stripped of its accents (`fold`) and restored by a model trained on the *other* seeds (002 included,
004 left out by the accent-share test, as at index time) plus the general text of the installed packages.

* syllable accuracy: share of letter runs equal to the original, ignoring case; old and new tone
  placement count as the same (the documents are normalised to hòa/ủy, and so is the output);
* word accuracy: words from `underthesea.word_tokenize` of the original; right only if every syllable is;
* "left folded" / "wrong with accents": with the default confidence gate, the share of syllables kept
  without accents because the restorer was unsure, and of syllables given a wrong accented form.

Usage: `.venv/bin/python benchmarks/bench_accents.py`
"""
from __future__ import annotations

import bisect
import json
import pickle
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from qa.accents.model import (  # noqa: E402
    GENERAL_SOURCES,
    RESEARCH_SOURCES,
    AccentModel,
    NgramLM,
    build_model,
    candidate_forms,
    train_domain,
    train_general,
)
from qa.accents.restorer import MIN_CONFIDENCE, QUESTION_MIN_CONFIDENCE, AccentRestorer  # noqa: E402
from qa.config import SEEDS_DIR  # noqa: E402
from qa.ingest.normalize import normalize_document, normalize_fragment  # noqa: E402
from qa.text.vietnamese import fold  # noqa: E402

HELD_OUT = ("000", "001", "003")
DEV = ROOT.parent / "shared" / "eval" / "dev.jsonl"
LETTERS = re.compile(r"[^\W\d_]+")


def _words(text: str) -> list[tuple[int, int]]:
    """Character spans of the lexical words of `text` (underthesea's CRF segmenter, offline)."""
    from underthesea import word_tokenize
    spans, base = [], 0
    for line in text.split("\n"):
        at = 0
        for w in word_tokenize(line):
            i = line.find(w, at)
            if i < 0:
                continue
            at = i + len(w)
            if LETTERS.search(w):
                spans.append((base + i, base + at))
        base += len(line) + 1
    return spans


class Score:
    def __init__(self) -> None:
        self.syl = self.syl_ok = self.words = self.words_ok = self.folded = self.wrong = 0

    def add(self, target: str, output: str, words: list[tuple[int, int]]) -> None:
        ok_at = []
        for m in LETTERS.finditer(target):
            s, e = m.span()
            ok = output[s:e].lower() == target[s:e].lower()
            self.syl += 1
            self.syl_ok += ok
            if not ok:
                ok_at.append(s)
                if output[s:e] == fold(output[s:e]):
                    self.folded += 1
                else:
                    self.wrong += 1
        bad = sorted(ok_at)
        for s, e in words:
            self.words += 1
            i = bisect.bisect_left(bad, s)
            self.words_ok += not (i < len(bad) and bad[i] < e)

    def row(self) -> str:
        return f"{100 * self.syl_ok / self.syl:.1f} / {100 * self.words_ok / self.words:.1f}"


def main() -> None:
    raws = {p.name[:3]: p.read_text(encoding="utf-8") for p in sorted(SEEDS_DIR.glob("*.txt"))}
    targets = {d: normalize_document(raws[d]).text for d in HELD_OUT}
    words = {d: _words(targets[d]) for d in HELD_OUT}

    t = time.perf_counter()
    general = train_general()
    t_general = time.perf_counter() - t
    with_vlsp = train_general(GENERAL_SOURCES + RESEARCH_SOURCES)
    empty = NgramLM.train([])

    def full(d: str) -> AccentModel:
        return build_model([raws[o] for o in raws if o != d], general)

    def docs_only(d: str) -> AccentModel:
        domain = train_domain(raws[o] for o in raws if o != d)
        return AccentModel(domain, empty, candidate_forms(domain), 1.0)

    def general_only(d: str) -> AccentModel:
        return AccentModel(empty, general, candidate_forms(general), 0.0)

    def with_research_text(d: str) -> AccentModel:
        return build_model([raws[o] for o in raws if o != d], with_vlsp)

    variants = [
        ("leave the input without accents", None, 0.0),
        ("documents only (the other seeds)", docs_only, 0.0),
        ("general text only (packages)", general_only, 0.0),
        ("documents + general + VLSP research sample (not default)", with_research_text, 0.0),
        ("**documents + general word lists (default model)**", full, 0.0),
        (f"default model, unsure words left folded (confidence < {MIN_CONFIDENCE})", full, MIN_CONFIDENCE),
    ]
    header = ["model", *HELD_OUT, "ALL syllables / words", "left folded", "wrong with accents", "syll/s"]
    lines = ["| " + " | ".join(header) + " |", "|---" * len(header) + "|"]
    for name, make, gate in variants:
        total = Score()
        cells = []
        n_syl, seconds = 0, 0.0
        for d in HELD_OUT:
            inp = fold(targets[d])
            if make is None:
                out = inp
            else:
                restorer = AccentRestorer(make(d), min_confidence=gate)
                t = time.perf_counter()
                out = restorer.restore(inp).text
                seconds += time.perf_counter() - t
                n_syl += sum(1 for _ in LETTERS.finditer(inp))
            s = Score()
            s.add(targets[d], out, words[d])
            total.add(targets[d], out, words[d])
            cells.append(s.row())
        speed = f"{n_syl / seconds:,.0f}" if seconds else "–"
        folded, wrong = 100 * total.folded / total.syl, 100 * total.wrong / total.syl
        cells += [total.row(), f"{folded:.1f} %", f"{wrong:.1f} %", speed]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    print("\n".join(lines))

    # questions: the dev set's accented questions with their accents stripped, model of all five seeds
    model = build_model(raws.values(), general)
    if DEV.exists():
        questions = [normalize_fragment(json.loads(line)["question"])
                     for line in DEV.read_text(encoding="utf-8").splitlines() if line.strip()]
        questions = [q for q in questions if fold(q) != q]
        print(f"\n| {len(questions)} dev questions, accents stripped | syllables right | "
              "wrong with accents | questions exactly right |\n|---|---|---|---|")
        for label, gate in (("best reading (questions' default)", QUESTION_MIN_CONFIDENCE),
                            (f"unsure words left folded (< {MIN_CONFIDENCE})", MIN_CONFIDENCE)):
            restorer = AccentRestorer(model, min_confidence=gate)
            score, exact = Score(), 0
            for q in questions:
                out = restorer.restore(fold(q)).text
                score.add(q, out, [])
                exact += out.lower() == q.lower()
            right, wrong = 100 * score.syl_ok / score.syl, 100 * score.wrong / score.syl
            print(f"| {label} | {right:.1f} % | {wrong:.1f} % | {exact} / {len(questions)} |")

    # training and cache figures for the model an index of all five seeds gets
    t = time.perf_counter()
    model = build_model(raws.values(), general)
    t_domain = time.perf_counter() - t
    blob = pickle.dumps(vars(general), protocol=pickle.HIGHEST_PROTOCOL)
    t = time.perf_counter()
    pickle.loads(blob)
    t_load = time.perf_counter() - t
    tri, bi, uni = general.size()
    dtri, dbi, duni = model.domain.size()
    n_forms = sum(map(len, model.forms.values()))
    rows = [
        ("train the general model (installed packages)",
         f"{t_general:.1f} s ({tri:,} trigrams, {bi:,} bigrams, {uni:,} words)"),
        ("train the in-domain model (5 seeds) + candidate table",
         f"{t_domain:.2f} s ({dtri:,} trigrams, {dbi:,} bigrams, {duni:,} words)"),
        ("cached general model: size / load", f"{len(blob) / 1e6:.1f} MB / {t_load:.2f} s"),
        ("folded syllables with candidates", f"{len(model.forms):,} ({n_forms:,} accented forms)"),
    ]
    restorer = AccentRestorer(model)
    typed = ["chi tieu giao quan nam 2022",
             "ty le lao dong qua dao tao cua quan kien an nam 2022 la bao nhieu",
             "kim ngach xuat khau hai phong quy 1 nam 2021",
             "nha o xa hoi quy 2 nam 2023 thanh uy chi dao gi",
             "nguyen nhan chu quan cua han che trong bao cao so ket giua nhiem ky"]
    t = time.perf_counter()
    for _ in range(5):
        for q in typed:
            restorer.restore_question(q)
    rows.append((f"restore one question (mean of {5 * len(typed)})",
                 f"{1000 * (time.perf_counter() - t) / (5 * len(typed)):.1f} ms"))
    print("\n| figure | value |\n|---|---|")
    for k, v in rows:
        print(f"| {k} | {v} |")


if __name__ == "__main__":
    main()
