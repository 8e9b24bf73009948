"""Uploaded files -> documents ready to index: a safe document id from the file name, the size limit,
and qa's own checks (empty, binary, not UTF-8, unsupported format).

Nothing is written here: Gradio has already stored each upload in the app's temporary directory, and the
file's name is used only as a document id after `safe_name` (the index stores documents under its own
directory whatever the id says).
"""
from __future__ import annotations

import logging
import os
import re
import unicodedata
from dataclasses import dataclass, field, replace
from pathlib import Path

from qa.ingest.documents import SUPPORTED_SUFFIXES, Document, LoadError, load_file

logger = logging.getLogger(__name__)

MAX_UPLOAD_BYTES = 25 * 1024 * 1024
"""Uploads above this are refused with a message: a text document is far smaller."""
MAX_NAME_CHARS = 120
"""Longer names are cut (keeping the extension): they are shown in tables, dropdowns and citations."""
FALLBACK_NAME = "van-ban-tai-len"
"""The id of an upload whose name has nothing usable left ("../", only reserved characters)."""
_UNSAFE = re.compile(r'[\x00-\x1f\x7f<>:"|?*]+')


def safe_name(name: str) -> str:
    """A file name as a document id: its last path component only, no control or reserved characters,
    no leading dots, at most MAX_NAME_CHARS (keeping the extension)."""
    base = unicodedata.normalize("NFC", str(name)).replace("\\", "/").split("/")[-1]
    base = _UNSAFE.sub("", base)
    base = re.sub(r"\s+", " ", base).strip(" .")
    stem, dot, suffix = base.rpartition(".")
    if not dot:
        stem, suffix = base, ""
    stem = stem.strip(" .")
    if len(base) > MAX_NAME_CHARS:
        keep = MAX_NAME_CHARS - len(suffix) - 1
        stem = stem[:keep].rstrip(" .")
    if not stem:
        logger.info("upload name %r has nothing usable left; named %r", name, FALLBACK_NAME)
        stem = FALLBACK_NAME
    return f"{stem}.{suffix}" if suffix else stem


@dataclass
class Prepared:
    """One upload's files: those ready to index, and the others with the reason, for the status report."""

    documents: list[Document] = field(default_factory=list)
    errors: list[tuple[str, str]] = field(default_factory=list)
    """(file name, Vietnamese reason)."""


def prepare_uploads(paths: list[str | os.PathLike]) -> Prepared:
    """Each uploaded file as a Document, or a reason it cannot be one; never raises for a bad file."""
    out = Prepared()
    seen: set[str] = set()
    for p in paths:
        path = Path(p)
        name = safe_name(path.name)
        if Path(name).suffix.lower() not in SUPPORTED_SUFFIXES:
            out.errors.append((name, f"định dạng chưa được hỗ trợ — nhận {', '.join(SUPPORTED_SUFFIXES)}"))
            continue
        try:
            size = path.stat().st_size
        except OSError:
            out.errors.append((name, "không đọc được tệp đã tải lên"))
            continue
        if size > MAX_UPLOAD_BYTES:
            out.errors.append((name, f"tệp quá lớn ({size / 1024 / 1024:.1f} MB); giới hạn là "
                                     f"{MAX_UPLOAD_BYTES // (1024 * 1024)} MB mỗi tệp"))
            continue
        if name in seen:
            out.errors.append((name, "trùng tên với một tệp khác trong cùng lần tải lên"))
            continue
        loaded = load_file(path, name=name)
        if isinstance(loaded, LoadError):
            out.errors.append((name, loaded.reason_vi))
            continue
        seen.add(name)
        # The temporary upload path means nothing once indexed: keep the text and page map, not the path.
        out.documents.append(replace(loaded, path=None))
    if out.errors:
        logger.info("uploads refused: %s", "; ".join(f"{name}: {reason}" for name, reason in out.errors))
    return out
