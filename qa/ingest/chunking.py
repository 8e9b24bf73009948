"""Split a normalised document along its own structure into chunks small enough to cite.

Headings (I. / 1. / 2.1. / all-caps titles) open sections and make the section path; a section's
paragraphs (bullets, annex items "(18).", body text) are packed into chunks of a few hundred to ~1,000
characters, and a paragraph still too long is cut by langchain-text-splitters at sentence boundaries.
A chunk is one contiguous range of the normalised text, so its raw-file spans come straight from the
offset map; footnotes referenced inside it are attached with their own spans.
"""
from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from qa.ingest.documents import Document
from qa.ingest.offsets import Footnote, NormalizedText
from qa.text.headings import ARTICLE, LABEL, LIST_MARKERS, article_with_body, heading_level

logger = logging.getLogger(__name__)

if TYPE_CHECKING:
    from langchain_text_splitters import RecursiveCharacterTextSplitter

MAX_CHARS = 1000
"""A chunk is closed before it would pass this length (footnotes not counted)."""
MAX_WITH_NOTES = 1400
"""Body plus attached footnotes stays under this, so a chunk is always short enough to cite."""
MIN_CHARS = 250
"""A section shorter than this is merged with the next sibling section rather than cited alone."""
LABEL_CHARS = 90
@functools.cache
def _splitter() -> RecursiveCharacterTextSplitter:
    """langchain's splitter, imported when a paragraph is too long (importing langchain costs ~0.3 s of a
    `vanban ask`, which never chunks)."""
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    return RecursiveCharacterTextSplitter(
        chunk_size=MAX_CHARS,
        chunk_overlap=0,
        separators=["\n", ". ", "; ", ": ", ", ", " ", ""],
        keep_separator="end",
        strip_whitespace=True,
    )


@dataclass
class Chunk:
    doc_id: str
    chunk_id: str
    text: str
    """Normalised text of the chunk's own range of the document (headings of its section included
    when it is the section's first chunk)."""
    spans: list[tuple[int, int]]
    """[start, end) offsets into the raw file text: body first, then attached footnotes."""
    section: str
    """Section path, e.g. "2. Một số nhiệm vụ trọng tâm quý II > 2.1. Làm tốt công tác xây dựng Đảng"."""
    norm_range: tuple[int, int]
    footnotes: list[Footnote] = field(default_factory=list)
    restored: str = ""
    """Machine-restored reading of `full_text` (same length) when the document lost its accents, else ""."""
    restored_section: str = ""
    """The section path in that reading (set with `restored`)."""

    @property
    def start(self) -> int:
        return min(s for s, _ in self.spans)

    @property
    def end(self) -> int:
        return max(e for _, e in self.spans)

    @property
    def full_text(self) -> str:
        """The chunk as shown and cited: its text, then its footnotes."""
        return "\n".join([self.text] * bool(self.text) + [f"[{f.label}] {f.text}" for f in self.footnotes])

    @property
    def index_text(self) -> str:
        """What retrieval sees: the section path gives a short passage its context."""
        return f"{self.section}\n{self.full_text}" if self.section else self.full_text

    @property
    def search_text(self) -> str:
        """What search sees: `index_text`, in its machine-restored reading where there is one. The dense
        model does not understand accent-free text; BM25's folded field reads the same either way, and
        its accented field (questions typed with accents) finds the restored words."""
        if not self.restored:
            return self.index_text
        return f"{self.restored_section}\n{self.restored}" if self.section else self.restored

    def to_json(self) -> dict:
        return {
            "doc": self.doc_id, "chunk_id": self.chunk_id, "start": self.start, "end": self.end,
            "spans": [list(s) for s in self.spans], "section": self.section, "text": self.full_text,
            **({"restored_text": self.restored, "restored_section": self.restored_section}
               if self.restored else {}),
        }


@dataclass(frozen=True)
class Paragraph:
    start: int
    end: int
    text: str
    level: int | None
    """Heading level (qa.text.headings: caps title, Phần ... Điều, "I.", "1.", "2.1.", "2.1.1.", label line),
    None for body text."""


def _is_label(line: str, following: str) -> bool:
    """A short unpunctuated line that introduces a list ("Nguyên nhân chủ quan" / "- ...") titles it."""
    return (len(line) <= LABEL_CHARS and line[:1].isupper()
            and not line.rstrip().endswith((".", ";", ":", ",", "!", "?"))
            and not line.startswith(LIST_MARKERS) and following.startswith(LIST_MARKERS))


def paragraphs(norm: NormalizedText) -> Iterator[Paragraph]:
    lines = norm.text.split("\n")
    pos = 0
    for i, line in enumerate(lines):
        if line.strip():
            level = heading_level(line)
            if level is None and i + 1 < len(lines) and _is_label(line, lines[i + 1]):
                level = LABEL
            yield Paragraph(pos, pos + len(line), line, level)
        pos += len(line) + 1


def _label(text: str) -> str:
    text = text.strip().rstrip(":")
    return text if len(text) <= LABEL_CHARS else text[: LABEL_CHARS - 1].rsplit(" ", 1)[0] + "…"


