"""Load documents from files, keeping the text exactly as read so citations can point into it.

Plain text (.txt, .md) is read as UTF-8, or converted from a legacy Vietnamese encoding (TCVN3, VNI,
Windows-1258) or UTF-16; PDF, DOCX and scanned images go through `qa.ingest.formats`, and their extracted
text is the document's raw text (what the index keeps and spans point into), with where each page or
paragraph begins. A bad file (empty, binary, unreadable, damaged, password-protected, too large,
unsupported) is reported by name with a reason and skipped; the other files still load.
"""
from __future__ import annotations

import codecs
import hashlib
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path

from qa.ingest.formats import FORMAT_SUFFIXES, ExtractError, extract
from qa.ingest.legacy_encodings import decode_legacy
from qa.ingest.locations import TextLocations
from qa.ingest.normalize import normalize_document
from qa.ingest.offsets import NormalizedText
from qa.metadata.document import DocumentMetadata, extract_metadata

logger = logging.getLogger(__name__)

TEXT_SUFFIXES = (".txt", ".md")
SUPPORTED_SUFFIXES = TEXT_SUFFIXES + FORMAT_SUFFIXES
LEGACY_SUFFIXES = {".doc": ".docx", ".rtf": ".docx", ".odt": ".docx", ".wpd": ".docx"}
"""Document formats found in old archives that are not read: reported (with the format to save as), not
skipped."""
MAX_BYTES = 20 * 1024 * 1024
"""Larger text files are refused: no administrative text document is this big, and it protects memory."""
MAX_FORMAT_BYTES = 100 * 1024 * 1024
"""Larger PDF, DOCX or image files are refused (a scan of a long document at 300 dpi stays well under
this)."""


@dataclass
class Document:
    id: str
    """The file name: what citations and the evaluation name a document by."""
    raw: str
    path: Path | None = None
    locations: TextLocations | None = None
    """Where each page (PDF, scan) or paragraph (DOCX) begins in `raw`; None for plain text."""
    extraction: str = ""
    """How `raw` was obtained when not read as UTF-8: "tcvn3", "vni", "cp1258", "utf-16", "pdf", "pdf+ocr",
    "ocr", "docx", "docx+tcvn3" ..."""
    notes: tuple[tuple[str, str], ...] = ()
    """(vi, en) notices about how it was read (bytes replaced, ...): reported, the document still indexed."""

    @cached_property
    def content_hash(self) -> str:
        return hashlib.sha256(self.raw.encode("utf-8")).hexdigest()

    @cached_property
    def metadata(self) -> DocumentMetadata:
        meta = extract_metadata(self.raw)
        return replace(meta, locations=self.locations) if self.locations is not None else meta

    @cached_property
    def normalized(self) -> NormalizedText:
        """The clean text; OCR repair in full when our own OCR read it, else only if the text shows OCR
        damage."""
        return normalize_document(self.raw, ocr=True if "ocr" in self.extraction else None)


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

    @property
    def notices(self) -> list[LoadError]:
        """What was noticed while reading documents that were loaded all the same (shaped like an error)."""
        return [LoadError(d.path or Path(d.id), vi, en) for d in self.documents for vi, en in d.notes]


@dataclass(frozen=True)
class DecodedText:
    text: str
    encoding: str
    """"utf-8", "utf-16", or the legacy encoding it was converted from ("tcvn3", "vni", "cp1258")."""
    notes: tuple[tuple[str, str], ...] = ()
    """(vi, en) notices about the reading, e.g. the lines where bytes that are not UTF-8 were replaced."""


