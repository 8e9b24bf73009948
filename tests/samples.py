"""Sample files made from the seed documents for tests and benchmarks: a PDF with a text layer, a scanned
PDF, a page image, a DOCX with headings, numbering and a table. Made on the fly so no binary is committed.

Pages are laid out one by one from the paragraphs given, so a test knows which page holds which text.
"""
from __future__ import annotations

import re
from pathlib import Path

FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf")
"""A font with every Vietnamese glyph (Debian: fonts-dejavu-core)."""
A4_INCHES = (8.27, 11.69)
MARGIN_INCHES = 0.9
_MARKUP_RE = re.compile(r"<sup>\s*\d+\s*</sup>|\*\*|^#+\s*", re.MULTILINE)


def plain_paragraphs(seed_text: str) -> list[str]:
    """A seed's paragraphs without its markdown marks (what a PDF of the document would print)."""
    text = _MARKUP_RE.sub("", seed_text)
    return [" ".join(p.split()) for p in re.split(r"\n\s*\n", text) if p.strip() and p.strip() != "-----"]


def pages_of(paragraphs: list[str], chars_per_page: int = 1800) -> list[list[str]]:
    """Paragraphs grouped into pages of about `chars_per_page` characters (a paragraph is never split)."""
    pages: list[list[str]] = [[]]
    size = 0
    for p in paragraphs:
        if pages[-1] and size + len(p) > chars_per_page:
            pages.append([])
            size = 0
        pages[-1].append(p)
        size += len(p)
    return pages


def _wrap(text: str, width: float, measure) -> list[str]:
    lines, line = [], ""
    for word in text.split():
        candidate = f"{line} {word}".strip()
        if line and measure(candidate) > width:
            lines.append(line)
            line = word
        else:
            line = candidate
    return lines + [line] if line else lines


def render_page(paragraphs: list[str], *, dpi: int = 300, font_pt: float = 12.0):
    """One printed A4 page as a grey Pillow image: the paragraphs wrapped, a blank line between them."""
    from PIL import Image, ImageDraw, ImageFont
    w, h = (int(x * dpi) for x in A4_INCHES)
    margin = int(MARGIN_INCHES * dpi)
    font = ImageFont.truetype(str(FONT), int(font_pt * dpi / 72))
    image = Image.new("L", (w, h), 255)
    draw = ImageDraw.Draw(image)
    line_h = int(font_pt * dpi / 72 * 1.45)
    y = margin
    for p in paragraphs:
        for line in _wrap(p, w - 2 * margin, font.getlength):
            if y + line_h > h - margin:
                raise ValueError("the paragraphs do not fit on one page")
            draw.text((margin, y), line, font=font, fill=0)
            y += line_h
        y += line_h // 2
    return image


def write_text_pdf(pages: list[list[str]], path: Path) -> Path:
    """A PDF with a text layer (reportlab, DejaVu embedded), one list of paragraphs per page."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas
    if "DejaVuSerif" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("DejaVuSerif", str(FONT)))
    c = canvas.Canvas(str(path), pagesize=A4)
    width, height = A4
    margin = MARGIN_INCHES * 72
    for paragraphs in pages:
        y = height - margin
        for p in paragraphs:
            for line in _wrap(p, width - 2 * margin, lambda s: pdfmetrics.stringWidth(s, "DejaVuSerif", 11)):
                c.setFont("DejaVuSerif", 11)
                c.drawString(margin, y, line)
                y -= 15
            y -= 8
        c.showPage()
    c.save()
    return path


def write_scanned_pdf(pages: list[list[str]], path: Path, *, dpi: int = 300) -> Path:
    """A PDF of page images only (what a scanner makes): no text layer."""
    images = [render_page(p, dpi=dpi) for p in pages]
    images[0].save(path, "PDF", resolution=dpi, save_all=True, append_images=images[1:])
    return path


def write_docx(path: Path, *, title: str, headings: list[tuple[int, str]], body: dict[str, list[str]],
               table: list[list[str]] | None = None, numbered: list[str] = (),
               legacy: tuple[str, str, str] | None = None):
    """A Word file: a title, Heading-styled sections (each with body paragraphs), Word-numbered items, a table
    (first row a header), and optionally one paragraph typed in a legacy font: \
(font, encoded text, unicode)."""
    import docx
    document = docx.Document()
    document.add_paragraph(title, style="Title")
    document.add_paragraph("")  # an empty paragraph: not counted
    for level, heading in headings:
        document.add_heading(heading, level=level)
        for p in body.get(heading, []):
            document.add_paragraph(p)
    for item in numbered:
        document.add_paragraph(item, style="List Number")
    if legacy is not None:
        font, encoded, _ = legacy
        run = document.add_paragraph().add_run(encoded)
        run.font.name = font
    if table:
        t = document.add_table(rows=0, cols=len(table[0]))
        for row in table:
            cells = t.add_row().cells
            for cell, value in zip(cells, row):
                cell.text = value
    document.save(str(path))
    return path


def seed_passages(n: int, size: int = 600) -> list[str]:
    """`n` windows of about `size` characters spread evenly over the five seeds, cut at spaces
    (what the embedder tests and benchmark encode)."""
    seeds = Path(__file__).resolve().parent.parent / "seeds"
    text = "\n".join(p.read_text(encoding="utf-8") for p in sorted(seeds.glob("*.txt")))
    step = (len(text) - size) // n
    out = []
    for i in range(n):
        start = text.find(" ", i * step) + 1
        end = text.rfind(" ", start, start + size)
        out.append(text[start:end])
    return out