def _split_long(p: Paragraph) -> list[tuple[int, int]]:
    """Sentence-aware pieces of an over-long paragraph, as ranges of the normalised text."""
    ranges = []
    cursor = 0
    for piece in _splitter().split_text(p.text):
        at = p.text.find(piece, cursor)
        if at < 0:  # the splitter never rewrites text; if it ever does, that piece is left to its neighbours
            logger.warning("splitter piece not found in its paragraph at %d: %.40r", p.start, piece)
            continue
        ranges.append((p.start + at, p.start + at + len(piece)))
        cursor = at + len(piece)
    return ranges or [(p.start, p.end)]


@dataclass
class _Section:
    path: list[str]
    units: list[tuple[int, int]] = field(default_factory=list)
    article: bool = False
    """Opened by an article heading ("Điều 6."): never merged with the section before it."""

    @property
    def length(self) -> int:
        return sum(e - s for s, e in self.units)


def _sections(norm: NormalizedText) -> list[_Section]:
    """Body ranges grouped by section; a heading's own line opens its section's first unit.

    An article whose heading line carries its whole text ("Điều 5. Nguyên tắc ... 1. ...") is a heading
    (it opens the article's section) and body text at once."""
    stack: list[tuple[int, str]] = []
    sections: list[_Section] = []
    pending: list[Paragraph] = []  # headings not yet followed by body text
    opens_article = False
    for p in paragraphs(norm):
        if p.level is not None and p.level > ARTICLE and any(level == ARTICLE for level, _ in stack):
            p = Paragraph(p.start, p.end, p.text, None)  # khoản "1." and điểm "a)" are an article's body
        if p.level is not None:
            if not pending or pending[-1].level is None:
                pending = []
            pending.append(p)
            while stack and stack[-1][0] >= p.level:
                stack.pop()
            stack.append((p.level, _label(p.text)))
            opens_article = opens_article or p.level == ARTICLE
            if not (p.level == ARTICLE and article_with_body(p.text)):
                continue
            pending.pop()
        path = [label for _, label in stack]
        if not sections or sections[-1].path != path or pending or opens_article:
            sections.append(_Section(path, article=opens_article))
            opens_article = False
        pieces = _split_long(p) if p.end - p.start > MAX_CHARS else [(p.start, p.end)]
        if pending:
            first_start = pending[0].start
            pieces[0] = (first_start, pieces[0][1])
            pending = []
        sections[-1].units.extend(pieces)
    if pending:  # headings at the very end: keep their text, attached to the last section
        if sections:
            sections[-1].units.append((pending[0].start, pending[-1].end))
        else:
            sections.append(_Section([], [(pending[0].start, pending[-1].end)]))
    return sections


def _pack(units: list[tuple[int, int]], notes_chars: Callable[[int, int], int]) -> list[tuple[int, int]]:
    """Consecutive units joined into ranges of at most MAX_CHARS, counting the footnotes they carry
    (a single longer unit stays whole)."""
    packed: list[tuple[int, int]] = []
    for s, e in units:
        if packed and e - packed[-1][0] + notes_chars(packed[-1][0], e) <= MAX_CHARS:
            packed[-1] = (packed[-1][0], e)
        else:
            packed.append((s, e))
    return packed


def chunk_document(doc: Document) -> list[Chunk]:
    """The document's chunks in reading order, with spans into `doc.raw`."""
    norm = doc.normalized
    by_label = {f.label: f for f in norm.footnotes}
    sections = _sections(norm)
    merged: list[_Section] = []
    # a tiny section joins the previous one under their common path, but nothing joins an article from outside
    for sec in sections:
        inside = not merged or not merged[-1].article or sec.path[:len(merged[-1].path)] == merged[-1].path
        if merged and inside and not sec.article \
                and (merged[-1].length < MIN_CHARS or sec.length < MIN_CHARS // 2) \
                and merged[-1].length + sec.length <= MAX_CHARS:
            common = []
            for a, b in zip(merged[-1].path, sec.path):
                if a != b:
                    break
                common.append(a)
            merged[-1] = _Section(common, merged[-1].units + sec.units, merged[-1].article)
        else:
            merged.append(sec)
    def notes_in(a: int, b: int) -> list[Footnote]:
        labels = [lab for pos, lab in norm.footnote_refs if a <= pos <= b and lab in by_label]
        return [by_label[lab] for lab in dict.fromkeys(labels)]

    chunks: list[Chunk] = []
    referenced: set[str] = set()
    for sec in merged:
        for a, b in _pack(sec.units, lambda a, b: sum(len(f.text) + 5 for f in notes_in(a, b))):
            notes, room = [], MAX_WITH_NOTES - (b - a)
            for f in notes_in(a, b):  # a footnote that does not fit is left to a chunk of its own
                if len(f.text) + 5 <= room:
                    notes.append(f)
                    room -= len(f.text) + 5
            labels = [f.label for f in notes]
            referenced.update(labels)
            spans = norm.raw_spans(a, b) + [s for f in notes for s in f.spans]
            chunks.append(Chunk(doc.id, f"{doc.id}#{len(chunks):03d}", norm.text[a:b], spans,
                                " > ".join(sec.path), (a, b), notes))
    for f in norm.footnotes:  # a footnote nobody references is still searchable on its own
        if f.label not in referenced:
            chunks.append(Chunk(doc.id, f"{doc.id}#{len(chunks):03d}", "", list(f.spans),
                                "Chú thích", (0, 0), [f]))
    return chunks
