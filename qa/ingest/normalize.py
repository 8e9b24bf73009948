"""Clean a document's raw text for display and search while keeping an exact map back to the raw file.

The seed documents come from two sources: markdown conversions (bold/heading marks, ``<sup>N</sup>``
footnotes, page breaks that split sentences) and OCR (hard line wraps, misread diacritics, digits for
letters). Everything downstream (chunking, BM25, the dense model, citations) wants the author's text, one
paragraph per line; a citation must still point at the exact bytes of the raw file. So every pass here works
on a *mapped string*: text plus, for each character, the raw range it came from.

The entry points only; the work is done in layers, each small and pure:

* `qa.ingest.offsets`: the mapped string and what a document keeps of it (`NormalizedText`);
* `qa.ingest.characters`: character rules (NFC, Ð, tone-mark convention, markdown marks, whitespace),
  shared by :func:`normalize_document` and :func:`normalize_fragment`;
* `qa.ingest.ocr.repair`: OCR repair, decided by the syllable model of `qa.text.vietnamese`;
* `qa.ingest.layout`: line/block rules (page numbers, separators, footnote blocks, joining wrapped lines
  and page breaks), used by :func:`normalize_document` only.
"""

from __future__ import annotations

import itertools
import logging
import re
from array import array

from qa.ingest.characters import MARK_OCR, MARK_RE, MARK_SUP, collapse_spaces, eth, markup, nfc, tones
from qa.ingest.layout import Line, raw_lines, structure
from qa.ingest.ocr.repair import HEADING_COMMA_RE, looks_like_ocr, ocr_evidence, repair_ocr
from qa.ingest.offsets import Footnote, Mapped, NormalizedText, trim_range

logger = logging.getLogger(__name__)

__all__ = ["Footnote", "NormalizedText", "normalize_document", "normalize_fragment"]


def _clean(m: Mapped, *, ocr: bool) -> Mapped:
    """The character rules shared by documents and fragments (markup already removed)."""
    m = nfc(m)
    m = eth(m)
    m = tones(m)
    m = repair_ocr(m, ocr=ocr)
    m = tones(m)
    return collapse_spaces(m)


def _line_sep(a: Line, b: Line, raw: str) -> str:
    """A document number broken at its hyphen ("01-" / "KL/TW") is joined without a space."""
    if re.search(r"\d-$", raw[a.start : a.end].rstrip()) and re.match(
        r"\s*[A-ZĐ]{1,6}/", raw[b.start : b.end]
    ):
        return ""
    return " "


def _paragraph(raw: str, lines: list[Line], *, keep_refs: bool, ocr: bool) -> Mapped:
    """One logical paragraph: its lines without markup, joined, then the character rules."""
    parts = [
        markup(Mapped.from_raw(raw, ln.start, ln.end), keep_refs=keep_refs, table=ln.table).strip()
        for ln in lines
    ]
    m = Mapped.join(parts, [_line_sep(a, b, raw) for a, b in itertools.pairwise(lines)])
    m = m.sub(HEADING_COMMA_RE, lambda x: f"{x.group(1)}.{x.group(2)}.")
    return _clean(m, ocr=ocr)


def _take_markers(m: Mapped) -> tuple[Mapped, list[tuple[int, int, bool]]]:
    """Remove footnote markers; return (position, label, from_ocr) for each, positions in the result."""
    if not MARK_RE.search(m.text):
        return m, []
    text, starts, ends = [], [], []
    found: list[tuple[int, int, bool]] = []
    t = m.text
    for i, ch in enumerate(t):
        code = ord(ch)
        if MARK_SUP <= code < MARK_SUP + 1024 or MARK_OCR <= code < MARK_OCR + 1024:
            ocr = code >= MARK_OCR
            found.append((len(text), code - (MARK_OCR if ocr else MARK_SUP), ocr))
            continue
        if ch == " " and text and text[-1] == " ":
            continue
        text.append(ch)
        starts.append(m.starts[i])
        ends.append(m.ends[i])
    while text and text[-1] == " ":
        text.pop(), starts.pop(), ends.pop()
    found = [(min(p, len(text)), lab, ocr) for p, lab, ocr in found]
    return Mapped("".join(text), starts, ends), found


# --------------------------------------------------------------------------------------------------
# Entry points
# --------------------------------------------------------------------------------------------------


def normalize_document(raw: str, *, ocr: bool | None = None) -> NormalizedText:
    """Normalise a whole document: structure (paragraphs, footnotes, cuts) and character rules.

    OCR repair beyond impossible spellings runs only on OCR output: `ocr` when the caller knows how the
    text was obtained (our own Tesseract run), else strong evidence in the text (`looks_like_ocr`)."""
    st = structure(raw)
    if ocr is None:
        ocr = looks_like_ocr(raw)
        if ocr:
            logger.info("text shows OCR damage (%d impossible words): OCR repair on", ocr_evidence(raw))
    parts: list[Mapped] = []
    refs: list[tuple[int, str]] = []
    pending_refs: list[list[tuple[int, int, bool]]] = []
    for lines in st.paragraphs:
        m, markers = _take_markers(_paragraph(raw, lines, keep_refs=True, ocr=ocr))
        if m.text:
            parts.append(m)
            pending_refs.append(markers)
    doc = Mapped.join(parts, ["\n"] * max(len(parts) - 1, 0))
    offset = 0
    last_label = 0
    for m, markers in zip(parts, pending_refs):
        for pos, label, from_ocr in markers:
            if from_ocr and label != last_label + 1:
                continue  # a stray digit, not the next footnote
            refs.append((offset + pos, str(label)))
            last_label = max(last_label, label)
        offset += len(m.text) + 1
    footnotes = []
    for label, paras in st.footnotes.items():
        texts, spans = [], []
        for lines in paras:
            m, _ = _take_markers(_paragraph(raw, lines, keep_refs=False, ocr=ocr))
            if m.text:
                texts.append(m.text)
                spans.extend(trim_range(raw, ln.start, ln.end) for ln in lines)
        if texts:
            footnotes.append(Footnote(label=label, text="\n".join(texts), spans=tuple(spans)))
    return NormalizedText(
        raw=raw,
        text=doc.text,
        starts=array("i", doc.starts),  # a quarter of a list's memory: documents stay cached (qa/compare.py)
        ends=array("i", doc.ends),
        footnotes=footnotes,
        footnote_refs=refs,
        cuts=st.cuts,
    )


def normalize_fragment(text: str, *, ocr: bool | None = None) -> str:
    """Apply the character rules (NFC, tone marks, Đ, markdown, OCR repair, whitespace) to a short
    string such as a question or a raw slice; no paragraph or footnote work, all whitespace becomes
    single spaces. OCR repair runs in full when `ocr` says the string is OCR output (a slice of an OCR
    document) or, left None, when the string itself shows OCR damage."""
    m = Mapped(text, list(range(len(text))), list(range(1, len(text) + 1)))
    lines = [markup(m.slice(s, e), keep_refs=False).strip() for s, e in raw_lines(text)]
    joined = Mapped.join(lines, [" "] * len(lines))
    joined = joined.sub(HEADING_COMMA_RE, lambda x: f"{x.group(1)}.{x.group(2)}.")
    out, _ = _take_markers(_clean(joined, ocr=ocr_evidence(text) >= 1 if ocr is None else ocr))
    return out.text
