"""Roman numerals as Vietnamese documents use them: khóa XVI, quý II, PHẦN I, Chương IV, Đại hội XIII."""
from __future__ import annotations

import re

__all__ = ["ROMAN_NUMERAL", "is_roman", "to_roman"]

ROMAN_NUMERAL = r"(?:XL|L?X{0,3})(?:IX|IV|V?I{0,3})"
"""1 to 89, upper case; compile with re.IGNORECASE to read folded, lower-cased text."""
_ROMAN = re.compile(ROMAN_NUMERAL, re.IGNORECASE)
_VALUES = (("XL", 40), ("L", 50), ("X", 10), ("IX", 9), ("V", 5), ("IV", 4), ("I", 1))


def is_roman(word: str) -> bool:
    """Whether a word, in any case, can be a roman numeral from 1 to 89 ("vi" and "xi" can too)."""
    return bool(word) and bool(_ROMAN.fullmatch(word))


def to_roman(n: int) -> str:
    """1 -> "I", 16 -> "XVI"; for 1 to 89."""
    if not 1 <= n <= 89:
        raise ValueError(f"roman numerals here run from 1 to 89: {n}")
    out = []
    for sym, value in sorted(_VALUES, key=lambda sv: -sv[1]):
        while n >= value:
            out.append(sym)
            n -= value
    return "".join(out)
