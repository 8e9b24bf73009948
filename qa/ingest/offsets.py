"""Normalised text that remembers, for each character, the range of the raw file it came from.

Every normalising pass works on a `Mapped` string, so a citation found in clean text points at the exact
bytes of the original file; `NormalizedText` is what a document keeps of it.
"""
from __future__ import annotations

import bisect
import re
from array import array
from dataclasses import dataclass, field

# --------------------------------------------------------------------------------------------------
# Public data classes
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Footnote:
    """A footnote block cut out of the running text."""

    label: str
    text: str
    spans: tuple[tuple[int, int], ...]


@dataclass
class NormalizedText:
    """Normalised text of one document and the map from each of its characters back to the raw text."""

    raw: str
    text: str
    starts: array
    """Raw offset where each character of `text` begins (array of int32)."""
    ends: array
    footnotes: list[Footnote] = field(default_factory=list)
    footnote_refs: list[tuple[int, str]] = field(default_factory=list)
    cuts: list[tuple[int, int]] = field(default_factory=list)

    def raw_spans(self, a: int, b: int) -> list[tuple[int, int]]:
        """Raw [start, end) ranges that ``text[a:b]`` came from.

        One range from the first to the last character, split around every cut inside it, so a chunk
        joined across a page break or a footnote block never claims the footnote block. Whitespace at the
        ends of each range is left out and empty ranges are dropped.
        """
        a, b = max(a, 0), min(b, len(self.text))
        while a < b and self.text[a].isspace():
            a += 1
        while b > a and self.text[b - 1].isspace():
            b -= 1
        if a >= b:
            return []
        lo, hi = self.starts[a], max(self.ends[a:b])
        pieces: list[tuple[int, int]] = []
        pos = lo
        i = bisect.bisect_right(self.cuts, (lo, float("inf"))) - 1
        i = max(i, 0)
        for cs, ce in self.cuts[i:]:
            if cs >= hi:
                break
            if ce <= pos:
                continue
            if cs > pos:
                pieces.append((pos, cs))
            pos = max(pos, ce)
        if pos < hi:
            pieces.append((pos, hi))
        return [p for p in (trim_range(self.raw, s, e) for s, e in pieces) if p[0] < p[1]]


def trim_range(raw: str, s: int, e: int) -> tuple[int, int]:
    while s < e and raw[s].isspace():
        s += 1
    while e > s and raw[e - 1].isspace():
        e -= 1
    return s, e


# --------------------------------------------------------------------------------------------------
# Mapped string
# --------------------------------------------------------------------------------------------------


class Mapped:
    """Text plus, per character, the raw [start, end) it came from. Every edit goes through :meth:`sub`."""

    __slots__ = ("ends", "starts", "text")

    def __init__(self, text: str, starts: list[int], ends: list[int]):
        self.text, self.starts, self.ends = text, starts, ends

    @classmethod
    def from_raw(cls, raw: str, a: int, b: int) -> Mapped:
        return cls(raw[a:b], list(range(a, b)), list(range(a + 1, b + 1)))

    def __len__(self) -> int:
        return len(self.text)

    def sub(self, pattern: re.Pattern, repl) -> Mapped:
        """Like ``pattern.sub`` but keeping the map: characters common to the match and its
        replacement keep their own raw offsets; the rest take the span of the replaced characters.
        ``repl`` is a string or a function returning the replacement (``None`` = leave the match)."""
        text = self.text
        out_t: list[str] = []
        out_s: list[int] = []
        out_e: list[int] = []
        pos = 0
        for m in pattern.finditer(text):
            a, b = m.span()
            new = repl(m) if callable(repl) else repl
            if new is None or new == text[a:b] or a == b:
                continue
            out_t.append(text[pos:a])
            out_s.extend(self.starts[pos:a])
            out_e.extend(self.ends[pos:a])
            ns, ne = map_replacement(text[a:b], new, self.starts[a:b], self.ends[a:b])
            out_t.append(new)
            out_s.extend(ns)
            out_e.extend(ne)
            pos = b
        if not out_t:
            return self
        out_t.append(text[pos:])
        out_s.extend(self.starts[pos:])
        out_e.extend(self.ends[pos:])
        return Mapped("".join(out_t), out_s, out_e)

    def strip(self) -> Mapped:
        t = self.text
        a, b = 0, len(t)
        while a < b and t[a].isspace():
            a += 1
        while b > a and t[b - 1].isspace():
            b -= 1
        if a == 0 and b == len(t):
            return self
        return Mapped(t[a:b], self.starts[a:b], self.ends[a:b])

    def slice(self, a: int, b: int) -> Mapped:
        return Mapped(self.text[a:b], self.starts[a:b], self.ends[a:b])

    @staticmethod
    def join(parts: list[Mapped], seps: list[str]) -> Mapped:
        """Concatenate ``parts`` with ``seps[i]`` between part i and i+1; a separator maps to the raw gap
        between its neighbours (the newline, blank lines or cut block it stands for)."""
        text: list[str] = []
        starts: list[int] = []
        ends: list[int] = []
        for i, part in enumerate(parts):
            if not part.text:
                continue
            sep = seps[i - 1] if text else ""
            if sep:
                left, right = ends[-1], part.starts[0]
                text.append(sep)
                starts.extend([min(left, right)] * len(sep))
                ends.extend([max(left, right)] * len(sep))
            text.append(part.text)
            starts.extend(part.starts)
            ends.extend(part.ends)
        return Mapped("".join(text), starts, ends)


def map_replacement(old: str, new: str, s: list[int], e: list[int]) -> tuple[list[int], list[int]]:
    lim = min(len(old), len(new))
    p = 0
    while p < lim and old[p] == new[p]:
        p += 1
    q = 0
    while q < lim - p and old[-1 - q] == new[-1 - q]:
        q += 1
    ns, ne = list(s[:p]), list(e[:p])
    mid = len(new) - p - q
    if mid:
        if len(old) - p - q > 0:
            ms, me = s[p], max(e[p : len(old) - q])
        elif p:
            ms, me = s[p - 1], e[p - 1]
        else:
            ms, me = s[len(old) - q], e[len(old) - q]
        ns += [ms] * mid
        ne += [me] * mid
    ns += s[len(old) - q :]
    ne += e[len(old) - q :]
    return ns, ne
