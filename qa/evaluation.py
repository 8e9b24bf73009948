"""Gold-set metrics by span, in the shape of sentence-transformers' InformationRetrievalEvaluator.

A passage covers an evidence item when its raw-file spans overlap at least half of the quote's span
in the original file; a passage longer than 1,500 characters never counts as a citation.

The answer text is judged too, where the gold item gives the exact string(s) the answer must hold (a
figure, a date, a name; several separated by "; "): `answer` is the share of such questions whose answer
box holds every string (case and tone placement aside), counting an abstention on an unanswerable question
as right and on an answerable one as wrong. A gold answer that is a description (the dev set's) is judged by
the figures and dates it states; one that states none is not judged.
"""
from __future__ import annotations

import json
import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from qa.answers.answer import Answer
from qa.errors import VanbanError
from qa.text.vietnamese import canonical_tones

MAX_CITABLE_CHARS = 1500
_FIGURE = re.compile(r"\d+(?:[.,/]\d+)*%?")
MAX_EXACT_ANSWER = 80
"""A gold answer longer than this is a description, not a string the answer box must hold."""


@dataclass(frozen=True)
class GoldItem:
    id: str
    question: str
    type: str
    evidence: tuple[tuple[str, str], ...]
    """(doc, quote) pairs; empty for an unanswerable question."""
    answer: str = ""
    """The exact string(s) the answer must hold, "; "-separated; "" (or a long free text) when not judged."""

    @property
    def answer_parts(self) -> tuple[str, ...]:
        """The strings to find in the answer: the gold answer itself when it is exact (it occurs in one of
        the quotes, or several "; "-separated strings that do), else the figures and dates it states (the
        dev set's gold answers are descriptions: "Ước đạt 5,72 tỷ USD, tăng 25,15%." must show both)."""
        if not self.answer or not self.evidence:
            return ()
        parts = tuple(a.strip() for a in self.answer.split("; ") if a.strip())
        if len(self.answer) <= MAX_EXACT_ANSWER and all(
                any(_comparable(a) in _comparable(q) for _, q in self.evidence) for a in parts):
            return parts
        return tuple(dict.fromkeys(_FIGURE.findall(self.answer)))


def load_gold(path: Path) -> list[GoldItem]:
    items = []
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise VanbanError(f"Không đọc được tệp câu hỏi {path}: {exc}", f"Cannot read gold file {path}: {exc}")
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            d = json.loads(line)
            items.append(GoldItem(d["id"], d["question"], d.get("type", ""),
                                  tuple((e["doc"], e["quote"]) for e in d.get("evidence", [])),
                                  d.get("answer") or ""))
        except (ValueError, KeyError) as exc:
            raise VanbanError(f"Dòng {n} của {path} không hợp lệ: {exc}",
                              f"Line {n} of {path} is invalid: {exc}")
    return items


def quote_spans(raw: str, quote: str) -> list[tuple[int, int]]:
    """Every place the quote occurs in the raw text (it is copied byte for byte)."""
    spans, at = [], raw.find(quote)
    while at >= 0:
        spans.append((at, at + len(quote)))
        at = raw.find(quote, at + 1)
    return spans


def covers(passage_spans: Iterable[tuple[int, int]], quote: tuple[int, int]) -> bool:
    qs, qe = quote
    overlap = sum(max(0, min(e, qe) - max(s, qs)) for s, e in passage_spans)
    return overlap * 2 >= qe - qs


@dataclass
class QuestionResult:
    item: GoldItem
    abstained: bool
    covered_at: list[list[int]]
    """For each evidence item, the ranks (1-based) of the passages covering it."""
    passage_lengths: list[int]
    answer_text: str = ""
    answer_right: bool | None = None
    """Whether the answer box holds the gold strings (None when the item gives none to check)."""

    def first_rank(self) -> int | None:
        ranks = [r for rs in self.covered_at for r in rs]
        return min(ranks) if ranks else None


