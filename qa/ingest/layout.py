"""Line and block structure of a raw document: page numbers, separators, footnote blocks, header lines,
and which hard-wrapped lines and page breaks join into one paragraph.
"""
from __future__ import annotations

import itertools
import re
import unicodedata
from dataclasses import dataclass

from qa.ingest.characters import HEADING_MARK_RE
from qa.ingest.offsets import trim_range
from qa.text.headings import heading, starts_with_numbering
from qa.text.vietnamese import fold

# --------------------------------------------------------------------------------------------------
# Line and block structure
# --------------------------------------------------------------------------------------------------

_SEP_LINE_RE = re.compile(r"\s*(?:-{3,}|\*{3,}|_{3,}|={3,})\s*")
_PAGE_LINE_RE = re.compile(r"\s*(?:[-–]\s*)?\d{1,3}(?:\s*[-–])?\s*")
_FNOTE_LINE_RE = re.compile(r"\s*<sup>\s*(\d{1,3})\s*</sup>\s*", re.IGNORECASE)
_ALNUM_RE = re.compile(r"[^\W_]")
_PROBE_DROP_RE = re.compile(r"<sup>[^<]*</sup>|</?[a-zA-Z][^>]*>|\*+", re.IGNORECASE)
_LIST_MARK_RE = re.compile(r"^[-+•–—−]\s")
_TERMINAL = ".:;!?…"
_CLOSERS = " \t*_”\"’'»)]"
_OPENERS = "([“\"'‘«"
_PARTY_HEADER_RE = re.compile(r"[DPB]ANG CONG SAN VIET NAM")
_NUMBER_HEADER_RE = re.compile(r"^\s*S[O0-9]{0,2}[:.]?\s+\d+[-/]\S+\s+(?=\S[^,]*,\s*NGAY)")
_BOLD_JOIN_RE = re.compile(r"\*\*\*\*")


@dataclass
class Line:
    start: int  # raw offset of the content (after a footnote label)
    end: int  # raw offset after the content, before the newline
    line_start: int  # raw offset of the whole line (for cuts)
    kind: str  # text | fnote
    label: str | None = None
    gap_before: bool = False
    hard_break: bool = False
    probe: str = ""
    md_heading: bool = False
    full_bold: bool = False
    table: bool = False

    @property
    def starts_lower(self) -> bool:
        t = self.probe.lstrip(_OPENERS + " ")
        return bool(t) and t[0].islower()

    @property
    def starts_digit(self) -> bool:
        t = self.probe.lstrip(_OPENERS + " ")
        return bool(t) and t[0].isdigit() and not self.heading_pattern

    @property
    def heading_pattern(self) -> bool:
        return starts_with_numbering(self.probe)

    @property
    def article(self) -> bool:
        """An article heading ("Điều 6. Quyền ..."): its title ends the line, the next line is its body."""
        h = heading(self.probe)
        return h is not None and h.kind == "article"

    @property
    def list_marker(self) -> bool:
        return bool(_LIST_MARK_RE.match(self.probe))

    @property
    def terminal(self) -> bool:
        t = self.probe.rstrip(_CLOSERS)
        return bool(t) and t[-1] in _TERMINAL

    @property
    def all_caps(self) -> bool:
        letters = [c for c in self.probe if c.isalpha()]
        return len(letters) >= 4 and all(c.isupper() for c in letters)

    @property
    def length(self) -> int:
        return len(self.probe)


def raw_lines(raw: str) -> list[tuple[int, int]]:
    """(start, end) of every line's content, without its line break."""
    out = []
    pos = 0
    n = len(raw)
    while pos <= n:
        nl = raw.find("\n", pos)
        end = n if nl < 0 else nl
        content_end = end - 1 if end > pos and raw[end - 1] == "\r" else end
        out.append((pos, content_end))
        if nl < 0:
            break
        pos = nl + 1
    return out