def decode_bytes(data: bytes) -> DecodedText | tuple[str, str]:
    """The text of a file's bytes, or (vi, en) reasons why it is not a text document.

    UTF-8 first; then UTF-16 with its byte-order mark (Notepad's "Unicode"); then the legacy Vietnamese
    encodings, recognised by whether their reading is made of Vietnamese syllables.
    """
    if not data.strip():
        return ("tệp rỗng", "the file is empty")
    encoding = "utf-8"
    notes: list[tuple[str, str]] = []
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            text, encoding = data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError:
            return ("tệp UTF-16 hỏng", "damaged UTF-16 file")
        if not _mostly_latin(text):
            return ("không phải tệp văn bản (tệp nhị phân)", "not a text file (binary content)")
    elif b"\x00" in data[:65536]:
        return ("không phải tệp văn bản (tệp nhị phân)", "not a text file (binary content)")
    else:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            mostly = _mostly_utf8(data)
            legacy = None if mostly else decode_legacy(data)
            stray = sum(1 for b in data if b > 127) <= max(1, len(data) // 1000)
            if mostly or legacy is None and (stray or _mostly_utf8(data, share=0.5)):
                text, encoding = data.decode("utf-8", errors="replace"), "utf-8"
                notes.append(_bad_bytes_note(text))
            elif legacy is None:
                return (
                    (f"không phải mã UTF-8 (byte lỗi ở vị trí {exc.start}) "
                     "và không nhận ra bảng mã TCVN3/VNI; hãy lưu lại tệp với mã UTF-8"),
                    (f"not UTF-8 (invalid byte at offset {exc.start}) and not recognised as TCVN3/VNI; "
                     "save the file as UTF-8"),
                )
            else:
                text, encoding = legacy.text, legacy.encoding
    controls = sum(1 for ch in text[:65536] if ord(ch) < 32 and ch not in "\n\r\t\f")
    if controls > max(8, len(text[:65536]) // 100):
        return ("không phải tệp văn bản (nhiều ký tự điều khiển)", "not a text file (control characters)")
    if not text.strip():
        return ("tệp không có nội dung", "the file has no text")
    return DecodedText(text, encoding, tuple(notes))


_UTF8_LEAD = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")


def _mostly_utf8(data: bytes, share: float = 0.95) -> bool:
    """Whether the bytes above 127 are, `share` of them at least, valid UTF-8 sequences: a UTF-8 file with a
    stray byte or two (a pasted \\xa0, a Latin-1 é) is still UTF-8, never a legacy encoding to re-decode.
    Bytes of a TCVN3/VNI file hardly ever form UTF-8 sequences."""
    high = sum(1 for b in data if b > 127)
    if not high:
        return False
    in_sequences = sum(len(m.group()) for m in _UTF8_LEAD.finditer(data))
    return in_sequences > 0 and in_sequences >= share * high


def _bad_bytes_note(text: str) -> tuple[str, str]:
    """Where the bytes that are not UTF-8 were (replaced by U+FFFD), by line, for the report."""
    lines = [i + 1 for i, line in enumerate(text.split("\n")) if "\ufffd" in line]
    count = text.count("\ufffd")
    shown = ", ".join(str(n) for n in lines[:10]) + (", …" if len(lines) > 10 else "")
    logger.warning("%d bytes that are not UTF-8 replaced, lines %s", count, shown)
    return (f"{count} byte lỗi (không phải UTF-8) đã được thay thế ở dòng {shown}",
            f"{count} invalid byte(s) (not UTF-8) replaced on line(s) {shown}")


def _mostly_latin(text: str) -> bool:
    """Vietnamese text is Latin letters, their accented forms and punctuation; binary read as UTF-16 is
    not."""
    sample = text[:20000]
    latin = sum(ord(c) < 0x250 or 0x1E00 <= ord(c) < 0x1F00 or 0x2000 <= ord(c) < 0x2070 for c in sample)
    return latin >= 0.9 * len(sample)


def _unsupported(path: Path, suffix: str) -> LoadError:
    supported = ", ".join(SUPPORTED_SUFFIXES)
    if suffix in LEGACY_SUFFIXES:
        target = LEGACY_SUFFIXES[suffix]
        return LoadError(path, f"định dạng {suffix} chưa được hỗ trợ; hãy lưu lại thành {target} hoặc .pdf",
                         f"format {suffix} is not supported; save it as {target} or .pdf")
    return LoadError(
        path,
        f"định dạng {suffix or '(không có đuôi)'} chưa được hỗ trợ (hỗ trợ: {supported})",
        f"format {suffix or '(no extension)'} is not supported (supported: {supported})",
    )


def load_file(path: Path, *, name: str | None = None, cache_dir: Path | None = None) -> Document | LoadError:
    """One file as a Document, or the reason it cannot be one. `name` overrides the id (uploads), and its
    extension decides the format; `cache_dir` keeps OCR'd text so a scan is read only once."""
    path = Path(path)
    suffix = Path(name or path.name).suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        return _unsupported(path, suffix)
    limit = MAX_BYTES if suffix in TEXT_SUFFIXES else MAX_FORMAT_BYTES
    try:
        size = path.stat().st_size
    except OSError as exc:
        return LoadError(path, f"không đọc được tệp ({exc.strerror or exc})", f"cannot read the file ({exc})")
    if size > limit:
        mb = limit // (1024 * 1024)
        return LoadError(path, f"tệp quá lớn ({size / 1024 / 1024:.0f} MB; tối đa {mb} MB)",
                         f"file too large ({size / 1024 / 1024:.0f} MB; at most {mb} MB)")
    if size == 0:
        return LoadError(path, "tệp rỗng", "the file is empty")
    if suffix not in TEXT_SUFFIXES:
        try:
            got = extract(path, suffix, cache_dir=cache_dir)
        except ExtractError as exc:
            return LoadError(path, exc.vi, exc.en)
        return Document(id=name or path.name, raw=got.text, path=path, locations=got.locations,
                        extraction=got.method)
    try:
        data = path.read_bytes()
    except OSError as exc:
        return LoadError(path, f"không đọc được tệp ({exc.strerror or exc})", f"cannot read the file ({exc})")
    decoded = decode_bytes(data)
    if isinstance(decoded, tuple):
        return LoadError(path, *decoded)
    return Document(id=name or path.name, raw=decoded.text, path=path,
                    extraction="" if decoded.encoding == "utf-8" else decoded.encoding, notes=decoded.notes)


def expand_paths(paths: Iterable[Path]) -> tuple[list[Path], list[LoadError]]:
    """Files named directly, plus the supported files inside each folder (sorted, not recursive into hidden
    dirs)."""
    files: list[Path] = []
    errors: list[LoadError] = []
    for p in paths:
        p = Path(p)
        if p.is_dir():
            files.extend(
                f for f in sorted(p.rglob("*"))
                if f.is_file() and f.suffix.lower() in (*SUPPORTED_SUFFIXES, *LEGACY_SUFFIXES)
                and not any(part.startswith(".") for part in f.relative_to(p).parts)
            )
        elif p.exists():
            files.append(p)
        else:
            errors.append(LoadError(p, "không tìm thấy tệp hoặc thư mục", "no such file or folder"))
    return files, errors


def load_documents(paths: Iterable[Path], *, cache_dir: Path | None = None) -> LoadResult:
    """Every loadable document under `paths`; each failure is kept as a LoadError, never raised.

    `cache_dir` (the index passes its data directory's `extracted/`) keeps OCR'd text between runs."""
    files, errors = expand_paths(paths)
    result = LoadResult(errors=errors)
    seen: dict[str, Path] = {}
    for f in files:
        loaded = load_file(f, cache_dir=cache_dir)
        if isinstance(loaded, LoadError):
            result.errors.append(loaded)
        elif loaded.id in seen:
            result.errors.append(LoadError(
                f, f"trùng tên với {seen[loaded.id]}", f"same file name as {seen[loaded.id]}"))
        else:
            seen[loaded.id] = f
            result.documents.append(loaded)
    return result
