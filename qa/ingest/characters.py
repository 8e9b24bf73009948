"""Character rules shared by whole documents and short fragments: NFC, Đ/ð, one tone convention,
markdown and HTML marks, footnote markers, white space.
"""
from __future__ import annotations

import re
import unicodedata

from qa.ingest.offsets import Mapped
from qa.text.vietnamese import OLD_TONE_RE, move_tone

# --------------------------------------------------------------------------------------------------
# Character rules: Unicode and markdown
# --------------------------------------------------------------------------------------------------

# Footnote references survive the character passes as private-use characters and are turned into
# ``footnote_refs`` at the very end. MARK_SUP: a markdown <sup>N</sup>; MARK_OCR: a digit glued to a word
# in OCR text, accepted only if it continues the document's footnote numbering.
MARK_SUP = 0xE000
MARK_OCR = 0xF000
MARK_RE = re.compile("[\ue000-\ue3ff\uf000-\uf3ff]")

_COMBINING_RE = re.compile(r".[\u0300-\u036f]+", re.DOTALL)
_ETH_RE = re.compile("[\u00d0\u00f0]")
HEADING_MARK_RE = re.compile(r"^\s*#{1,6}\s*")
_SUP_RE = re.compile(r"<sup>\s*([^<>\s]{1,4})\s*</sup>", re.IGNORECASE)
_TAG_RE = re.compile(r"</?(?:b|i|u|em|strong|span|p|br|sub|sup|font|div|mark)\b[^>]*>", re.IGNORECASE)
_STARS_RE = re.compile(r"(?<!\()\*+|\*+(?!\))")
_MD_ESCAPE_RE = re.compile(r"\\(?=[*_#\-.()\[\]])")
_BACKSLASH_RE = re.compile(r"\\")
_SPACES_RE = re.compile(r"[ \t\u00a0\u2000-\u200b\u202f\u3000\ufeff]+")
_TAB_RE = re.compile(r"\s*\t\s*")


def nfc(m: Mapped) -> Mapped:
    if unicodedata.is_normalized("NFC", m.text):
        return m
    return m.sub(_COMBINING_RE, lambda x: unicodedata.normalize("NFC", x.group(0)))


def eth(m: Mapped) -> Mapped:
    """Ð (U+00D0, Icelandic eth) looks exactly like Đ and turns up in converted files."""
    return m.sub(_ETH_RE, lambda x: "Đ" if x.group(0) == "\u00d0" else "đ")


def tones(m: Mapped) -> Mapped:
    return m.sub(OLD_TONE_RE, move_tone)


def _sup_marker(x: re.Match) -> str:
    label = x.group(1)
    return chr(MARK_SUP + int(label)) if label.isdigit() and int(label) < 1024 else ""


def markup(m: Mapped, *, keep_refs: bool, table: bool = False) -> Mapped:
    """Remove markdown/HTML marks from one line: heading marks, bold/italic stars, tags, and <sup>N</sup>
    (kept as a marker when it is a footnote reference in running text)."""
    m = m.sub(HEADING_MARK_RE, "")
    m = m.sub(_SUP_RE, _sup_marker if keep_refs else "")
    m = m.sub(_TAG_RE, "")
    m = m.sub(_STARS_RE, "")
    m = m.sub(_MD_ESCAPE_RE, "")
    m = m.sub(_BACKSLASH_RE, " ")  # a stray backslash is OCR noise for a separator ("mẫu”\ xây dựng")
    if table:
        m = m.strip().sub(_TAB_RE, " | ")
    return m


def collapse_spaces(m: Mapped) -> Mapped:
    m = m.sub(_SPACES_RE, lambda x: None if x.group(0) == " " else " ")
    return m.strip()
