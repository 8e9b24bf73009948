"""OCR repair: the misreadings of Tesseract's Vietnamese and English models, fixed by general rules of
Vietnamese spelling (a syllable model) rather than per-file word tables.
"""
from __future__ import annotations

import itertools
import re
import unicodedata
from pathlib import Path

from qa.ingest.characters import MARK_OCR, tones
from qa.ingest.offsets import Mapped
from qa.text.numbers import is_roman
from qa.text.vietnamese import canonical_tones, fold, valid_folded, valid_syllable


_VOCABULARY = Path(__file__).resolve().parent


def _data_lines(name: str) -> list[str]:
    """The non-comment lines of a vocabulary file shipped beside this module."""
    text = (_VOCABULARY / name).read_text(encoding="utf-8")
    return [ln.strip() for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]


_COMMON_RANK: dict[str, int] = {}
for _w in " ".join(_data_lines("common_syllables.txt")).split():
    _COMMON_RANK.setdefault(_w, len(_COMMON_RANK))

_LEXICON: dict[str, str] = {}
for _p in _data_lines("lexicon_pairs.txt"):
    _p = canonical_tones(unicodedata.normalize("NFC", _p))
    if " " in _p:
        _LEXICON.setdefault(fold(_p).lower(), _p)


# --------------------------------------------------------------------------------------------------
# OCR repair
# --------------------------------------------------------------------------------------------------

_LETTER = r"[^\W\d_]"
_WORD_RE = re.compile(_LETTER + "+")

# "ừ" (and the cluster "ĩỉ‘") is how this OCR reads a word-initial "tr": ừong, ừên, phát ừiển, duy ừì.
_TR_RE = re.compile(r"(?<![^\W\d_])(ừ|Ừ|[ĩỉìíị][ĩỉìíị‘’']{1,2})(" + _LETTER + r"+)")
# "ư" followed by a plain o is never a Vietnamese rhyme; the o lost its horn (kỷ cưong, chất lưọng).
_UO_RE = re.compile(r"([ưƯ])([oóòỏõọOÓÒỎÕỌ])(?=" + _LETTER + ")")
_HORN = {"o": "ơ", "ó": "ớ", "ò": "ờ", "ỏ": "ở", "õ": "ỡ", "ọ": "ợ"}
# "m" misread for "n" in a final "ng" (thưomg -> thương).
_MG_RE = re.compile(r"(?<=" + _LETTER + r")([mM])([gG])(?!" + _LETTER + ")")
# A Vietnamese word never ends in j: it is a misread ";" (thành phốj -> thành phố;).
_J_RE = re.compile(r"(?<=[^\W\d_a-zA-Z])j(?=\s|$)")
# Junk glued to the front of a word after a space: ".tuyến", "‘-với" (a real quote or dash has a space).
_LEAD_JUNK_RE = re.compile(r"(?<=\s)(?:\.|[‘’'`]?-)(?=" + _LETTER + r")")
# A syllable split by a stray space: "v ề", "m ãu", "ủ y".
_SPLIT_RE = re.compile(
    r"(?<![^\W\d_])([bcdđghklmnpqrstvx]|[ùúủũụòóỏõọàáảãạèéẻẽẹìíỉĩị]) ("
    + _LETTER
    + r"{1,5})(?!"
    + _LETTER
    + ")"
)
# A word with two tone marks (hộí, VỚÍ): keep the first.
_TONES_CLASS = "\u0300\u0301\u0303\u0309\u0323"

