"""OCR repair: the misreadings of Tesseract's Vietnamese and English models, fixed by general rules of
Vietnamese spelling (a syllable model) rather than per-file word tables.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from qa.ingest.characters import tones
from qa.ingest.ocr.tokens import match_case, repair_tokens
from qa.ingest.ocr.vocabulary import LETTER, LEXICON
from qa.ingest.offsets import Mapped
from qa.text.numbers import is_roman
from qa.text.vietnamese import canonical_tones, fold, valid_folded, valid_syllable

# --------------------------------------------------------------------------------------------------
# OCR repair
# --------------------------------------------------------------------------------------------------

_WORD_RE = re.compile(LETTER + "+")

# "ừ" (and the cluster "ĩỉ‘") is how this OCR reads a word-initial "tr": ừong, ừên, phát ừiển, duy ừì.
_TR_RE = re.compile(r"(?<![^\W\d_])(ừ|Ừ|[ĩỉìíị][ĩỉìíị‘’']{1,2})(" + LETTER + r"+)")
# "ư" followed by a plain o is never a Vietnamese rhyme; the o lost its horn (kỷ cưong, chất lưọng).
_UO_RE = re.compile(r"([ưƯ])([oóòỏõọOÓÒỎÕỌ])(?=" + LETTER + ")")
_HORN = {"o": "ơ", "ó": "ớ", "ò": "ờ", "ỏ": "ở", "õ": "ỡ", "ọ": "ợ"}
# "m" misread for "n" in a final "ng" (thưomg -> thương).
_MG_RE = re.compile(r"(?<=" + LETTER + r")([mM])([gG])(?!" + LETTER + ")")
# A Vietnamese word never ends in j: it is a misread ";" (thành phốj -> thành phố;).
_J_RE = re.compile(r"(?<=[^\W\d_a-zA-Z])j(?=\s|$)")
# Junk glued to the front of a word after a space: ".tuyến", "‘-với" (a real quote or dash has a space).
_LEAD_JUNK_RE = re.compile(r"(?<=\s)(?:\.|[‘’'`]?-)(?=" + LETTER + r")")
# A syllable split by a stray space: "v ề", "m ãu", "ủ y".
_SPLIT_RE = re.compile(
    r"(?<![^\W\d_])([bcdđghklmnpqrstvx]|[ùúủũụòóỏõọàáảãạèéẻẽẹìíỉĩị]) ("
    + LETTER
    + r"{1,5})(?!"
    + LETTER
    + ")"
)
# A word with two tone marks (hộí, VỚÍ): keep the first.
_TONES_CLASS = "\u0300\u0301\u0303\u0309\u0323"
_TONED = "".join(c for c in map(chr, range(0xC0, 0x1F00))
                 if any(m in _TONES_CLASS for m in unicodedata.normalize("NFD", c)))
# Only a word with two toned letters is looked at (the rule runs on every paragraph of every document).
_TWO_TONES_RE = re.compile(f"{LETTER}*[{_TONED}]{LETTER}*[{_TONED}]{LETTER}*")

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


_REFERENCE_BEFORE = re.compile(r"(?:điểm|mục|tiết|khoản|cột|mẫu|phụ lục|ký hiệu)\s+$", re.IGNORECASE)


def _fix_split(x: re.Match) -> str | None:
    a, b = x.group(1), x.group(2)
    if _REFERENCE_BEFORE.search(x.string, max(0, x.start() - 12), x.start()):
        return None  # "điểm d ở trên": a letter that names a point, not half a syllable
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
        known = LEXICON.get(fold(pair).lower())
        if known is None or known == pair.lower():
            continue
        new_a, new_b = known.split(" ")
        current[i] = match_case(current[i], new_a)
        current[i + 1] = match_case(current[i + 1], new_b)
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


class Scope(StrEnum):
    """Where a rule may run. ANY only for spellings that can never be Vietnamese as written, so clean
    text is never touched; the others only on text that OCR produced (`qa.ingest.normalize` decides)."""

    ANY = "any text"
    OCR = "OCR output, accented or not"
    ACCENTED = "accented OCR output"
    STRIPPED = "OCR output without accents"


@dataclass(frozen=True)
class Rule:
    """One repair, with where it may run, where it came from, and a reading it fixes next to clean text
    it must leave alone (both checked by tests/ingest/test_ocr_rules.py)."""

    name: str
    scope: Scope
    apply: Callable[[Mapped], Mapped]
    origin: str
    fixes: tuple[str, str]
    keeps: str


def _sub(pattern: re.Pattern[str],
         repl: str | Callable[[re.Match], str | None]) -> Callable[[Mapped], Mapped]:
    return lambda m: m.sub(pattern, repl)


_TESSERACT_VIE = "Tesseract's Vietnamese model on scanned Party documents"
_TESSERACT_ENG = "Tesseract's English model on scans of Vietnamese text (accents lost)"
RULES: tuple[Rule, ...] = (
    Rule("junk before a word", Scope.OCR, _sub(_LEAD_JUNK_RE, ""), _TESSERACT_VIE,
         ("trên .tuyến phố", "trên tuyến phố"), "Các mục - với nhau; “với” và v.v."),
    Rule("j for a semicolon", Scope.ANY, _sub(_J_RE, ";"), _TESSERACT_VIE,
         ("thành phốj quận", "thành phố; quận"), "Hội nghị Taj Mahal; tiếng Việt"),
    Rule("ừ for tr", Scope.ANY, _sub(_TR_RE, _fix_tr), _TESSERACT_VIE,
         ("ừong năm, phát ừiển", "trong năm, phát triển"), "Ừ, vâng; trong năm phát triển"),
    Rule("ưo without its horn", Scope.ANY, _sub(_UO_RE, _fix_uo), _TESSERACT_VIE,
         ("kỷ cưong, chất lưọng", "kỷ cương, chất lượng"), "kỷ cương, chất lượng, người"),
    Rule("m for n in -ng", Scope.ANY, _sub(_MG_RE, _fix_mg), _TESSERACT_VIE,
         ("thưomg xuyên", "thương xuyên"), "tỉnh Quảng Ninh, liều 5mg/l"),
    Rule("two tone marks", Scope.ANY, _sub(_TWO_TONES_RE, lambda x: _fix_two_tones(x.group(0))),
         _TESSERACT_VIE, ("hộí nghị", "hội nghị"), "hội nghị tổng kết"),
    Rule("syllable split by a space", Scope.OCR, _sub(_SPLIT_RE, _fix_split), _TESSERACT_VIE,
         ("v ề việc", "về việc"), "điểm d ở trên; mục a ở dưới"),
    Rule("1 or l in a roman numeral", Scope.OCR, _sub(_ROMAN_DIGIT_RE, _fix_roman_digit), _TESSERACT_VIE,
         ("khóa XV1", "khóa XVI"), "khóa XVI, mã X1, tờ l"),
    Rule("B for Đ in a document code", Scope.OCR, _sub(_CODE_QB_RE, "QĐ"), _TESSERACT_ENG,
         ("số 218-QB/TW", "số 218-QĐ/TW"), "QB là ký hiệu; số 218-QĐ/TW"),
    Rule("digits and symbols for letters", Scope.ACCENTED, lambda m: repair_tokens(m, stripped=False),
         _TESSERACT_VIE, ("kinh tế - x4 hội, thành ph6", "kinh tế - xã hội, thành phố"),
         "Covid-19, A4, QH15, 13,22% và 5G"),
    Rule("letters of a text without accents", Scope.STRIPPED, lambda m: repair_tokens(repair_tokens(
         m, stripped=True), stripped=True), _TESSERACT_ENG,
         ("Nhin din thanh ph6", "Nhan dan thanh pho"), "nhan dan thanh pho"),
    Rule("quarter numeral misread", Scope.OCR, _sub(_QUARTER_RE, _fix_quarter), _TESSERACT_VIE,
         ("Quý H năm 2022", "Quý II năm 2022"), "Quý khách; Khóa học"),
    Rule("roman numeral split", Scope.OCR, _sub(_ROMAN_SPLIT_RE, _fix_roman_split), _TESSERACT_VIE,
         ("khóa X VI", "khóa XVI"), "khóa XVI; Đại hội XIII"),
    Rule("diacritics of a known word pair", Scope.ACCENTED, lambda m: _repair_pairs(tones(m)), _TESSERACT_VIE,
         ("kiếm soát, tố chức", "kiểm soát, tổ chức"), "không dễ, hơn nửa, cố công, phối hợp"),
)


def looks_like_ocr(text: str) -> bool:
    """Strong evidence in the text itself that OCR produced it: at least three words, and 0.3 % of all
    words, accented but impossible as Vietnamese (a clean typed document has none or one: a foreign name).
    Hard line wrapping is no evidence: typed PDFs and pasted text wrap too."""
    evidence = ocr_evidence(text)
    return evidence >= 3 and evidence >= 0.003 * len(_WORD_RE.findall(text))


def repair_ocr(m: Mapped, *, ocr: bool) -> Mapped:
    """Run the registry's rules in order: every ANY rule, and the others only on OCR output (``ocr``),
    each by whether the text kept its accents."""
    stripped = _is_stripped(m.text)
    for rule in RULES:
        if rule.scope is Scope.ANY or (ocr and (
                rule.scope is Scope.OCR or rule.scope is (Scope.STRIPPED if stripped else Scope.ACCENTED))):
            m = rule.apply(m)
    return m
