"""Vietnamese text typed before Unicode: TCVN3 (ABC, the ".VnTime" fonts) and VNI (the "VNI-Times" fonts),
recognised and converted to Unicode.

Both are 8-bit font encodings: a file's bytes read as Latin-1 (or a Word run's characters, which Word
stores as the Windows-1252 characters of those bytes) show as "Kõt luËn" (TCVN3) or "Keát luaän" (VNI).
TCVN3 gives each accented lower-case letter one code; capitals with an accent have none in the everyday
".VnTime" fonts: the ".VnTimeH" fonts draw the lower-case codes as capitals, a fact that a plain text file
loses (an all-capital word is restored as capitals; "Ủy" typed as a title-case word comes back as "ủy").
VNI writes a base letter followed by a mark character ("a" + "ù" = "á"). Windows-1258 (combining tone
marks) is recognised too, since Python decodes it natively.

Detection converts the text every way and keeps the reading whose words are Vietnamese syllables.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from qa.text.vietnamese import is_syllable

__all__ = [
    "LegacyText",
    "decode_legacy",
    "detect_legacy",
    "encode_legacy",
    "font_encoding",
    "tcvn3_to_unicode",
    "unicode_to_tcvn3",
    "unicode_to_vni",
    "vni_to_unicode",
]

# --------------------------------------------------------------------------------------------------
# TCVN3 (TCVN 5712:1993): 0xA1-0xFE is the ABC / VN3 set of the .VnTime fonts; the capitals in a few
# other slots of 0xA0-0xFF are the VN1 extension (no .VnTime font uses them, so reading them costs nothing).
# 0xB0-0xB4 are combining tone marks. 0x80-0x9F, capitals in VN1, hold Windows punctuation (“ ” – …) in
# the files Word and its fonts made, so they are read as Windows-1252 (as for VNI).
# --------------------------------------------------------------------------------------------------
_TCVN3_HIGH = (
    "\u00a0ĂÂÊÔƠƯĐăâêôơưđẰ"  # 0xA0
    "\u0300\u0309\u0303\u0301\u0323àảãáạẲằẳẵắẴ"  # 0xB0
    "ẮẦẨẪẤỀặầẩẫấậèỂẻẽ"  # 0xC0
    "éẹềểễếệìỉỄẾỒĩíịò"  # 0xD0
    "Ổỏõóọồổỗốộờởỡớợù"  # 0xE0
    "ỖủũúụừửữứựỳỷỹýỵỐ"  # 0xF0
)
_TCVN3_DECODE = {chr(0xA0 + i): uni for i, uni in enumerate(_TCVN3_HIGH) if i}
_TCVN3_DECODE_TABLE = str.maketrans(_TCVN3_DECODE)
_TCVN3_ENCODE = {uni: code for code, uni in _TCVN3_DECODE.items()
                 if not 0xB0 <= ord(code) <= 0xB4 and (uni.islower() or uni in "ĂÂÊÔƠƯĐ")}
"""Unicode -> the VN3 code (as a Latin-1 character): lower-case letters and Ă Â Ê Ô Ơ Ư Đ."""
_C1_AS_CP1252 = str.maketrans({chr(b): bytes([b]).decode("cp1252") for b in range(0x80, 0xA0)
                               if b not in (0x81, 0x8D, 0x8F, 0x90, 0x9D)})


def _windows_chars(data: bytes) -> str:
    """Bytes of an 8-bit font encoding as the characters Word would show: Latin-1, with 0x80-0x9F as
    Windows-1252 punctuation."""
    return data.decode("latin-1").translate(_C1_AS_CP1252)


def _windows_bytes(text: str) -> bytes:
    return bytes(ord(c) if ord(c) < 0x100 else c.encode("cp1252", errors="replace")[0] for c in text)


# --------------------------------------------------------------------------------------------------
# VNI: base letter + one mark character. Tones in the order sắc, huyền, hỏi, ngã, nặng.
# --------------------------------------------------------------------------------------------------
_TONE_ORDER = ("\u0301", "\u0300", "\u0309", "\u0303", "\u0323")
_VNI_TONE = "ùøûõï"
"""Tone mark characters on a plain vowel (lower case; upper case is ÙØÛÕÏ)."""
_VNI_HAT = "âáàåãä"
"""Circumflex without tone, then with sắc, huyền, hỏi, ngã, nặng."""
_VNI_BREVE = "êéèúüë"
"""Breve (ă) without tone, then with each tone."""
_VNI_SINGLE = {"ñ": "đ", "ô": "ơ", "ö": "ư", "í": "í", "ì": "ì", "æ": "ỉ", "ó": "ĩ", "ò": "ị", "î": "ỵ"}
"""Letters VNI writes as one character (upper case likewise: Ñ Ô Ö Í Ì Æ Ó Ò Î)."""


def _nfc(base: str, *marks: str) -> str:
    return unicodedata.normalize("NFC", base + "".join(marks))


def _vni_tables() -> tuple[dict[str, str], dict[str, str]]:
    """(two-character sequence -> letter, one character -> letter), lower and upper case."""
    pairs: dict[str, str] = {}
    for base, uni_base in (("a", "a"), ("e", "e"), ("o", "o"), ("u", "u"), ("y", "y"), ("ô", "ơ"),
                           ("ö", "ư")):
        for mark, tone in zip(_VNI_TONE, _TONE_ORDER):
            if base == "y" and tone == "\u0323":
                continue  # ỵ is the single character î
            pairs[base + mark] = _nfc(uni_base, tone)
    for base in "aeo":
        for i, mark in enumerate(_VNI_HAT):
            pairs[base + mark] = _nfc(base, "\u0302", *_TONE_ORDER[i - 1 : i] if i else ())
    for i, mark in enumerate(_VNI_BREVE):
        pairs["a" + mark] = _nfc("a", "\u0306", *_TONE_ORDER[i - 1 : i] if i else ())
    upper_pairs = {k.upper(): v.upper() for k, v in pairs.items()}
    # A capital base with lower-case marks ("Aù") turns up in files typed with Shift on the letter only.
    mixed = {k[0].upper() + k[1:]: v.upper() for k, v in pairs.items()}
    single = dict(_VNI_SINGLE) | {k.upper(): v.upper() for k, v in _VNI_SINGLE.items()}
    return pairs | mixed | upper_pairs, single


_VNI_PAIRS, _VNI_SINGLE_ALL = _vni_tables()
_VNI_RE = re.compile("|".join(sorted(map(re.escape, [*_VNI_PAIRS, *_VNI_SINGLE_ALL]), key=len, reverse=True)))
_VNI_ENCODE: dict[str, str] = {}
for _seq, _uni in [*_VNI_SINGLE_ALL.items(), *_VNI_PAIRS.items()]:
    if _seq[0].isupper() == _seq[-1].isupper() or len(_seq) == 1:
        _VNI_ENCODE.setdefault(_uni, _seq)

# --------------------------------------------------------------------------------------------------
# Conversions
# --------------------------------------------------------------------------------------------------
_WORD_RE = re.compile(r"[^\W\d_]+")


def _restore_capitals(original: str, converted: str) -> str:
    """Upper-case what was set in a .VnTimeH font: a line whose other letters are all capitals
    ("KÕT LUËN HéI NGHÞ" -> "KẾT LUẬN HỘI NGHỊ"), else a word whose other letters are ("NGHÞ QUYÕT")."""
    def plain_letters(a: int, b: int) -> list[str]:
        return [c for c, s in zip(converted[a:b], original[a:b]) if c == s and c.isalpha()]

    out: list[str] = []
    pos = 0
    for line in converted.splitlines(keepends=True):
        a, b = pos, pos + len(line)
        pos = b
        plain = plain_letters(a, b)
        if len(plain) >= 3 and all(c.isupper() for c in plain):
            out.append(line.upper())
            continue

        def fix(m: re.Match, a: int = a) -> str:
            word = m.group()
            plain = plain_letters(a + m.start(), a + m.end())
            capitals = sum(c.isupper() for c in word)
            if plain and len(plain) < len(word) and all(c.isupper() for c in plain) and capitals >= 2:
                return word.upper()
            return word
        out.append(_WORD_RE.sub(fix, line))
    return "".join(out)


def tcvn3_to_unicode(text: str, *, uppercase: bool = False) -> str:
    """TCVN3 text (each code as its Latin-1 or Windows-1252 character) in Unicode (NFC).

    `uppercase` for text set in a capitals font (".VnTimeH"); otherwise all-capital words are restored.
    """
    converted = unicodedata.normalize("NFC", text.translate(_TCVN3_DECODE_TABLE))
    if uppercase:
        return converted.upper()
    return _restore_capitals(text, converted) if len(converted) == len(text) else converted


def unicode_to_tcvn3(text: str) -> str:
    """Unicode text as a .VnTime document stores it (Latin-1 characters): capitals without a code of their
    own are written with the lower-case code, as a .VnTimeH font would show them. Used to make samples."""
    out = []
    for ch in unicodedata.normalize("NFC", text):
        if ch in _TCVN3_ENCODE:
            out.append(_TCVN3_ENCODE[ch])
        elif ch.lower() in _TCVN3_ENCODE and ch.lower() != ch:
            out.append(_TCVN3_ENCODE[ch.lower()])
        else:
            out.append(ch)
    return "".join(out)


def encode_legacy(text: str, encoding: str) -> bytes:
    """Unicode text as the bytes of a file typed in "tcvn3" or "vni" (punctuation as Windows-1252).
    Used to make samples for tests and benchmarks."""
    convert = {"tcvn3": unicode_to_tcvn3, "vni": unicode_to_vni}[encoding]
    return _windows_bytes(convert(text))


def vni_to_unicode(text: str) -> str:
    """VNI text (each code as its Latin-1 character) in Unicode (NFC)."""
    return _VNI_RE.sub(lambda m: _VNI_PAIRS.get(m.group()) or _VNI_SINGLE_ALL[m.group()], text)


def unicode_to_vni(text: str) -> str:
    """Unicode text as a VNI document stores it (Latin-1 characters). Used to make samples."""
    return "".join(_VNI_ENCODE.get(ch, ch) for ch in unicodedata.normalize("NFC", text))


# --------------------------------------------------------------------------------------------------
# Detection
# --------------------------------------------------------------------------------------------------
SAMPLE_CHARS = 200_000
"""Detection reads this much of a text: plenty to tell the encodings apart, and quick on a large file."""


def _score(text: str) -> tuple[int, int]:
    """(accented words that are Vietnamese syllables, accented words that cannot be)."""
    good = bad = 0
    for word in _WORD_RE.findall(text[:SAMPLE_CHARS]):
        if word.isascii():
            continue
        if is_syllable(word):
            good += 1
        else:
            bad += 1
    return good, bad


@dataclass(frozen=True)
class LegacyText:
    text: str
    encoding: str
    """"tcvn3", "vni" or "cp1258"."""


MIN_WORDS = 3
"""Accented words a reading needs before it is believed."""
MAX_BAD_SHARE = 0.15
"""A reading with at most this share of impossible accented words is believed outright."""
MIN_GOOD_SHARE = 0.3
LEAD = 3
"""Else (an OCR'd or damaged text) it needs this share of good words and this many times the good words
of any other reading."""


def _readings(data: bytes) -> dict[str, str]:
    latin = _windows_chars(data)
    readings = {"tcvn3": tcvn3_to_unicode(latin), "vni": vni_to_unicode(latin)}
    try:
        readings["cp1258"] = unicodedata.normalize("NFC", data.decode("cp1258"))
    except UnicodeDecodeError:
        pass
    return readings


def _best(readings: dict[str, str]) -> LegacyText | None:
    scores = {name: _score(text) for name, text in readings.items()}
    name = max(scores, key=lambda n: scores[n][0] - scores[n][1])
    good, bad = scores[name]
    runner_up = max((g for n, (g, _) in scores.items() if n != name), default=0)
    if good < MIN_WORDS:
        return None
    clean = bad <= MAX_BAD_SHARE * (good + bad)
    if clean or (good >= MIN_GOOD_SHARE * (good + bad) and good >= LEAD * runner_up):
        return LegacyText(readings[name], name)
    return None


def decode_legacy(data: bytes) -> LegacyText | None:
    """The bytes of a text file in TCVN3, VNI or Windows-1258, as Unicode; None when no reading is
    Vietnamese."""
    return _best(_readings(data))


_CP1252_ONLY = frozenset(bytes(range(0x80, 0xA0)).decode("cp1252", errors="ignore"))


def detect_legacy(text: str) -> LegacyText | None:
    """Unicode text that is really TCVN3 or VNI read as Windows-1252 (a Word file set in a legacy font
    that the font names did not give away), converted; None for real Unicode text.

    Real Vietnamese Unicode has letters beyond Latin-1 (ư, ơ, đ, ạ ...); legacy text has none.
    """
    if any(ord(c) > 0xFF and c not in _CP1252_ONLY and c.isalpha() for c in text):
        return None
    if not any(0xA0 <= ord(c) <= 0xFF for c in text):
        return None
    return _best({"tcvn3": tcvn3_to_unicode(text), "vni": vni_to_unicode(text)})


def font_encoding(font: str | None) -> tuple[str, bool] | None:
    """(encoding, capitals) for a legacy Vietnamese font name: ".VnTime" -> ("tcvn3", False),
    ".VnTimeH" -> ("tcvn3", True), "VNI-Times" -> ("vni", False); None for a Unicode font."""
    if not font:
        return None
    name = font.strip()
    if name.lower().startswith(".vn"):
        return "tcvn3", name.endswith("H")
    if re.match(r"vni[- ]", name, re.IGNORECASE):
        return "vni", False
    return None
