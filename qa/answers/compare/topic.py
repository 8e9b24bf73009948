"""What a comparison question asks: whether it compares at all, the periods it names, and its topic.

The topic is the question without its comparison and period words, so the same words can be searched for
in every period; `TopicWords` then tells how much of that topic a passage or sentence actually holds.
"""
from __future__ import annotations

import logging
import math
import re
from collections.abc import Callable

from qa.answers.compare.placement import without_horizons
from qa.index.lexical import tokenize
from qa.metadata.periods import Period, parse_periods
from qa.search.query import Query
from qa.text.vietnamese import fold, fold_lower

logger = logging.getLogger(__name__)

_HOW_WORDS = r"(?:nhu\s+)?(?:the nao|ra sao)"
_COMPARISON_WORDS = re.compile(
    rf"\b(?:so sanh|qua (?:cac|tung) (?:nam|quy|ky|thoi ky)|(?:trong )?cac (?:nam|quy)|so voi(?: cung ky)?"
    rf"|cung ky|bien dong(?: {_HOW_WORDS})?|thay doi {_HOW_WORDS}|{_HOW_WORDS}|khac (?:nhau|biet)"
    rf"|dien bien)\b")
_HOW_VERBS = r"(?:chi dao|danh gia|the hien|trien khai|thuc hien|dat duoc|dien ra|quy dinh|de ra|dat ra)"
_HOW = re.compile(rf"\b(?:(?:duoc|da|dang)\s+)?{_HOW_VERBS}(?:\s*(?:va|,)\s*{_HOW_VERBS})*\s+{_HOW_WORDS}\b")
"""Question framing: "được chỉ đạo và đánh giá thế nào" asks how, it is not the topic."""
_PERIOD_WORDS = re.compile(
    r"\b(?:qu[yi]\s+(?:iv|iii|ii|i)\b|qu[yi]\s*[1-4]\b|q[1-4]\b)(?:\s*/\s*(?:19|20)\d\d\b)?"
    r"|\b(?:6|sau)\s+thang\s+(?:dau|cuoi)(?:\s+nam)?\b|\bnua\s+(?:dau|cuoi)\s+nam\b"
    r"|\b(?:nam\s+)?(?:19|20)\d\d\b(?:\s*[-–]\s*(?:19|20)\d\d\b)?")
_CONNECTORS = frozenset(
    "và với hoặc trong giữa của từ đến năm các được về ở tại "
    "va voi hoac giua cua tu den nam cac duoc ve o tai , / - – & ? . ; : ( )".split())


def comparison_topic(question: str) -> str:
    """The question without its comparison words ("so sánh", "qua các năm", "so với", "biến động thế
    nào") and its period phrases ("quý II năm 2021, 2022 và 2023"): what to search for in every period.

    Joining words left between two removed phrases, or at either end, go too ("quý I 2021 so với
    quý I 2022" leaves nothing behind). Accents optional.
    """
    text = " ".join(question.split())
    key = fold_lower(text)
    removed = bytearray(len(text) + 1)
    for pat in (_HOW, _COMPARISON_WORDS, _PERIOD_WORDS):
        for m in pat.finditer(key):
            removed[m.start():m.end()] = b"\x01" * (m.end() - m.start())
    tokens = [[m.start(), m.end(), any(removed[m.start():m.end()])]
              for m in re.finditer(r"\w+|[^\w\s]", text)]
    changed = True
    while changed:
        changed = False
        for i, tok in enumerate(tokens):
            if tok[2] or text[tok[0]:tok[1]].lower() not in _CONNECTORS:
                continue
            before = i == 0 or tokens[i - 1][2]
            after = i == len(tokens) - 1 or tokens[i + 1][2]
            if before and after:
                tok[2] = changed = True
    out = ""
    for s, e, gone in tokens:
        if gone:
            continue
        word = text[s:e]
        glue = out and (s > 0 and text[s - 1].isspace()) and not re.fullmatch(r"[,.;:?!)]", word)
        out += (" " if glue else "") + word
    return out.strip(" ,;:-")


_ACROSS = re.compile(rf"\b(?:so sanh|qua (?:cac|tung) (?:nam|quy|ky)|cac nam|cac quy|bien dong"
                     rf"|thay doi {_HOW_WORDS}|khac (?:nhau|biet))\b")


def is_comparison(query: Query) -> bool:
    """A question to answer period by period: it names two periods or more ("quý I 2021 so với quý I
    2022", "... trong năm 2022 và năm 2023?", "quý I năm 2023 so với cùng kỳ"), or none but asks across
    them ("qua các năm", "so sánh", "biến động thế nào"). One period ("quý I năm 2021 so với cả nước") is
    not, and neither is a term ("nhiệm kỳ 2020 - 2025"), which names no period to compare."""
    named = [p for p in named_periods(query) if p in parse_periods(without_horizons(query.text))
             or re.search(r"\bcung ky\b", query.folded)]
    if named:
        return len(named) >= 2
    return bool(_ACROSS.search(query.folded))


def named_periods(query: Query) -> tuple[Period, ...]:
    """The periods a comparison names; "quý I năm 2022 so với cùng kỳ" adds quý I năm 2021."""
    periods = tuple(sorted(set(query.periods)))
    if len(periods) == 1 and re.search(r"\bcung ky\b", query.folded):
        p = periods[0]
        periods = (Period(p.year - 1, p.quarter, p.half), p)
    return periods


_FUNCTION_WORDS = frozenset(
    "về và của cho các những với để được là có tại từ đến như theo trong một thì mà".split())
_FUNCTION_WORDS_FOLDED = frozenset("ve va cua cho cac nhung voi duoc den nhu theo mot".split())
"""Only the unambiguous ones once folded: "tu" is từ but also tư (đầu tư), "trong" also trọng."""


class TopicWords:
    """The topic's rare words and word pairs, weighted by rarity (IDF over passages), to tell whether a
    passage speaks of the topic at all rather than merely scoring well.

    Pairs matter: "chỉ tiêu giao quân" is about "giao quân", and a passage with "3 tiêu chí" and "giao
    thông" holds both syllables but neither pair. A pair across a function word ("về giải") is no term.
    """

    def __init__(self, topic: str, document_frequency: Callable[[str], int], passages: int) -> None:
        df, n = document_frequency, passages
        # the same tokens accented and folded (fold_lower keeps offsets): typed with accents, "trọng" is no
        # "trong"
        stop = _FUNCTION_WORDS if fold(topic) != topic else _FUNCTION_WORDS_FOLDED
        terms = dict.fromkeys(t for t, a in zip(tokenize(fold_lower(topic)), tokenize(topic.lower()))
                              if not t.isdigit() and not set(a.split("_")) & stop)
        # a word the corpus never uses still counts (nothing covers it); a pair it never uses is no term
        self.weights = {t: math.log(1 + (n - df(t) + 0.5) / (df(t) + 0.5))
                        for t in terms if df(t) < max(2, n // 2) and (df(t) > 0 or "_" not in t)}
        self.total = sum(self.weights.values())
        if not self.total:
            logger.info("topic %r has no rare word: every passage counts as speaking of it", topic)

    def coverage(self, text: str | frozenset[str]) -> float:
        """Share of the topic's weight found in a text or its tokens (1.0 when the topic has no rare term)."""
        if not self.total:
            return 1.0
        present = text if isinstance(text, frozenset) else frozenset(tokenize(fold_lower(text)))
        return sum(w for t, w in self.weights.items() if t in present) / self.total
