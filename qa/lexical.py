"""Lexical BM25 (bm25s) over lower-cased syllables, with an accent-folded field.

The folded field finds questions typed without accents and the accent-stripped OCR document; the
accented field rewards an exact accented match when the question has accents. One-letter syllables
are kept (Vietnamese "ở", "y"), and no stopword list is applied.
"""
from __future__ import annotations

import re
from collections.abc import Sequence

import bm25s
import numpy as np

from qa.normalize import fold

_TOKEN = re.compile(r"\w+", re.UNICODE)
_PHRASE_BREAK = re.compile(r"[.,;:!?()\[\]\"“”'‘’…\n/]+|\s-\s")
ACCENTED_WEIGHT = 0.5
"""Weight of the accented field next to the folded one, when the question carries accents."""


def tokenize(text: str) -> list[str]:
    """Lower-cased syllables and numbers, plus each pair of neighbouring syllables.

    Most Vietnamese words are two syllables, and a pair ("chu quan", "han che") is far more specific
    than its syllables ("quan" alone is quân, quan or quận once folded); pairs never cross punctuation.
    """
    tokens: list[str] = []
    for piece in _PHRASE_BREAK.split(text.lower().replace("_", " ")):
        words = _TOKEN.findall(piece)
        tokens.extend(words)
        tokens.extend(f"{a}_{b}" for a, b in zip(words, words[1:]))
    return tokens


def has_accents(text: str) -> bool:
    return fold(text) != text


class LexicalIndex:
    """Two BM25 indexes over the same passages: folded syllables and accented syllables."""

    def __init__(self, texts: Sequence[str]) -> None:
        self.size = len(texts)
        self._folded = self._build([tokenize(fold(t)) for t in texts])
        self._accented = self._build([tokenize(t) for t in texts])

    @staticmethod
    def _build(corpus: list[list[str]]) -> bm25s.BM25:
        index = bm25s.BM25()
        index.index(corpus, show_progress=False)
        return index

    @staticmethod
    def _scores(index: bm25s.BM25, tokens: list[str], size: int) -> np.ndarray:
        known = [t for t in tokens if t in index.vocab_dict]
        if not known or size == 0:
            return np.zeros(size, dtype=np.float32)
        return np.asarray(index.get_scores(known), dtype=np.float32)

    def scores(self, question: str) -> np.ndarray:
        """BM25 score of every passage for the question (folded field, plus accented when it has accents)."""
        total = self._scores(self._folded, tokenize(fold(question)), self.size)
        if has_accents(question):
            total = total + ACCENTED_WEIGHT * self._scores(self._accented, tokenize(question), self.size)
        return total

    def document_frequency(self, folded_token: str) -> int:
        """How many passages contain a folded token (0 when unknown): how rare a question word is."""
        index = self._folded
        tid = index.vocab_dict.get(folded_token)
        if tid is None:
            return 0
        return int(np.count_nonzero(index.get_scores([folded_token])))
