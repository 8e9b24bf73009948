"""Token repair: a word the OCR model misread as digits, symbols or wrong letters (s6, x4 hoi, ndm, Pang)
is replaced by its most likely Vietnamese reading under the model's known glyph confusions.
"""
from __future__ import annotations

import itertools
import re

from qa.ingest.characters import MARK_OCR
from qa.ingest.ocr.vocabulary import COMMON_RANK, LETTER, LEXICON
from qa.ingest.offsets import Mapped
from qa.text.vietnamese import fold, valid_folded

# Confusions of the English OCR model that produced the accent-stripped file: each character it wrote,
# with the letters it may stand for ("" = noise to drop). Digits and symbols are always wrong inside a
# word; letters are only reconsidered when the word cannot be Vietnamese as written.
_GLYPH_OPTIONS = {
    "0": ("o", "u", ""),
    "1": ("l", "i", ""),
    "3": ("a",),
    "4": ("a",),
    "5": ("o",),
    "6": ("o", ""),
    "&": ("o", "e", "a", ""),
    "@": ("e",),
    "€": ("e", ""),
    "¢": ("e", "o", ""),
    "¥": ("y",),
}
_LETTER_OPTIONS = {  # only inside a word (not its first letter)
    "d": ("o", "a", ""),
    "b": ("o",),
    "p": ("o",),
    "t": ("u", ""),
    "i": ("a", "u", ""),
    "r": ("",),
    "y": ("u",),
    "w": ("u", ""),
    "l": ("i", "u"),
    "g": ("o",),
    "é": ("a", "o", ""),
    "e": ("a", "o"),
}
_FIRST_LETTER_OPTIONS = {"p": ("đ",), "g": ("u",), "w": ("u",), "1": ("l",), "t": ("u",), "i": ("l",)}
_NOISE_CHARS = "&@€¢¥"
_TOKEN_RE = re.compile(r"(?:[^\W_]|[&@€¢¥])+")
_DIGIT_RE = re.compile(r"\d")
_GLUED_NOTE_RE = re.compile(r"(" + LETTER + r"{2,})([1-9])")


def match_case(src: str, dst: str) -> str:
    """Give ``dst`` the case pattern of ``src`` (all capitals, capitalised, or lower case)."""
    letters = [c for c in src if c.isalpha()]
    if len(letters) >= 2 and all(c.isupper() for c in letters):
        return dst.upper()
    if letters and letters[0].isupper():
        return dst[:1].upper() + dst[1:]
    return dst


def _is_code_context(text: str, a: int, b: int) -> bool:
    """Whether a token sits inside a document number, date or figure (244-KL/TU, 13/4/2023, Covid-19)."""
    s = a
    while s > 0 and not text[s - 1].isspace():
        s -= 1
    e = b
    while e < len(text) and not text[e].isspace():
        e += 1
    chunk = text[s:e].strip("()[]“”\"',.;:")
    if "/" not in chunk and "-" not in chunk:
        return False
    return any(c.isdigit() for c in chunk) or sum(c.isupper() for c in chunk) >= 2


def _candidates(token: str, *, letters: bool, max_letter_edits: int):
    """Readings of ``token`` under the OCR confusions, with their cost: (reading, letters changed,
    letters dropped, how far down the digit/symbol options we went, how far down the letter options)."""
    options: list[tuple[tuple[str, int, int, int], ...]] = []
    for i, ch in enumerate(token):
        low = ch.lower()
        if ch in _GLYPH_OPTIONS or ch.isdigit():
            opts = _FIRST_LETTER_OPTIONS.get(low) if i == 0 and low in _FIRST_LETTER_OPTIONS else None
            opts = opts or _GLYPH_OPTIONS.get(ch, ())
            options.append(tuple((o, 0, int(o == ""), k, 0) for k, o in enumerate(opts)))
            continue
        alts: tuple[str, ...] = ()
        if letters:
            nxt = token[i + 1 : i + 2].lower()
            prev = token[i - 1 : i].lower()
            if i == 0:
                alts = _FIRST_LETTER_OPTIONS.get(low, ())
                if low == "p" and nxt == "h":
                    alts = ()
            elif not (low == "r" and prev == "t" and i == 1) and not (
                low == "g" and (prev == "n" or nxt in "hi")
            ):
                alts = _LETTER_OPTIONS.get(low, ())
        options.append(((ch, 0, 0, 0, 0),) + tuple((o, 1, int(o == ""), 0, k) for k, o in enumerate(alts)))
    if not options or any(not o for o in options):
        return
    count = 0
    for combo in itertools.product(*options):
        edits = sum(c[1] for c in combo)
        if edits > max_letter_edits:
            continue
        count += 1
        if count > 5000:
            return
        yield (
            "".join(c[0] for c in combo),
            edits,
            sum(c[2] for c in combo),
            sum(c[3] for c in combo),
            sum(c[4] for c in combo),
        )


def _in_pair(prev: str | None, word: str, nxt: str | None) -> bool:
    w = fold(word).lower()
    return (prev is not None and f"{prev} {w}" in LEXICON) or (nxt is not None and f"{w} {nxt}" in LEXICON)


