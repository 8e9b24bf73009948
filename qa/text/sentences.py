"""The one sentence splitter of Vietnamese administrative text, and the clauses of a long sentence.

A dot in these documents is as often part of a figure ("1.000 - 1.200 doanh nghiệp", "3.100 - 3.500 tỷ
đồng"), a date ("29.5.2018"), a list marker ("(7).", "2.1."), a document number ("04-NQ/QU") or an
abbreviation ("TP.", "v.v.", "ThS.") as the end of a sentence, so a sentence ends only at . ! ? … followed by
a space and what can start a sentence, or at the end of a line. Offsets are kept: a span is a range of the
input, so citations and highlights stay exact.
"""
from __future__ import annotations

import re

__all__ = ["LONG_SENTENCE", "clause_spans", "sentence_spans", "sentences", "units"]

LONG_SENTENCE = 240
"""A sentence longer than this is quoted by its semicolon clauses ("...; 35 xã nông thôn mới kiểu mẫu;
...")."""

# Abbreviations after which a dot never ends a sentence (compared case-sensitively, without the dot).
_ABBREVIATIONS = frozenset(
    "TP Tp tp TT Tt v.v vv Th.S ThS TS PGS GS BS KS CN Mr Ms St Tr tr Ng đ/c Đ/c Th".split()
)
_END = re.compile(r"[.!?…]+[\"”’»)\]]*(?=\s)")
# What follows a sentence end: an upper-case letter, a digit, an opening quote or bracket, a list marker.
_STARTER = re.compile(r"\s+(?=[\"“‘«(\[\-–•+*]|\d|[^\W\d_])")
# A sentence that would be only a marker: "(7).", "2.1.", "II.", "a).", "Điều 5.", "PHẦN I.".
_MARK_ONLY = re.compile(r"(?:(?:Điều|ĐIỀU|Chương|CHƯƠNG|Mục|MỤC|Phần|PHẦN)\s+(?:\d{1,3}[a-zđ]?|[IVXLC]{1,7})"
                        r"|\(\d{1,3}\)|\d{1,2}(?:\.\d{1,2})*|[IVXLC]{1,7}|[a-zđ]\))[.)]*")
_SEMICOLON = re.compile(r";(?=\s)")
_LIST_COLON = re.compile(r":\s+(?=[^\W\d_])(?=[A-ZĐÀ-Ỹ])")


def _ends_sentence(text: str, m: re.Match[str], sentence_start: int) -> bool:
    after = _STARTER.match(text, m.end())
    if not after:
        return False
    nxt = text[after.end():after.end() + 1]
    if nxt.isalpha() and not nxt.isupper():
        return False  # "v.v. và ..." / "TP. hồ chí minh": a sentence starts with a capital
    word_start = max(text.rfind(" ", 0, m.start()), text.rfind("\n", 0, m.start())) + 1
    word = text[word_start:m.start()]
    if text[m.start()] == "." and (word in _ABBREVIATIONS or word.rstrip(".") in _ABBREVIATIONS):
        return False
    if _MARK_ONLY.fullmatch(text[sentence_start:m.end()].strip()):
        return False  # "(7). Có 1.000 ..." / "2.1. Về kinh tế": the marker belongs to its sentence
    return True


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence of `text`, without surrounding white space; lines never join."""
    spans: list[tuple[int, int]] = []
    line_start = 0
    for line in text.split("\n"):
        start = line_start
        for m in _END.finditer(line):
            if _ends_sentence(line, m, start - line_start):
                spans.append((start, line_start + m.end()))
                start = line_start + m.end()
        spans.append((start, line_start + len(line)))
        line_start += len(line) + 1
    out = []
    for a, b in spans:
        while a < b and text[a].isspace():
            a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
        if a < b:
            out.append((a, b))
    return out


def sentences(text: str) -> list[str]:
    """The sentences of `text` as strings."""
    return [text[a:b] for a, b in sentence_spans(text)]


def clause_spans(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """The clauses of text[start:end], a long sentence listing items: "...; ...; ...", and "...: Tổng sản phẩm
    ..." (a colon that opens a capitalised list). Each clause keeps its own semicolon or colon; one inside
    brackets does not split."""
    end = len(text) if end is None else end
    spans: list[tuple[int, int]] = []
    depth, a = 0, start
    for i in range(start, end):
        ch = text[i]
        if ch in "([":
            depth += 1
        elif ch in ")]":
            depth = max(0, depth - 1)
        elif depth == 0 and (ch == ";" and _SEMICOLON.match(text, i)
                             or ch == ":" and _LIST_COLON.match(text, i)):
            spans.append((a, i + 1))
            a = i + 1
    spans.append((a, end))
    out = []
    for a, b in spans:
        while a < b and text[a].isspace():
            a += 1
        if a < b:
            out.append((a, b))
    return out


def units(text: str, long_sentence: int = LONG_SENTENCE) -> list[tuple[int, int]]:
    """The pieces a passage is quoted by in answers and comparisons: its sentences, a long one cut into its
    clauses, each without a leading bullet ("- ", "+ ", "•")."""
    out: list[tuple[int, int]] = []
    for a, b in sentence_spans(text):
        for s, e in clause_spans(text, a, b) if b - a > long_sentence else [(a, b)]:
            while s < e and text[s] in " -+•*\t":
                s += 1
            if s < e:
                out.append((s, e))
    return out