@dataclass
class Metrics:
    k: int
    by_type: dict[str, dict[str, float]] = field(default_factory=dict)
    overall: dict[str, float] = field(default_factory=dict)
    failures: list[dict] = field(default_factory=list)

    def to_json(self) -> dict:
        return {"k": self.k, "overall": self.overall, "by_type": self.by_type, "failures": self.failures}


def judge(item: GoldItem, answer: Answer, raw_text: Callable[[str], str]) -> QuestionResult:
    covered: list[list[int]] = []
    for doc, quote in item.evidence:
        spans = quote_spans(raw_text(doc), quote)
        ranks = []
        for p in answer.passages:
            c = p.hit.chunk
            citable = c.doc_id == doc and len(c.full_text) <= MAX_CITABLE_CHARS
            if citable and any(covers(c.spans, q) for q in spans):
                ranks.append(p.n)
        covered.append(ranks)
    right = None
    if item.answer_parts:
        shown = _comparable(answer.text)
        right = not answer.abstained and all(_comparable(a) in shown for a in item.answer_parts)
    elif not item.evidence:
        right = answer.abstained
    return QuestionResult(item, answer.abstained, covered,
                          [len(p.hit.chunk.full_text) for p in answer.passages], answer.text, right)


def _comparable(text: str) -> str:
    """Case, spacing and tone placement aside, as a staffer reading the answer would compare."""
    return " ".join(canonical_tones(unicodedata.normalize("NFC", text)).lower().split())


def _summarise(results: list[QuestionResult], k: int) -> dict[str, float]:
    answerable = [r for r in results if r.item.evidence]
    unanswerable = [r for r in results if not r.item.evidence]
    out: dict[str, float] = {"questions": len(results)}
    if answerable:
        def within(ranks: list[int]) -> bool:
            return any(r <= k for r in ranks)
        out["hit@k"] = sum(any(within(rs) for rs in r.covered_at) for r in answerable) / len(answerable)
        out["all@k"] = sum(all(within(rs) for rs in r.covered_at) for r in answerable) / len(answerable)
        out["recall@k"] = sum(sum(within(rs) for rs in r.covered_at) / len(r.covered_at)
                              for r in answerable) / len(answerable)
        out["mrr@10"] = sum(1 / fr if (fr := r.first_rank()) and fr <= 10 else 0
                            for r in answerable) / len(answerable)
        out["false_abstention"] = sum(r.abstained for r in answerable) / len(answerable)
    if unanswerable:
        out["abstention"] = sum(r.abstained for r in unanswerable) / len(unanswerable)
    judged = [r for r in results if r.answer_right is not None]
    if judged:
        out["answer"] = sum(bool(r.answer_right) for r in judged) / len(judged)
    lengths = [n for r in results for n in r.passage_lengths[:k]]
    if lengths:
        out["mean_passage_chars"] = sum(lengths) / len(lengths)
    return {key: round(v, 4) for key, v in out.items()}


def evaluate(items: list[GoldItem], ask: Callable[[str], Answer], raw_text: Callable[[str], str],
             k: int = 5) -> Metrics:
    """Ask every gold question (retrieving at least 10 passages for MRR@10) and score the results."""
    results = [judge(item, ask(item.question), raw_text) for item in items]
    by_type: dict[str, list[QuestionResult]] = defaultdict(list)
    for r in results:
        by_type[r.item.type].append(r)
    metrics = Metrics(k, {t: _summarise(rs, k) for t, rs in sorted(by_type.items())}, _summarise(results, k))
    for r in results:
        missed = [i for i, rs in enumerate(r.covered_at) if not any(x <= k for x in rs)]
        wrong_abstain = r.abstained != (not r.item.evidence)
        if missed or wrong_abstain or r.answer_right is False:
            metrics.failures.append({"id": r.item.id, "type": r.item.type, "question": r.item.question,
                                     "abstained": r.abstained, "missed_evidence": missed,
                                     "first_rank": r.first_rank(), "answer_right": r.answer_right,
                                     "answer": r.answer_text})
    return metrics