_QUARTER_KEY = r"(?:[Qq]u[ýy]|QU[ÝY]|[Kk]h[óo]a|KH[ÓO]A|[Pp]h[ầa]n|PH[ẦA]N)"
_ROMAN_MISREAD = {
    "H": "II",
    "n": "II",
    "ll": "II",
    "Il": "II",
    "lI": "II",
    "l": "I",
    "m": "III",
    "IH": "III",
    "HI": "III",
    "Hl": "III",
    "lH": "III",
    "lll": "III",
    "lV": "IV",
    "Vl": "VI",
}
_QUARTER_RE = re.compile(
    r"(?<![^\W\d_])("
    + _QUARTER_KEY
    + r")(\s+)("
    + "|".join(sorted(_ROMAN_MISREAD, key=len, reverse=True))
    + r")(?=[\s,.;:)]|$)"
)
_ROMAN_SPLIT_RE = re.compile(
    r"(?<![^\W\d_])((?:[Kk]h[óo]a|KH[ÓO]A|[Đđ]ại hội|ĐẠI HỘI)\s+)([IVX]{1,4}) ([IVX]{1,4})(?![^\W\d_])"
)
_ROMAN_DIGIT_RE = re.compile(r"(?<![\w])([IVX]*[IVX][IVX1l]*[1l][IVX1l]*)(?![\w])")
HEADING_COMMA_RE = re.compile(r"^(\d{1,2}),(\d{1,2}),(?=\s+[A-ZÀ-ỸĐ])")
_CODE_QB_RE = re.compile(r"(?<![^\W\d_])QB(?=/[A-ZĐ])|(?<=/)QB(?![^\W\d_])")

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
_GLUED_NOTE_RE = re.compile(r"(" + _LETTER + r"{2,})([1-9])")


def _match_case(src: str, dst: str) -> str:
    """Give ``dst`` the case pattern of ``src`` (all capitals, capitalised, or lower case)."""
    letters = [c for c in src if c.isalpha()]
    if len(letters) >= 2 and all(c.isupper() for c in letters):
        return dst.upper()
    if letters and letters[0].isupper():
        return dst[:1].upper() + dst[1:]
    return dst


def _fix_tr(x: re.Match) -> str | None:
    head, rest = x.group(1), x.group(2)
    tr = "Tr" if head[0].isupper() else "tr"
    return tr + rest if valid_syllable(tr + rest) else None


def _fix_uo(x: re.Match) -> str:
    o = x.group(2)
    horned = _HORN[o.lower()]
    return x.group(1) + (horned.upper() if o.isupper() else horned)


def _fix_mg(x: re.Match) -> str | None:
    word_start = x.start()
    s = x.string
    while word_start > 0 and (s[word_start - 1].isalpha()):
        word_start -= 1
    word = s[word_start : x.end()]
    fixed = word[:-2] + ("NG" if x.group(1).isupper() else "ng")
    if valid_folded(word) or not valid_folded(fixed):
        return None
    return "NG" if x.group(1).isupper() else "ng"


def _fix_split(x: re.Match) -> str | None:
    a, b = x.group(1), x.group(2)
    joined = a + b
    if not valid_syllable(joined):
        return None
    if len(a) == 1 and a in "bcdđghklmnpqrstvx":
        return joined if not b.isascii() or not valid_syllable(b) else None
    return joined if len(b) == 1 else None


def _fix_two_tones(word: str) -> str:
    d = unicodedata.normalize("NFD", word)
    if sum(c in _TONES_CLASS for c in d) < 2:
        return word
    out, seen = [], False
    for c in d:
        if c in _TONES_CLASS:
            if seen:
                continue
            seen = True
        out.append(c)
    return unicodedata.normalize("NFC", "".join(out))


def _fix_quarter(x: re.Match) -> str:
    return x.group(1) + x.group(2) + _ROMAN_MISREAD[x.group(3)]


def _fix_roman_split(x: re.Match) -> str | None:
    joined = x.group(2) + x.group(3)
    return x.group(1) + joined if is_roman(joined) else None