def _best_reading(
    token: str,
    *,
    letters: bool,
    max_letter_edits: int,
    prev: str | None = None,
    nxt: str | None = None,
    substitutions_only: bool = False,
    need_pair: bool = False,
) -> str | None:
    """The most plausible reading: a valid, common syllable; then one that makes a known word pair
    with its neighbours; then fewer letters changed, fewer dropped, the likelier reading of a digit or
    symbol, the more frequent syllable."""
    best = None
    for reading, edits, drops, glyph, order in _candidates(
        token, letters=letters, max_letter_edits=max_letter_edits
    ):
        if not reading or not reading.isalpha() or (substitutions_only and drops):
            continue
        key = fold(reading).lower()
        rank = COMMON_RANK.get(key)
        if rank is None or not valid_folded(key):
            continue
        pair = _in_pair(prev, key, nxt)
        if need_pair and not pair:
            continue
        score = (not pair, edits, drops, glyph, rank, order, reading)
        if best is None or score < best:
            best = score
    return best[-1] if best else None


def _repair_token(
    token: str, *, stripped: bool, prev: str | None = None, nxt: str | None = None
) -> tuple[str, str | None] | None:
    """A better reading of one OCR token, or None. Also returns a footnote label when the token is a word
    with a footnote number glued to its end (hoi1, -> hoi + footnote 1).

    Tokens with digits or symbols are always suspect (s6, x4, 16n, md&i); in accent-stripped text a
    word that cannot be a syllable (ctia, ndm, Pang) is too, and so is an uncommon one that is one
    letter away from a common one (nim) or from a known pair with its neighbour (Thanh ty)."""
    if token.isdigit():
        return None
    has_digit = bool(_DIGIT_RE.search(token))
    has_noise = any(c in _NOISE_CHARS for c in token)
    letters = [c for c in token if c.isalpha()]
    if not letters and not has_noise:
        return None
    if all(c in _NOISE_CHARS for c in token):  # a lone symbol between words: "&" for ở, "¢"/"€" noise
        if not stripped or len(token) > 1:
            return None
        return ("o" if token == "&" else "", None)
    upper = len(letters) >= 2 and all(c.isupper() for c in letters)
    if has_digit or has_noise:
        if (upper and len(_DIGIT_RE.findall(token)) > 1) or len(token) > 8:
            return None  # QH15, H5N1: codes
        reading = _best_reading(token, letters=stripped, max_letter_edits=1, prev=prev, nxt=nxt)
        if reading is None:
            return None
        label = None
        glued = _GLUED_NOTE_RE.fullmatch(token)
        if glued and reading.lower() == glued.group(1).lower():
            label = glued.group(2)
        return match_case(token, reading), label
    if not stripped or len(token) > 7:
        return None
    folded = fold(token).lower()
    if upper and not any(c in "aeiouy" for c in folded):
        return None  # an acronym without a vowel (GDP, TW, BCH) was never a syllable: "GAP", "TU" are wrong
    if valid_folded(token):
        if upper:
            return None
        if folded in COMMON_RANK:
            if _in_pair(prev, folded, nxt):
                return None
            reading = _best_reading(
                token,
                letters=True,
                max_letter_edits=1,
                prev=prev,
                nxt=nxt,
                substitutions_only=True,
                need_pair=True,
            )
        else:
            reading = _best_reading(
                token, letters=True, max_letter_edits=1, prev=prev, nxt=nxt, substitutions_only=True
            )
    else:
        budget = 1 if upper else (3 if len(token) >= 4 else 2)
        reading = _best_reading(token, letters=True, max_letter_edits=budget, prev=prev, nxt=nxt)
    if reading is None or reading == token:
        return None
    return match_case(token, reading), None


def repair_tokens(m: Mapped, *, stripped: bool) -> Mapped:
    text = m.text
    matches = list(_TOKEN_RE.finditer(text))
    if not matches:
        return m
    fixed_words: dict[int, str] = {}

    def neighbour(j: int, i: int) -> str | None:
        if j < 0 or j >= len(matches):
            return None
        a, b = sorted((i, j))
        if text[matches[a].end() : matches[b].start()] != " ":
            return None
        word = fixed_words.get(j, matches[j].group(0))
        return fold(word).lower() if word.isalpha() else None

    replacements: dict[int, str] = {}
    for i, x in enumerate(matches):
        token = x.group(0)
        if (token.isalpha() and not stripped) or _is_code_context(text, x.start(), x.end()):
            continue
        fixed = _repair_token(token, stripped=stripped, prev=neighbour(i - 1, i), nxt=neighbour(i + 1, i))
        if fixed is None:
            continue
        reading, label = fixed
        fixed_words[i] = reading
        replacements[x.start()] = reading + (chr(MARK_OCR + int(label)) if label is not None else "")
    if not replacements:
        return m
    return m.sub(_TOKEN_RE, lambda x: replacements.get(x.start()))
