"""PDF: the text layer page by page (pypdf), and OCR for the pages that have none (a scan).

Pages are joined with a form feed between blank lines, so the normaliser sees a page break (a sentence cut
by it is joined again) and a citation can name its page. A text layer typed in a legacy font (TCVN3, VNI)
is converted to Unicode.
"""
from __future__ import annotations

import logging
import os
import re
import shutil
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from pypdf import PageObject, PdfReader
from pypdf.errors import DependencyError, PdfReadError

from qa.ingest.formats import Extracted, ExtractError
from qa.ingest.formats.ocr import PAGE_SEPARATOR, ocr_pages, unavailable_reason
from qa.ingest.legacy_encodings import detect_legacy, tcvn3_to_unicode, vni_to_unicode
from qa.ingest.locations import join_units

MAX_PAGES = 1000
"""Refuse longer PDFs: no administrative document is this long, and OCR would take hours."""
MIN_TEXT_CHARS = 20
"""A page whose text layer has fewer letters and digits than this is treated as a scan."""
RENDER_DPI = 300
"""Resolution scanned pages are rendered at for OCR (Tesseract reads best at about 300 dpi)."""
OCR_WORKERS = os.cpu_count() or 1
log = logging.getLogger(__name__)
logging.getLogger("pypdf").setLevel(logging.ERROR)  # its warnings on damaged files would only clutter the CLI
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_ALNUM_RE = re.compile(r"[^\W_]")


def _open(path: Path) -> PdfReader:
    try:
        reader = PdfReader(path)
    except (PdfReadError, ValueError, OSError) as exc:
        raise ExtractError("tệp PDF hỏng hoặc không phải PDF", f"damaged file or not a PDF ({exc})") from exc
    if reader.is_encrypted:
        try:
            opened = reader.decrypt("")  # a PDF locked only against editing opens with an empty password
        except DependencyError as exc:
            raise ExtractError("PDF được mã hóa theo cách chưa đọc được",
                               f"encrypted PDF that cannot be read ({exc})") from exc
        if not opened:
            raise ExtractError("PDF có mật khẩu; hãy gỡ mật khẩu rồi thêm lại",
                               "password-protected PDF; remove the password and add it again")
    return reader


def _page_text(page: PageObject) -> str:
    text = page.extract_text() or ""
    return _CONTROL_RE.sub(" ", text.replace("\r\n", "\n").replace("\f", "\n")).strip("\n")


def _has_image(page: PageObject) -> bool:
    try:
        return len(page.images) > 0
    except Exception as exc:  # noqa: BLE001 - an image pypdf cannot parse still means the page was drawn
        log.debug("unreadable image on a PDF page, taken as an image: %s", exc)
        return True


def _render(path: Path, number: int, out_dir: Path) -> Path:
    """Page `number` (from 1) as a grey PGM (uncompressed: several times faster than PNG to write and
    read), by poppler's pdftoppm (Debian: poppler-utils)."""
    if shutil.which("pdftoppm") is None:
        raise ExtractError("PDF là bản quét nhưng chưa cài poppler-utils (pdftoppm) để đọc ảnh trang",
                           "scanned PDF, but poppler-utils (pdftoppm) is not installed to render its pages")
    prefix = out_dir / f"page-{number}"
    done = subprocess.run(["pdftoppm", "-r", str(RENDER_DPI), "-gray", "-f", str(number), "-l", str(number),
                           "-singlefile", str(path), str(prefix)], check=False, capture_output=True,
                          timeout=120)
    image = prefix.with_suffix(".pgm")
    if done.returncode != 0 or not image.exists():
        raise ExtractError(f"không dựng được ảnh trang {number} của PDF",
                           f"cannot render page {number} of the PDF")
    return image


def _ocr_scanned(path: Path, texts: list[str], scanned: list[int]) -> None:
    """OCR the scanned pages, one Tesseract per core (each single-threaded: several times faster here
    than one Tesseract using every core)."""
    def one(i: int, tmp: Path) -> None:
        image = _render(path, i + 1, tmp)
        read = "\n".join(ocr_pages(image, dpi=RENDER_DPI))
        image.unlink(missing_ok=True)
        if len(_ALNUM_RE.findall(read)) > len(_ALNUM_RE.findall(texts[i])):  # a cover's few typed words stay
            texts[i] = read

    workers = max(1, min(OCR_WORKERS, len(scanned)))
    with (tempfile.TemporaryDirectory(prefix="vanban-ocr-") as tmp,
          ThreadPoolExecutor(max_workers=workers) as pool):
        for future in [pool.submit(one, i, Path(tmp)) for i in scanned]:
            future.result()


def extract_pdf(path: Path) -> Extracted:
    reader = _open(path)
    try:
        pages = list(reader.pages)
    except (PdfReadError, ValueError, KeyError) as exc:
        raise ExtractError("tệp PDF hỏng (không đọc được danh sách trang)",
                           f"damaged PDF (page tree unreadable: {exc})") from exc
    if not pages:
        raise ExtractError("PDF không có trang nào", "the PDF has no pages")
    if len(pages) > MAX_PAGES:
        raise ExtractError(f"PDF quá dài ({len(pages)} trang; tối đa {MAX_PAGES})",
                           f"PDF too long ({len(pages)} pages; at most {MAX_PAGES})")
    texts = [_page_text(p) for p in pages]
    method = "pdf"
    legacy = detect_legacy("\n".join(texts))
    if legacy is not None:
        convert = tcvn3_to_unicode if legacy.encoding == "tcvn3" else vni_to_unicode
        texts = [convert(t) for t in texts]
        method += f"+{legacy.encoding}"
    scanned = [i for i, t in enumerate(texts)
               if len(_ALNUM_RE.findall(t)) < MIN_TEXT_CHARS and _has_image(pages[i])]
    if scanned:
        reason = unavailable_reason()
        if reason is None:
            _ocr_scanned(path, texts, scanned)
            method += "+ocr"
        elif len(scanned) == len(pages):
            raise ExtractError(f"PDF là bản quét (không có lớp chữ) nhưng {reason[0]}",
                               f"scanned PDF (no text layer), but {reason[1]}")
    if not any(_ALNUM_RE.search(t) for t in texts):
        raise ExtractError("PDF không có chữ nào đọc được", "the PDF has no readable text")
    text, locations = join_units(texts, "page", PAGE_SEPARATOR)
    return Extracted(text, locations, method)