def _fix_roman_digit(x: re.Match) -> str | None:
    token = x.group(1)
    if sum(c in "IVX" for c in token) < 2:
        return None
    fixed = token.replace("1", "I").replace("l", "I")
    return fixed if is_roman(fixed) else None


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
    return (prev is not None and f"{prev} {w}" in _LEXICON) or (nxt is not None and f"{w} {nxt}" in _LEXICON)


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
        rank = _COMMON_RANK.get(key)
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
        return _match_case(token, reading), label
    if not stripped or len(token) > 7:
        return None
    folded = fold(token).lower()
    if upper and not any(c in "aeiouy" for c in folded):
        return None  # an acronym without a vowel (GDP, TW, BCH) was never a syllable: "GAP", "TU" are wrong
    if valid_folded(token):
        if upper:
            return None
        if folded in _COMMON_RANK:
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
    return _match_case(token, reading), None


def _repair_tokens(m: Mapped, *, stripped: bool) -> Mapped:
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


def _repair_pairs(m: Mapped) -> Mapped:
    """Correct the diacritics of a word pair that folds to a known administrative pair."""
    words = list(_WORD_RE.finditer(m.text))
    if len(words) < 2:
        return m
    text = m.text
    replacements: dict[int, str] = {}
    current = [w.group(0) for w in words]
    for i in range(len(words) - 1):
        a, b = words[i], words[i + 1]
        if text[a.end() : b.start()] != " ":
            continue
        pair = current[i] + " " + current[i + 1]
        known = _LEXICON.get(fold(pair).lower())
        if known is None or known == pair.lower():
            continue
        new_a, new_b = known.split(" ")
        current[i] = _match_case(current[i], new_a)
        current[i + 1] = _match_case(current[i + 1], new_b)
        replacements[i] = current[i]
        replacements[i + 1] = current[i + 1]
    if not replacements:
        return m
    index = {w.start(): i for i, w in enumerate(words)}

    def repl(x: re.Match) -> str | None:
        i = index.get(x.start())
        return replacements.get(i) if i is not None else None

    return m.sub(_WORD_RE, repl)


def _is_stripped(text: str) -> bool:
    """Whether a paragraph has lost its accents (the English OCR model): almost no word carries a
    Vietnamese letter or tone mark other than the é it sprinkles as noise."""
    words = _WORD_RE.findall(text)
    if not words:
        return False
    marked = sum(1 for w in words if any(ord(c) > 127 and c not in "éÉèÈ" for c in w))
    return marked / len(words) < 0.2


def ocr_evidence(text: str) -> int:
    """How many words are accented but cannot be Vietnamese syllables (ừong, cưong, hộí): clean
    typed text has none, an OCR'd accented text has many. Acronyms (HĐND, QĐ) do not count."""
    count = 0
    for w in _WORD_RE.findall(text):
        if not w.isascii() and any(c.islower() for c in w) and not valid_syllable(canonical_tones(w)):
            count += 1
    return count


def repair_ocr(m: Mapped, *, ocr: bool) -> Mapped:
    """General OCR repairs; each one only fires on spellings that are not Vietnamese as written,
    except the word-pair lexicon, which only runs on text known to be OCR output (``ocr``)."""
    stripped = _is_stripped(m.text)
    m = m.sub(_LEAD_JUNK_RE, "")
    m = m.sub(_J_RE, ";")
    m = m.sub(_TR_RE, _fix_tr)
    m = m.sub(_UO_RE, _fix_uo)
    m = m.sub(_MG_RE, _fix_mg)
    m = m.sub(_WORD_RE, lambda x: _fix_two_tones(x.group(0)))
    m = m.sub(_SPLIT_RE, _fix_split)
    m = m.sub(_ROMAN_DIGIT_RE, _fix_roman_digit)
    m = m.sub(_CODE_QB_RE, "QĐ")
    m = _repair_tokens(m, stripped=stripped)
    if stripped:  # a second pass sees the neighbours the first one repaired ("Nhin din" -> "Nhan dan")
        m = _repair_tokens(m, stripped=stripped)
    m = m.sub(_QUARTER_RE, _fix_quarter)
    m = m.sub(_ROMAN_SPLIT_RE, _fix_roman_split)
    if ocr and not stripped:
        m = tones(m)
        m = _repair_pairs(m)
    return m