def _make_line(
    raw: str, s: int, e: int, line_start: int, kind: str = "text", label: str | None = None
) -> Line:
    content = raw[s:e]
    probe = HEADING_MARK_RE.sub("", _PROBE_DROP_RE.sub("", content)).strip()
    stripped = content.strip()
    body = HEADING_MARK_RE.sub("", stripped)
    return Line(
        start=s,
        end=e,
        line_start=line_start,
        kind=kind,
        label=label,
        probe=probe,
        md_heading=stripped.startswith("#"),
        full_bold=body.startswith("**") and body.endswith("**") and len(body) > 4,
        table="\t" in content.strip(),
    )


def _split_segments(raw: str, s: int, e: int, line_no: int) -> list[tuple[int, int]]:
    """Split one raw line where two things were printed on it: "**A****B**" (two bold lines run
    together) and, near the top, the two header columns ("THÀNH ỦY ... ĐẢNG CỘNG SẢN VIỆT NAM",
    "Số 244-KL/TU Hải Phòng, ngày ...")."""
    cuts = [m.start() + 2 for m in _BOLD_JOIN_RE.finditer(raw, s, e) if raw[s : m.start()].strip("* ")]
    if line_no < 8:
        folded = fold(raw[s:e]).upper()
        m = _PARTY_HEADER_RE.search(folded)
        if m and folded[: m.start()].strip():
            cuts.append(s + m.start())
        m = _NUMBER_HEADER_RE.match(folded)
        if m:
            cuts.append(s + m.end())
    bounds = [s] + sorted(set(cuts)) + [e]
    return [(a, b) for a, b in itertools.pairwise(bounds) if raw[a:b].strip()]


def _scan_lines(raw: str) -> tuple[list[Line], list[tuple[int, int]]]:
    """Classify raw lines: text and footnote lines are kept; separators, page numbers and symbol-only
    header noise become cuts. ``gap_before`` records a blank line before a kept line."""
    units: list[Line] = []
    cuts: list[tuple[int, int]] = []
    gap = False
    text_lines = 0
    for s, e in raw_lines(raw):
        content = raw[s:e]
        if not content.strip():
            gap = True
            continue
        if (
            _SEP_LINE_RE.fullmatch(content)
            or _PAGE_LINE_RE.fullmatch(content)
            or not _ALNUM_RE.search(content)
        ):
            cuts.append(trim_range(raw, s, e))
            continue
        fm = _FNOTE_LINE_RE.match(content)
        if fm:
            line = _make_line(raw, s + fm.end(), e, s, kind="fnote", label=fm.group(1))
            line.gap_before = gap
            units.append(line)
            gap = False
            continue
        for i, (a, b) in enumerate(_split_segments(raw, s, e, text_lines)):
            line = _make_line(raw, a, b, s)
            line.gap_before = gap and i == 0
            line.hard_break = i > 0
            units.append(line)
        text_lines += 1
        gap = False
    return units, cuts


@dataclass
class _Layout:
    wrapped: bool
    width: int


def _layout(units: list[Line]) -> _Layout:
    """Whether the document is hard-wrapped (OCR), and its wrap width: most lines run straight into
    the next one, and the long ones cluster at one width."""
    text = [u for u in units if u.kind == "text"]
    followed = [a for a, b in itertools.pairwise(text) if not b.gap_before]
    if len(text) < 8 or len(followed) < 0.5 * len(text):
        return _Layout(False, 0)
    lengths = sorted(u.length for u in followed)
    return _Layout(True, lengths[int(0.9 * (len(lengths) - 1))])


