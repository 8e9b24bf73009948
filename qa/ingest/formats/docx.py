"""Word (DOCX): body paragraphs and tables in reading order, with the structure the chunker understands.

* Each non-empty paragraph is one block, and so is each table row (cells separated by tabs, which the
  normaliser shows as "cell | cell" and never joins with the next row); blocks are separated by a blank
  line. A citation's "đoạn N" is the N-th block: empty paragraphs do not count.
* Word's automatic numbering is written out ("1.", "2.1.", "a)", "-") so numbered headings and annex items
  read as they print; a paragraph in a Heading style is marked "#" (one per level), as in markdown.
* Runs set in a TCVN3 font (".VnTime", ".VnTimeH" for capitals) or a VNI font ("VNI-Times") are
  converted to Unicode; a file whose fonts say nothing but whose text is legacy is caught by detection.
Headers, footers, footnotes, comments and text boxes are left out.
"""
from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from docx import Document as open_docx
from docx.oxml.ns import qn
from docx.text.run import Run

if TYPE_CHECKING:
    from docx.document import Document as DocxDocument
    from docx.oxml.xmlchemy import BaseOxmlElement
    from docx.styles.style import BaseStyle
    from docx.table import Table
    from docx.text.paragraph import Paragraph

from qa.ingest.formats import Extracted, ExtractError
from qa.ingest.legacy_encodings import detect_legacy, font_encoding, tcvn3_to_unicode, vni_to_unicode
from qa.ingest.locations import join_units

BLOCK_SEPARATOR = "\n\n"
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
"""A DOCX is a zip: refuse one whose parts unpack to more than this (a zip bomb)."""
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"
_HEADING_RE = re.compile(r"heading\s*(\d)", re.IGNORECASE)
_RUN_PATHS = ("./w:r | ./w:hyperlink/w:r | ./w:ins/w:r | ./w:smartTag/w:r | ./w:fldSimple/w:r"
              " | ./w:sdt/w:sdtContent/w:r")
_SPACES_RE = re.compile(r"[ \u00a0]*\n[ \u00a0]*")


def _check_container(path: Path) -> None:
    with open(path, "rb") as fh:
        head = fh.read(4)
    if head == _OLE_MAGIC:
        raise ExtractError(
            "tệp Word có mật khẩu, hoặc là tệp .doc cũ đổi tên; hãy lưu lại thành .docx không mật khẩu",
            "password-protected Word file, or an old .doc renamed; save it as .docx without a password")
    try:
        with zipfile.ZipFile(path) as zf:
            if sum(i.file_size for i in zf.infolist()) > MAX_UNPACKED_BYTES:
                raise ExtractError("tệp DOCX giải nén ra quá lớn", "the DOCX unpacks to too much data")
            if "word/document.xml" not in zf.namelist():
                raise ExtractError("không phải tệp DOCX (thiếu word/document.xml)",
                                   "not a DOCX (no word/document.xml)")
    except zipfile.BadZipFile as exc:
        raise ExtractError("tệp DOCX hỏng hoặc không phải DOCX",
                           f"damaged file or not a DOCX ({exc})") from exc


# --------------------------------------------------------------------------------------------------
# Fonts: which runs are typed in a legacy encoding
# --------------------------------------------------------------------------------------------------


def _rpr_font(rpr: BaseOxmlElement | None) -> str | None:
    if rpr is None:
        return None
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        return None
    return fonts.get(qn("w:hAnsi")) or fonts.get(qn("w:ascii"))


def _style_font(style: BaseStyle | None) -> str | None:
    while style is not None:
        font = _rpr_font(style.element.rPr)
        if font:
            return font
        style = style.base_style
    return None


class _Fonts:
    """A run's effective font: its own, its character style's, its paragraph style's, the document default."""

    def __init__(self, document: DocxDocument) -> None:
        defaults = document.styles.element.find(qn("w:docDefaults"))
        rpr = defaults.find(qn("w:rPrDefault") + "/" + qn("w:rPr")) if defaults is not None else None
        self.default = _rpr_font(rpr)
        self._styles: dict[str, str | None] = {}

    def paragraph_font(self, paragraph: Paragraph) -> str | None:
        style = paragraph.style
        key = style.style_id if style is not None else ""
        if key not in self._styles:
            self._styles[key] = _style_font(style) or self.default
        return self._styles[key]

    def run_font(self, run: Run, paragraph_font: str | None) -> str | None:
        own = _rpr_font(run._r.rPr)
        if own:
            return own
        rstyle = run._r.rPr.find(qn("w:rStyle")) if run._r.rPr is not None else None
        if rstyle is not None:
            return _style_font(run.style) or paragraph_font
        return paragraph_font


