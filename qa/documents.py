"""Load documents from files, keeping the raw text exactly as read so citations can point into it.

A bad file (empty, binary, not UTF-8, unreadable, unsupported) is reported by name with a reason and
skipped; the other files still load.
"""
from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from qa.metadata import DocumentMetadata, extract_metadata
from qa.normalize import NormalizedText, normalize_document

SUPPORTED_SUFFIXES = (".txt", ".md")
MAX_BYTES = 20 * 1024 * 1024
"""Larger files are refused: no administrative text document is this big, and it protects memory."""


@dataclass
class Document:
    id: str
    """The file name: what citations and the evaluation name a document by."""
    raw: str
    path: Path | None = None

    @cached_property
    def content_hash(self) -> str:
        return hashlib.sha256(self.raw.encode("utf-8")).hexdigest()

    @cached_property
    def metadata(self) -> DocumentMetadata:
        return extract_metadata(self.raw)

    @cached_property
    def normalized(self) -> NormalizedText:
        return normalize_document(self.raw)


@dataclass(frozen=True)
class LoadError:
    """A file that could not be loaded, and why (Vietnamese first, English after)."""

    path: Path
    reason_vi: str
    reason_en: str

    def __str__(self) -> str:
        return f"{self.path.name}: {self.reason_vi} / {self.reason_en}"


@dataclass
class LoadResult:
    documents: list[Document] = field(default_factory=list)
    errors: list[LoadError] = field(default_factory=list)


def decode_text(data: bytes) -> str | tuple[str, str]:
    """The text of a file's bytes, or (vi, en) reasons why it is not a UTF-8 text document."""
    if not data.strip():
        return ("tệp rỗng", "the file is empty")
    if b"\x00" in data[:65536]:
        return ("không phải tệp văn bản (tệp nhị phân)", "not a text file (binary content)")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return (
            f"không phải mã UTF-8 (byte lỗi ở vị trí {exc.start}); hãy lưu lại tệp với mã UTF-8",
            f"not UTF-8 (invalid byte at offset {exc.start}); save the file as UTF-8",
        )
    controls = sum(1 for ch in text[:65536] if ord(ch) < 32 and ch not in "\n\r\t\f")
    if controls > max(8, len(text[:65536]) // 100):
        return ("không phải tệp văn bản (nhiều ký tự điều khiển)", "not a text file (control characters)")
    if not text.strip():
        return ("tệp không có nội dung", "the file has no text")
    return text


def load_file(path: Path, *, name: str | None = None) -> Document | LoadError:
    """One file as a Document, or the reason it cannot be one. `name` overrides the id (uploads)."""
    path = Path(path)
    if path.suffix.lower() not in SUPPORTED_SUFFIXES:
        return LoadError(
            path,
            f"định dạng {path.suffix or '(không có đuôi)'} chưa được hỗ trợ (hỗ trợ: .txt, .md)",
            f"format {path.suffix or '(no extension)'} is not supported (supported: .txt, .md)",
        )
    try:
        if path.stat().st_size > MAX_BYTES:
            return LoadError(path, "tệp quá lớn (trên 20 MB)", "file too large (over 20 MB)")
        data = path.read_bytes()
    except OSError as exc:
        return LoadError(path, f"không đọc được tệp ({exc.strerror or exc})", f"cannot read the file ({exc})")
    decoded = decode_text(data)
    if isinstance(decoded, tuple):
        return LoadError(path, *decoded)
    return Document(id=name or path.name, raw=decoded, path=path)


def expand_paths(paths: Iterable[Path]) -> tuple[list[Path], list[LoadError]]:
    """Files named directly, plus the supported files inside each folder (sorted, not recursive into hidden dirs)."""
    files: list[Path] = []
    errors: list[LoadError] = []
    for p in paths:
        p = Path(p)
        if p.is_dir():
            files.extend(
                f for f in sorted(p.rglob("*"))
                if f.is_file() and f.suffix.lower() in SUPPORTED_SUFFIXES
                and not any(part.startswith(".") for part in f.relative_to(p).parts)
            )
        elif p.exists():
            files.append(p)
        else:
            errors.append(LoadError(p, "không tìm thấy tệp hoặc thư mục", "no such file or folder"))
    return files, errors


def load_documents(paths: Iterable[Path]) -> LoadResult:
    """Every loadable document under `paths`; each failure is kept as a LoadError, never raised."""
    files, errors = expand_paths(paths)
    result = LoadResult(errors=errors)
    seen: dict[str, Path] = {}
    for f in files:
        loaded = load_file(f)
        if isinstance(loaded, LoadError):
            result.errors.append(loaded)
        elif loaded.id in seen:
            result.errors.append(LoadError(
                f, f"trùng tên với {seen[loaded.id]}", f"same file name as {seen[loaded.id]}"))
        else:
            seen[loaded.id] = f
            result.documents.append(loaded)
    return result
