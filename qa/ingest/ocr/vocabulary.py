"""The vocabularies OCR repair ranks its readings with, read from the data files beside this module:
common syllables of administrative Vietnamese, and word pairs unambiguous in that register.
"""
from __future__ import annotations

import unicodedata
from pathlib import Path

from qa.text.vietnamese import canonical_tones, fold

_HERE = Path(__file__).resolve().parent


def _data_lines(name: str) -> list[str]:
    """The non-comment lines of a vocabulary file shipped beside this module."""
    text = (_HERE / name).read_text(encoding="utf-8")
    return [ln.strip() for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]


COMMON_RANK: dict[str, int] = {}
for _w in " ".join(_data_lines("common_syllables.txt")).split():
    COMMON_RANK.setdefault(_w, len(COMMON_RANK))

LEXICON: dict[str, str] = {}
for _p in _data_lines("lexicon_pairs.txt"):
    _p = canonical_tones(unicodedata.normalize("NFC", _p))
    if " " in _p:
        LEXICON.setdefault(fold(_p).lower(), _p)

LETTER = r"[^\W\d_]"
"""A letter of any script (a regex class): what OCR rules call a word character."""