def _should_join(a: Line, b: Line, gap: bool, layout: _Layout) -> bool:
    """Whether line ``b`` continues the paragraph that line ``a`` ends.

    Across a blank line (or a cut block) only a page break joins: ``a`` stops mid-sentence and ``b``
    starts in lower case or with a number that continues it ("ngày" / "28/02/2022"). Within a block,
    lines join unless ``b`` opens a list item or heading after a finished line; in a hard-wrapped
    (OCR) file a line that reaches the wrap width always runs on.
    """
    if a.table or b.table or b.md_heading or b.hard_break:
        return False
    b_marker = b.list_marker or b.heading_pattern or b.full_bold
    if gap:
        if a.md_heading or a.full_bold or a.all_caps or b_marker or a.terminal:
            return False
        return b.starts_lower or b.starts_digit
    if a.md_heading or (a.article and not b.starts_lower):
        return False
    long_a = layout.wrapped and a.length >= 0.8 * layout.width
    if b_marker:
        return long_a and not a.terminal and not a.probe.rstrip(_CLOSERS).endswith(",")
    if b.starts_lower:
        return True
    if a.terminal:
        return long_a
    return long_a or a.heading_pattern


def _resumes_running_text(pending: Line | None, b: Line) -> bool:
    """After a footnote block, whether paragraph ``b`` is running text again or more footnote text.

    Running text comes back with a lowercase continuation, a list item or heading, or, when the
    paragraph before the footnotes stopped mid-sentence, a number continuing it; an upper-case
    paragraph while the sentence is still open is the footnote going on (003 prints footnote 2 in
    two paragraphs)."""
    if pending is None or b.md_heading or b.table or b.list_marker or b.heading_pattern or b.full_bold:
        return True
    if b.starts_lower:
        return True
    if not pending.terminal:
        return b.starts_digit
    return True


def _dup_key(line: Line) -> str:
    return "".join(_ALNUM_RE.findall(fold(unicodedata.normalize("NFC", line.probe)).lower()))


@dataclass
class Structure:
    paragraphs: list[list[Line]]
    footnotes: dict[str, list[list[Line]]]
    cuts: list[tuple[int, int]]
    layout: _Layout


def structure(raw: str) -> Structure:
    """Group the raw lines into paragraphs and footnotes.

    A footnote starts at a line opening with <sup>N</sup> and takes the lines wrapped under it, plus
    any later paragraph that :func:`_resumes_running_text` says is not running text (a paragraph
    identical to a footnote already seen is dropped: 003 prints one twice). Every footnote line is a
    cut. Running text continues across the footnotes as if they were a page break, so a sentence cut
    by a footnote block is joined again."""
    units, cuts = _scan_lines(raw)
    layout = _layout(units)
    paragraphs: list[list[Line]] = []
    footnotes: dict[str, list[list[Line]]] = {}
    fn_keys: set[str] = set()
    current: list[Line] | None = None
    fn: list[list[Line]] | None = None
    crossed = False

    def cut_line(line: Line) -> None:
        cuts.append(trim_range(raw, line.line_start, line.end))

    for u in units:
        if u.kind == "fnote":
            key = _dup_key(u)
            cut_line(u)
            if key in fn_keys:
                fn = None
            elif u.label in footnotes:
                fn = footnotes[u.label]
                fn.append([u])
            else:
                fn = footnotes[u.label] = [[u]]
            fn_keys.add(key)
            crossed = True
            continue
        if crossed and fn is not None and not u.gap_before and not u.hard_break:
            fn[-1].append(u)  # a wrapped footnote line
            cut_line(u)
            continue
        if crossed and not _resumes_running_text(current[-1] if current else None, u):
            key = _dup_key(u)
            cut_line(u)
            if key not in fn_keys and fn is not None:
                fn.append([u])
            fn_keys.add(key)
            continue
        gap = u.gap_before or crossed
        if current is not None and _should_join(current[-1], u, gap, layout):
            current.append(u)
        else:
            current = [u]
            paragraphs.append(current)
        crossed = False
        fn = None
    return Structure(paragraphs, footnotes, _merge_cuts(raw, cuts), layout)


def _merge_cuts(raw: str, cuts: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sort cuts and merge the ones separated only by whitespace (a separator followed by footnotes)."""
    out: list[tuple[int, int]] = []
    for s, e in sorted(c for c in cuts if c[0] < c[1]):
        if out and (s <= out[-1][1] or not raw[out[-1][1] : s].strip()):
            out[-1] = (out[-1][0], max(out[-1][1], e))
        else:
            out.append((s, e))
    return out