# --------------------------------------------------------------------------------------------------
# Automatic numbering
# --------------------------------------------------------------------------------------------------

_ROMAN = ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"), (50, "l"), (40, "xl"),
          (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i"))


def _roman(n: int) -> str:
    out = []
    for value, letters in _ROMAN:
        while n >= value:
            out.append(letters)
            n -= value
    return "".join(out)


def _format_number(n: int, fmt: str) -> str:
    if fmt in ("upperRoman", "lowerRoman"):
        r = _roman(n)
        return r.upper() if fmt == "upperRoman" else r
    if fmt in ("upperLetter", "lowerLetter"):
        letter = "abcdefghijklmnopqrstuvwxyz"[(n - 1) % 26] * ((n - 1) // 26 + 1)
        return letter.upper() if fmt == "upperLetter" else letter
    if fmt == "decimalZero":
        return f"{n:02d}"
    return str(n)


@dataclass
class _Level:
    fmt: str = "decimal"
    text: str = "%1."
    start: int = 1


def _val(parent: BaseOxmlElement, tag: str, default: str) -> str:
    el = parent.find(qn(tag))
    return el.get(qn("w:val"), default) if el is not None else default


@dataclass
class _Numbering:
    """Word's numbering definitions and the running counters, one list (numId) at a time."""

    levels: dict[str, dict[int, _Level]] = field(default_factory=dict)
    counters: dict[str, list[int]] = field(default_factory=dict)

    @classmethod
    def of(cls, document: DocxDocument) -> _Numbering:
        out = cls()
        try:
            root = document.part.numbering_part.element
        except (KeyError, NotImplementedError, AttributeError):
            return out
        abstract: dict[str, dict[int, _Level]] = {}
        for an in root.findall(qn("w:abstractNum")):
            levels = {}
            for lvl in an.findall(qn("w:lvl")):
                levels[int(lvl.get(qn("w:ilvl"), "0"))] = _Level(_val(lvl, "w:numFmt", "decimal"),
                                                                 _val(lvl, "w:lvlText", ""),
                                                                 int(_val(lvl, "w:start", "1") or 1))
            abstract[an.get(qn("w:abstractNumId"))] = levels
        for num in root.findall(qn("w:num")):
            ref = num.find(qn("w:abstractNumId"))
            levels = dict(abstract.get(ref.get(qn("w:val")) if ref is not None else "", {}))
            for override in num.findall(qn("w:lvlOverride")):
                start = override.find(qn("w:startOverride"))
                ilvl = int(override.get(qn("w:ilvl"), "0"))
                if start is not None and ilvl in levels:
                    base = levels[ilvl]
                    levels[ilvl] = _Level(base.fmt, base.text, int(start.get(qn("w:val"), "1")))
            out.levels[num.get(qn("w:numId"))] = levels
        return out

    def label(self, num_id: str, ilvl: int) -> str:
        """The next number of list `num_id` at level `ilvl`, as printed ("2.1.", "a)", "-"); "" for none."""
        levels = self.levels.get(num_id)
        if not levels or ilvl not in levels:
            return ""
        level = levels[ilvl]
        if level.fmt == "bullet":
            return "-"
        if level.fmt == "none":
            return level.text if "%" not in level.text else ""
        counters = self.counters.setdefault(num_id, [0] * 10)
        counters[ilvl] = counters[ilvl] + 1 if counters[ilvl] else levels[ilvl].start
        for deeper in range(ilvl + 1, len(counters)):
            counters[deeper] = 0

        def number(m: re.Match) -> str:
            k = int(m.group(1)) - 1
            lv = levels.get(k, _Level())
            return _format_number(counters[k] or lv.start, lv.fmt)
        return re.sub(r"%(\d)", number, level.text)


def _num_pr(paragraph: Paragraph) -> tuple[str, int] | None:
    """(numId, level) of a numbered paragraph, from the paragraph or its style; None when not numbered."""
    candidates = [paragraph._p.pPr]
    style = paragraph.style
    while style is not None:
        candidates.append(style.element.pPr)
        style = style.base_style
    for ppr in candidates:
        if ppr is None:
            continue
        num_pr = ppr.find(qn("w:numPr"))
        if num_pr is None:
            continue
        num_id = num_pr.find(qn("w:numId"))
        ilvl = num_pr.find(qn("w:ilvl"))
        nid = num_id.get(qn("w:val")) if num_id is not None else None
        if nid in (None, "0"):
            return None
        return nid, int(ilvl.get(qn("w:val"), "0")) if ilvl is not None else 0
    return None


# --------------------------------------------------------------------------------------------------
# Paragraphs and tables
# --------------------------------------------------------------------------------------------------


@dataclass
class _Reader:
    document: object
    fonts: _Fonts
    numbering: _Numbering
    converted: set[str] = field(default_factory=set)

    def runs_text(self, paragraph: Paragraph) -> str:
        """The paragraph's text, runs in a legacy font converted (consecutive runs of one font together)."""
        pfont = self.fonts.paragraph_font(paragraph)
        groups: list[tuple[tuple[str, bool] | None, list[str]]] = []
        for r in paragraph._p.xpath(_RUN_PATHS):
            run = Run(r, paragraph)
            enc = font_encoding(self.fonts.run_font(run, pfont))
            if groups and groups[-1][0] == enc:
                groups[-1][1].append(run.text)
            else:
                groups.append((enc, [run.text]))
        out = []
        for enc, texts in groups:
            text = "".join(texts)
            if enc is not None and text.strip():
                self.converted.add(enc[0])
                text = tcvn3_to_unicode(text, uppercase=enc[1]) if enc[0] == "tcvn3" else vni_to_unicode(text)
            out.append(text)
        return _SPACES_RE.sub(" ", "".join(out)).strip()

    def paragraph(self, paragraph: Paragraph, *, in_table: bool = False) -> str:
        num = _num_pr(paragraph)
        label = self.numbering.label(*num) if num else ""
        text = self.runs_text(paragraph)
        if not text:
            return ""
        if label:
            text = f"{label} {text}"
        if not in_table:
            name = paragraph.style.name if paragraph.style is not None else ""
            m = _HEADING_RE.match(name or "")
            level = int(m.group(1)) if m else (1 if name == "Title" else 0)
            if level:
                text = "#" * min(level, 6) + " " + text
        return text

    def table_rows(self, table: Table) -> Iterator[str]:
        from docx.table import _Cell
        for tr in table._tbl.tr_lst:
            cells = []
            for tc in tr.tc_lst:
                cell = _Cell(tc, table)
                parts = [self.paragraph(p, in_table=True) for p in cell.paragraphs]
                parts += [row.replace("\t", " ") for inner in cell.tables for row in self.table_rows(inner)]
                cells.append(" ".join(p for p in parts if p).replace("\t", " "))
            if any(cells):
                yield "\t".join(cells)

    def blocks(self) -> Iterator[str]:
        from docx.table import Table
        from docx.text.paragraph import Paragraph
        body = self.document.element.body

        def walk(parent: BaseOxmlElement) -> Iterator[BaseOxmlElement]:
            for child in parent.iterchildren():
                if child.tag == qn("w:sdt"):
                    content = child.find(qn("w:sdtContent"))
                    if content is not None:
                        yield from walk(content)
                elif child.tag in (qn("w:p"), qn("w:tbl")):
                    yield child

        for el in walk(body):
            if el.tag == qn("w:p"):
                text = self.paragraph(Paragraph(el, self.document))
                if text:
                    yield text
            else:
                yield from self.table_rows(Table(el, self.document))


def extract_docx(path: Path) -> Extracted:
    _check_container(path)
    document = open_docx(str(path))
    reader = _Reader(document, _Fonts(document), _Numbering.of(document))
    blocks = list(reader.blocks())
    method = "docx" + "".join(f"+{e}" for e in sorted(reader.converted))
    if not reader.converted:
        legacy = detect_legacy("\n".join(blocks))
        if legacy is not None:
            convert = tcvn3_to_unicode if legacy.encoding == "tcvn3" else vni_to_unicode
            blocks = [convert(b) for b in blocks]
            method += f"+{legacy.encoding}"
    if not blocks:
        raise ExtractError("tệp DOCX không có chữ", "the DOCX has no text")
    text, locations = join_units(blocks, "paragraph", BLOCK_SEPARATOR)
    return Extracted(text, locations, method)
