"""The Vietnamese text layer's core: accent folding, one tone-mark convention, and the syllable model.

Everything that compares Vietnamese text (BM25, highlighting, metadata patterns, the accent restorer, OCR
repair) folds and tones through here, so "Thành uỷ", "Thành ủy" and "Thanh uy" meet in one place.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from functools import lru_cache

__all__ = ["OLD_TONE_RE", "TONES", "canonical_tones", "fold", "fold_lower", "is_syllable", "move_tone",
           "valid_folded", "valid_syllable"]

# --------------------------------------------------------------------------------------------------
# Accent folding and the tone-mark convention
# --------------------------------------------------------------------------------------------------

TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}  # huyền, sắc, ngã, hỏi, nặng
_COMBINING_GRAPHEME_JOINER = "\u034f"


def _build_fold_table() -> dict[int, str]:
    table: dict[int, str] = {0x0110: "D", 0x0111: "d", 0x00D0: "D", 0x00F0: "d"}
    for cp in itertools.chain(range(0x00C0, 0x0250), range(0x1E00, 0x1F00)):
        ch = chr(cp)
        if cp in table:
            continue
        base = unicodedata.normalize("NFD", ch)[0]
        if base != ch and len(base) == 1 and base.isascii():
            table[cp] = base
    for cp in range(0x0300, 0x0370):  # a stray combining mark: keep the length, drop the accent
        table[cp] = _COMBINING_GRAPHEME_JOINER
    return table


_FOLD_TABLE = _build_fold_table()


def fold(text: str) -> str:
    """Fold accents so text typed without them (or the accent-stripped OCR file) matches.

    Character i of the result is character i of the input with every diacritic removed (đ -> d,
    Đ -> D, ệ -> e), so offsets found in folded text are offsets in the original. Case is kept.
    Input is expected in NFC (as the normalise functions return it); a stray combining mark becomes an
    invisible U+034F so the length still matches.
    """
    return text.translate(_FOLD_TABLE)


def fold_lower(text: str) -> str:
    """`fold` and lower-cased, still character for character (offsets in it are offsets in `text`): what
    period, cue and topic patterns are matched against. A character whose lower case is longer ("İ")
    keeps its case, so the length never changes."""
    folded = text.translate(_FOLD_TABLE)
    low = folded.lower()
    if len(low) == len(folded):
        return low
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in folded)


# Old ("hoà", "uỷ", "khoẻ") and new ("hòa", "ủy", "khỏe") placement of the tone mark on oa/oe/uy at the end
# of a syllable. The seeds mostly write "Thành ủy", "hóa", so the mark goes on the first vowel.
OLD_TONE_RE = re.compile(r"(?<![qQ])([oOuU])([àáảãạÀÁẢÃẠèéẻẽẹÈÉẺẼẸỳýỷỹỵỲÝỶỸỴ])(?![^\W\d_])")


def move_tone(m: re.Match) -> str | None:
    first, second = m.group(1), m.group(2)
    pair = (first.lower(), unicodedata.normalize("NFD", second)[0].lower())
    if pair not in {("o", "a"), ("o", "e"), ("u", "y")}:
        return None
    decomposed = unicodedata.normalize("NFD", second)
    tone = "".join(c for c in decomposed if c in TONES)
    new_first = unicodedata.normalize("NFC", first + tone)
    return new_first + decomposed[0]


def canonical_tones(text: str) -> str:
    """Write oa/oe/uy syllables one way (hòa, khỏe, ủy), so "Thành uỷ" and "Thành ủy" are the same string.

    "quý"/"quỳ" keep their mark on y: there the u belongs to "qu". Syllables with a final consonant
    ("hoàng", "tuyến") are never ambiguous and are left alone.
    """
    return OLD_TONE_RE.sub(lambda m: move_tone(m) or m.group(0), text)


# --------------------------------------------------------------------------------------------------
# Vietnamese syllable model
# --------------------------------------------------------------------------------------------------

_RHYMES = frozenset(
    """
    a ai ao au ay am an ang anh ap at ac ach
    ăm ăn ăng ăp ăt ăc
    âu ây âm ân âng âp ât âc
    e eo em en eng ep et ec
    ê êu êm ên ênh êp êt êch
    i ia iu im in inh ip it ich
    iêu iêm iên iêng iêp iêt iêc
    y yêu yêm yên yêt
    o oi om on ong op ot oc oong
    ô ôi ôm ôn ông ôp ôt ôc
    ơ ơi ơm ơn ơp ơt
    u ua ui um un ung up ut uc
    uôi uôm uôn uông uôt uôc
    ư ưa ưi ưu ưm ưn ưng ưt ưc
    ươi ươu ươm ươn ương ươp ươt ươc
    oa oai oao oay oam oan oang oanh oap oat oac oach
    oăm oăn oăng oăt oăc
    oe oeo oen oet
    uân uâng uât uây
    uê uênh uêch
    uy uya uyu uyn uynh uyt uych uyên uyêt
    uơ
    """.split()
)
_INITIALS = "ngh ng nh ch gh gi kh ph qu th tr b c d đ g h k l m n r s t v x".split() + [""]
_STOP_FINALS = ("p", "t", "c", "ch")
_FOLDED_RHYMES = frozenset(fold(r) for r in _RHYMES)
_FOLDED_INITIALS = tuple(dict.fromkeys(fold(i) for i in _INITIALS))


def _initial_fits(initial: str, rhyme: str) -> bool:
    """Spelling rules for c/k/q, g/gh and ng/ngh (on folded or accented text alike)."""
    head = fold(rhyme[:1])
    if initial == "c":
        return head not in ("e", "i", "y")
    if initial == "k":
        return head in ("e", "i", "y")
    if initial in ("gh", "ngh"):
        return head in ("e", "i")
    if initial == "g":
        return head not in ("e", "y")
    if initial == "ng":
        return head not in ("e", "i", "y")
    if initial == "qu":
        return head in ("a", "e", "i", "y", "o") and rhyme[:1] != "o"
    return True


def _split_syllable(word: str, rhymes: frozenset[str], initials) -> bool:
    for initial in initials:
        if not word.startswith(initial):
            continue
        rhyme = word[len(initial) :]
        if initial == "gi" and rhyme == "":
            return True
        if initial == "qu" and rhyme[:1] in ("ô", "ơ", "o"):
            if rhyme in rhymes or ("u" + rhyme) in rhymes or ("o" + rhyme) in rhymes:
                return True
            continue
        if rhyme in rhymes and _initial_fits(initial, rhyme):
            return True
    return False


@lru_cache(maxsize=65536)
def valid_folded(word: str) -> bool:
    """Whether an accent-free spelling can be a Vietnamese syllable (any accents put back)."""
    w = fold(word).lower()
    return bool(w) and w.isascii() and w.isalpha() and _split_syllable(w, _FOLDED_RHYMES, _FOLDED_INITIALS)


@lru_cache(maxsize=65536)
def valid_syllable(word: str) -> bool:
    """Whether an accented spelling is a possible Vietnamese syllable: one tone mark at most, a known
    initial and rhyme, and only sắc/nặng on a syllable closed by p/t/c/ch."""
    decomposed = unicodedata.normalize("NFD", word.lower())
    tones = [c for c in decomposed if c in TONES]
    if len(tones) > 1:
        return False
    base = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in TONES))
    if not _split_syllable(base, _RHYMES, _INITIALS):
        return False
    if base.endswith(_STOP_FINALS) and tones and tones[0] not in ("\u0301", "\u0323"):
        return False
    if base.endswith(_STOP_FINALS) and not tones:
        return False
    return True


def is_syllable(word: str) -> bool:
    """Whether one word (any case, accented) can be a Vietnamese syllable; legacy-encoding detection uses
    it."""
    return valid_syllable(word.lower())
