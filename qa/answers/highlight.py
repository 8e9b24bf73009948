"""Which words of a passage a question matched (accent-insensitive), as character ranges of the passage:
what the app marks so a staffer sees at a glance why a passage was cited (the markup itself is ui/markup.py).

Matching is word by word on offsets of the text itself, so a range always covers whole words of the
original. A question word typed without accents ("giao quan") matches every accented form ("giao quân",
"giao quận"); a word typed with accents ("quân") matches only that word, or the same word written without
accents (the accent-stripped OCR file), so "giao quân" does not light up every "quận". Words are marked
as phrases in the question's order ("chỉ tiêu giao quân năm 2022"), so a lone syllable ("chỉ" of "chỉ đạo")
or a function word ("của", "năm") is not marked all over the passage.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from qa.text.vietnamese import canonical_tones, fold

_WORD = re.compile(r"\w+")
_PHRASE_GAP = re.compile(r"[ \t\u00a0/\-–]{1,3}")
"""What may separate two words of one marked phrase: "giao quân", "quý I/2022", "2021-2025"."""

WEAK_WORDS = frozenset(
    """là và của các những có được trong cho với về tại theo thì này đó để đến từ một như gì nào bao nhiêu
    sao thế không hay hoặc ra ở khi đã sẽ đang cũng bị do mà vào nêu hãy biết năm quý tháng ngày nội dung
    vấn đề việc""".split()
)
"""Words too common in these documents to mark alone (accented, lower case)."""
_WEAK_FOLDED = frozenset(fold(w) for w in WEAK_WORDS)


def _key(word: str) -> str:
    """One spelling per word: NFC, one tone-mark placement (hoà = hòa), lower case."""
    return canonical_tones(unicodedata.normalize("NFC", word)).lower()


class _QuestionWord:
    """One word of the question, folded once: compared with every word of every passage shown."""

    __slots__ = ("key", "folded", "accented", "weak")

    def __init__(self, word: str) -> None:
        self.key = _key(word)
        self.folded = fold(self.key)
        self.accented = self.key != self.folded
        if self.accented:
            self.weak = self.key in WEAK_WORDS or len(self.key) == 1
        else:
            self.weak = self.folded in _WEAK_FOLDED or len(self.folded) == 1

    def matches(self, key: str, folded: str) -> bool:
        """Whether a text word (its `_key` and folded form) is this question word."""
        if folded != self.folded:
            return False
        # A word typed with accents means that word; the text's own word may still lack accents (OCR).
        return not self.accented or key == self.key or key == folded


def _is_salient(word: str) -> bool:
    """A single word worth marking on its own: a number (2022, 244-KL) or an acronym (GRDP, FDI)."""
    return any(ch.isdigit() for ch in word) or (len(word) >= 2 and word.isupper())


def match_ranges(text: str, question: str) -> list[tuple[int, int]]:
    """[start, end) ranges of `text` that the question matches, as phrases, in order.

    Vietnamese words are often two or more syllables ("chỉ tiêu", "giao quân"), and one syllable of them
    alone ("chỉ" in "chỉ đạo", "giao" in "giao thông") says nothing. So a mark is a run of text words that
    follow each other as they do in the question; a single word is marked only when it is a number or an
    acronym, or when the question has a single content word.
    """
    qwords = [_QuestionWord(w) for w in _WORD.findall(question)]
    if not qwords:
        return []
    by_fold: dict[str, list[int]] = {}
    for i, qw in enumerate(qwords):
        by_fold.setdefault(qw.folded, []).append(i)
    single_content = len({qw.key for qw in qwords if not qw.weak}) == 1

    tokens = [(m.start(), m.end()) for m in _WORD.finditer(text)]
    matched: list[set[int]] = []  # question positions each text word matches
    for s, e in tokens:
        key = _key(text[s:e])
        folded = fold(key)
        matched.append({i for i in by_fold.get(folded, ()) if qwords[i].matches(key, folded)})

    def strong(j: int) -> bool:
        return any(not qwords[i].weak for i in matched[j])

    def follows(j: int) -> bool:
        """Text word j continues the phrase of word j - 1: next in the question, only a short gap between."""
        return (j > 0 and bool(matched[j - 1]) and any(i - 1 in matched[j - 1] for i in matched[j])
                and _PHRASE_GAP.fullmatch(text, tokens[j - 1][1], tokens[j][0]) is not None)

    ranges: list[tuple[int, int]] = []
    run: list[int] = []

    def close() -> None:
        if not run or not any(strong(j) for j in run):
            return
        if len(run) == 1:
            s, e = tokens[run[0]]
            if not (single_content or _is_salient(text[s:e])):
                return
        ranges.append((tokens[run[0]][0], tokens[run[-1]][1]))

    for j in range(len(tokens)):
        if matched[j] and run and follows(j):
            run.append(j)
            continue
        close()
        run = [j] if matched[j] else []
    close()
    return ranges


def merge_ranges(ranges: Iterable[tuple[int, int]], length: int) -> list[tuple[int, int]]:
    """Sorted, clipped to [0, length], overlapping or touching ranges merged, empty ones dropped: ranges from
    several sources (a passage's spans, the question's matches) become marks that never nest or overlap."""
    out: list[tuple[int, int]] = []
    for s, e in sorted((max(0, int(s)), min(length, int(e))) for s, e in ranges):
        if e <= s:
            continue
        if out and s <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], e))
        else:
            out.append((s, e))
    return out

