"""Optical character recognition with Tesseract's Vietnamese model (Debian: tesseract-ocr, tesseract-ocr-vie),
for scanned images and the scanned pages of a PDF.

Tesseract runs as a subprocess (no Python binding needed). Its output is what 002 and 004 look like: hard
line wraps, misread diacritics; `qa.ingest.normalize` repairs it like any other OCR'd text.
"""
from __future__ import annotations

import os
import shutil
import subprocess
from functools import lru_cache
from pathlib import Path

from qa.ingest.formats import Extracted, ExtractError
from qa.ingest.locations import join_units

LANGUAGE = "vie"
PAGE_SEPARATOR = "\n\f\n"
"""Between pages in the extracted text: the normaliser reads the form feed as a blank line (a page break),
and `TextLocations` counts pages by it."""
TIMEOUT = 300
"""Seconds one image may take (a large multi-page TIFF included)."""


@lru_cache(maxsize=1)
def unavailable_reason() -> tuple[str, str] | None:
    """Why OCR cannot run here (Vietnamese, English), or None when Tesseract and its Vietnamese model are
    installed."""
    exe = shutil.which("tesseract")
    if exe is None:
        return ("chưa cài Tesseract OCR (gói tesseract-ocr, tesseract-ocr-vie)",
                "Tesseract OCR is not installed (packages tesseract-ocr, tesseract-ocr-vie)")
    try:
        listed = subprocess.run([exe, "--list-langs"], check=False, capture_output=True, text=True,
                                timeout=30)
        langs = listed.stdout.split()
    except (OSError, subprocess.SubprocessError) as exc:
        return (f"không chạy được Tesseract ({exc})", f"cannot run Tesseract ({exc})")
    if LANGUAGE not in langs:
        return ("Tesseract chưa có mô hình tiếng Việt (gói tesseract-ocr-vie)",
                "Tesseract lacks the Vietnamese model (package tesseract-ocr-vie)")
    return None


def ocr_pages(image: Path, *, dpi: int | None = None) -> list[str]:
    """The text of each page of an image file (a TIFF may hold several), in order.

    `dpi` when known (a page rendered from a PDF); a photo or scan without it lets Tesseract estimate.
    """
    reason = unavailable_reason()
    if reason is not None:
        raise ExtractError(f"cần nhận dạng chữ (OCR) nhưng {reason[0]}", f"needs OCR, but {reason[1]}")
    cmd = ["tesseract", str(image), "stdout", "-l", LANGUAGE, "--psm", "3"]
    if dpi:
        cmd += ["--dpi", str(dpi)]
    env = dict(os.environ, OMP_THREAD_LIMIT=os.environ.get("OMP_THREAD_LIMIT", "1"))
    try:
        done = subprocess.run(cmd, check=False, capture_output=True, timeout=TIMEOUT, env=env)
    except subprocess.TimeoutExpired as exc:
        raise ExtractError(f"nhận dạng chữ quá {TIMEOUT} giây", f"OCR took over {TIMEOUT} s") from exc
    if done.returncode != 0:
        detail = done.stderr.decode("utf-8", "replace").replace("\ufffd", "?").strip().splitlines()
        raise ExtractError("ảnh hỏng hoặc không đọc được",
                           f"damaged or unreadable image ({' '.join(detail[-2:])})")
    text = done.stdout.decode("utf-8", "replace").replace("\r\n", "\n")
    pages = text.split("\f")
    if len(pages) > 1 and not pages[-1].strip():
        pages.pop()  # Tesseract ends every page with a form feed
    return [p.strip("\n") for p in pages]


def extract_image(path: Path) -> Extracted:
    pages = ocr_pages(path)
    if not any(p.strip() for p in pages):
        raise ExtractError("không nhận dạng được chữ nào trong ảnh", "no text recognised in the image")
    text, locations = join_units(pages, "page", PAGE_SEPARATOR)
    return Extracted(text, locations, "ocr")
