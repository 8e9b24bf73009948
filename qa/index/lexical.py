"""Lexical BM25 (bm25s) over lower-cased syllables, with an accent-folded field.

The folded field finds questions typed without accents and the accent-stripped OCR document; the
accented field rewards an exact accented match when the question has accents. One-letter syllables
are kept (Vietnamese "ở", "y"), and no stopword list is applied.
"""
from __future__ import annotations

import json
import logging
import re
from collections.abc import Sequence
from pathlib import Path

import bm25s
import numpy as np

from qa.text.vietnamese import fold
from qa.versions import VERSIONS

log = logging.getLogger(__name__)

_TOKEN = re.compile(r"\w+", re.UNICODE)
_PHRASE_BREAK = re.compile(r"[.,;:!?()\[\]\"“”'‘’…\n/]+|\s-\s")
ACCENTED_WEIGHT = 0.5
"""Weight of the accented field next to the folded one, when the question carries accents."""
_FIELDS = ("folded", "accented")


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
    """Two BM25 indexes over the same passages: folded syllables and accented syllables.

    Built once per index generation and saved beside it (`save`/`load`): tokenizing and indexing 7,200
    passages took ~5 s, which every process start and every reload after an upload used to pay.
    """

    def __init__(self, size: int, folded: bm25s.BM25 | None, accented: bm25s.BM25 | None) -> None:
        self.size = size
        self._folded = folded
        self._accented = accented

    @classmethod
    def build(cls, texts: Sequence[str]) -> LexicalIndex:
        """Index passages (their `search_text`)."""
        return cls(len(texts), cls._build([tokenize(fold(t)) for t in texts]),
                   cls._build([tokenize(t) for t in texts]))

    @staticmethod
    def _build(corpus: list[list[str]]) -> bm25s.BM25 | None:
        if not corpus:
            return None  # bm25s cannot index nothing; an empty index scores nothing
        index = bm25s.BM25()
        index.index(corpus, show_progress=False)
        return index

    def save(self, directory: Path) -> None:
        """Write both fields and what they index; `load` reads them back (memory-mapped)."""
        directory.mkdir(parents=True, exist_ok=True)
        for name, index in zip(_FIELDS, (self._folded, self._accented)):
            if index is not None:
                index.save(directory / name, show_progress=False)
        (directory / "lexical.json").write_text(json.dumps({"format": VERSIONS.lexical, "size": self.size}),
                                                encoding="utf-8")

    @classmethod
    def load(cls, directory: Path, size: int) -> LexicalIndex | None:
        """The index saved in `directory`, or None when there is none, or it is of another format or size
        (an index written by an older version, or damaged): the caller builds it from the passages."""
        try:
            meta = json.loads((directory / "lexical.json").read_text(encoding="utf-8"))
            if meta != {"format": VERSIONS.lexical, "size": size}:
                log.info("lexical index in %s is %s, not format %d for %d passages: not read",
                         directory, meta, VERSIONS.lexical, size)
                return None
            folded, accented = (bm25s.BM25.load(directory / name, mmap=True, show_progress=False)
                                if size else None for name in _FIELDS)
        except FileNotFoundError:
            log.info("no lexical index saved in %s", directory)
            return None
        except (OSError, ValueError, KeyError) as exc:
            log.warning("damaged lexical index in %s (%s): not read", directory, exc)
            return None
        return cls(size, folded, accented)

    @staticmethod
    def _scores(index: bm25s.BM25 | None, tokens: list[str], size: int) -> np.ndarray:
        known = [t for t in tokens if index is not None and t in index.vocab_dict]
        if not known:
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
        if index is None or folded_token not in index.vocab_dict:
            return 0
        return int(np.count_nonzero(index.get_scores([folded_token])))
