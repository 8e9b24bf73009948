"""Text out of the formats a staffer's archive holds besides plain text: PDF (with a text layer, or scanned),
Word (DOCX) and scanned images, each with where its pages or paragraphs begin.

`extract(path)` returns an `Extracted` or raises `ExtractError` with a Vietnamese and an English reason;
it never lets a library's own exception out, so one bad file cannot stop an indexing run.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from qa.errors import VanbanError
from qa.ingest.locations import TextLocations

log = logging.getLogger(__name__)

PDF_SUFFIXES = (".pdf",)
DOCX_SUFFIXES = (".docx",)
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".tif", ".tiff")
FORMAT_SUFFIXES = PDF_SUFFIXES + DOCX_SUFFIXES + IMAGE_SUFFIXES


@dataclass(frozen=True)
class Extracted:
    text: str
    locations: TextLocations | None
    method: str
    """How the text was obtained: "pdf", "pdf+ocr", "ocr", "docx", with "+tcvn3"/"+vni" when converted."""


class ExtractError(VanbanError):
    """A file whose text cannot be had, and why (Vietnamese first, English after).

    Loading turns it into a `LoadError` naming the file, so one bad file never stops a run; a
    `VanbanError` so that a caller extracting one file by itself shows it like any other user error.
    """


def extract(path: Path, suffix: str | None = None, *, cache_dir: Path | None = None) -> Extracted:
    """The text of a PDF, DOCX or image file; `suffix` overrides the path's (an upload's own name).

    With `cache_dir`, text that needed OCR is kept there by the file's content hash and not read again.
    """
    suffix = (suffix or Path(path).suffix).lower()
    if cache_dir is None:
        return _extract(Path(path), suffix)
    from qa.ingest.formats.cache import ExtractionCache, file_key
    cache = ExtractionCache(cache_dir)
    try:
        key = file_key(Path(path), suffix)
    except OSError as exc:
        raise ExtractError(f"không đọc được tệp ({exc.strerror or exc})",
                           f"cannot read the file ({exc})") from exc
    found = cache.get(key)
    if found is not None:
        return found
    got = _extract(Path(path), suffix)
    if "ocr" in got.method:
        try:
            cache.put(key, got)
        except OSError as exc:  # a cache that cannot be written only costs time next run
            log.warning("cannot keep the OCR text of %s in %s: %s", path, cache_dir, exc)
    return got


def _extract(path: Path, suffix: str) -> Extracted:
    try:
        if suffix in PDF_SUFFIXES:
            from qa.ingest.formats.pdf import extract_pdf
            return extract_pdf(Path(path))
        if suffix in DOCX_SUFFIXES:
            from qa.ingest.formats.docx import extract_docx
            return extract_docx(Path(path))
        if suffix in IMAGE_SUFFIXES:
            from qa.ingest.formats.ocr import extract_image
            return extract_image(Path(path))
    except ExtractError:
        raise
    except ImportError as exc:
        raise ExtractError(f"thiếu thư viện để đọc tệp {suffix} ({exc.name}); hãy chạy lại `make install`",
                           f"a library needed for {suffix} files is missing ({exc.name}); run `make install`",
                           ) from exc
    except Exception as exc:  # a library's own error on a damaged file: report it, never crash the run
        raise ExtractError(f"tệp {suffix} hỏng hoặc không đọc được",
                           f"damaged or unreadable {suffix} file ({exc})") from exc
    raise ExtractError(f"định dạng {suffix} chưa được hỗ trợ", f"format {suffix} is not supported")
