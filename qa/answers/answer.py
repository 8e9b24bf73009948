"""The extractive answer: the sentences of the retrieved passages that answer best, each with a
citation marker [n] pointing at its passage, and the passages as cited evidence.

No generative model ships offline, so the answer is made only of the documents' own sentences.
"""
from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

from qa.search.query import Query
from qa.search.retrieval import Hit
from qa.index.lexical import tokenize
from qa.text.headings import heading_level
from qa.text.sentences import units
from qa.text.vietnamese import fold

MAX_ANSWER_CHARS = 450
MAX_SENTENCES = 3


@dataclass
class Passage:
    """A cited passage: the chunk, its document's metadata, and its place in the raw file."""

    n: int
    hit: Hit

    def to_json(self) -> dict:
        c, m = self.hit.chunk, self.hit.meta
        period = m.period.to_json() if m and m.period else {"year": None, "quarter": None}
        return {
            "n": self.n, "doc": c.doc_id, "chunk_id": c.chunk_id, "start": c.start, "end": c.end,
            "spans": [list(s) for s in c.spans], "text": c.full_text, "section": c.section,
            "score": round(self.hit.score, 4),
            "title": m.title if m else "", "number": m.number if m else "", "date": m.date if m else "",
            "doc_type": m.doc_type if m else "", "period": period,
            # a PDF's page or a DOCX's paragraph (from 1) where the passage starts
            **(m.locations.cite(c.start) if m and m.locations is not None else {}),
            # a document that lost its accents: the machine-restored reading (spans still cite `text`)
            **({"restored_text": c.restored, "restored_section": c.restored_section,
                "restored_title": m.restored_title if m else ""} if c.restored else {}),
        }


@dataclass
class Answer:
    question: str
    abstained: bool
    text: str
    passages: list[Passage]
    reason: str = ""
    """Why the system abstained (Vietnamese), empty otherwise."""
    query: Query | None = field(default=None, repr=False)
    restored_text: str = ""
    """`text` with the sentences of documents that lost their accents in their machine-restored reading
    (shown labelled as such); "" when no sentence comes from such a document."""

    def to_json(self, id: str | None = None) -> dict:
        out: dict = {"id": id} if id is not None else {}
        out.update({"question": self.question, "abstained": self.abstained, "answer": self.text,
                    "passages": [p.to_json() for p in self.passages]})
        if self.reason:
            out["reason"] = self.reason
        if self.query is not None and self.query.restored:
            out["restored_question"] = self.query.restored
        if self.restored_text:
            out["restored_answer"] = self.restored_text
        return out


def _idf(df: int, n: int) -> float:
    return math.log(1 + (n - df + 0.5) / (df + 0.5))


def best_sentences(query: Query, passages: list[Passage], df: Callable[[str], int],
                   n_passages: int) -> list[tuple[str, int, str]]:
    """(sentence, passage number, restored reading or "") triples that cover the question's words best,
    in answer order.

    Words and neighbouring-word pairs are weighted by how rare they are in the corpus, so "giao quân"
    counts for more than "năm"; a clause that starts mid-sentence (lower case) counts for less.
    """
    q_tokens = set(tokenize(query.folded))
    scored: list[tuple[float, int, int, str, str]] = []
    for rank, p in enumerate(passages[:3]):
        text = p.hit.chunk.full_text
        # a passage under a heading that matches the question ("3. Bài học kinh nghiệm") answers it
        # with its first sentences, even when they do not repeat the heading's words
        # words that name the document ("báo cáo sơ kết giữa nhiệm kỳ") pick the document, not the sentence
        title = set(tokenize(fold(p.hit.meta.title).lower())) if p.hit.meta else set()

        def weight(tokens: set[str]) -> float:
            return sum(_idf(df(t), n_passages) * (0.2 if t in title else 1.0) for t in tokens)

        section = q_tokens.intersection(tokenize(fold(p.hit.chunk.section).lower())) - title
        section_score = 0.5 * weight(section)
        for order, (a, b) in enumerate(units(text)):
            sent = text[a:b].strip(" -+•\n")
            # the restored reading has the text's length: the same cut is the same sentence
            reading = p.hit.chunk.restored[a:b].strip(" -+•\n")
            if len(sent) < 20 or heading_level(sent) is not None:
                continue
            overlap = q_tokens.intersection(tokenize(fold(sent).lower()))
            if not overlap and not section:
                continue
            score = weight(overlap) + section_score
            score = score / (1 + 0.002 * len(sent)) * (0.7 if sent[:1].islower() else 1.0) - 0.35 * rank - 0.01 * order
            scored.append((score, rank, order, sent, reading))
    scored.sort(key=lambda t: -t[0])
    chosen: list[tuple[float, int, int, str, str]] = []
    total = 0
    for item in scored:
        if len(chosen) == MAX_SENTENCES or (chosen and item[0] < 0.5 * chosen[0][0]):
            break
        if total + len(item[3]) > MAX_ANSWER_CHARS and chosen:
            continue
        chosen.append(item)
        total += len(item[3])
    chosen.sort(key=lambda t: (t[1], t[2]))
    return [(s, passages[r].n, reading) for _, r, _, s, reading in chosen]


def compose(query: Query, hits: list[Hit], reason: str | None, df: Callable[[str], int], n_passages: int) -> Answer:
    passages = [Passage(i + 1, h) for i, h in enumerate(hits)]
    if reason:
        return Answer(query.text, True, f"Không tìm thấy câu trả lời trong các văn bản. {reason}",
                      passages, reason, query)
    sentences = best_sentences(query, passages, df, n_passages)
    if not sentences and passages:
        chunk = passages[0].hit.chunk

        def clip(t: str) -> str:  # spaces sit at the same places in the restored reading
            return t[:MAX_ANSWER_CHARS].rsplit(" ", 1)[0] + "…" if len(t) > MAX_ANSWER_CHARS else t

        sentences = [(clip(chunk.full_text), 1, clip(chunk.restored) if chunk.restored else "")]
    text = " ".join(f"{s} [{n}]" for s, n, _ in sentences)
    restored = " ".join(f"{r or s} [{n}]" for s, n, r in sentences) if any(r for _, _, r in sentences) else ""
    return Answer(query.text, False, text, passages, "", query, restored)
