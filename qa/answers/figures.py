"""Key figures in a sentence (percentages, amounts, counts, deadlines), and where a quoted piece of a passage
lies in the raw file: what answers state and comparisons put side by side.

A staffer comparing periods looks for the numbers first, so each period's figures are shown side by side,
each cited at its exact place in the file.
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass

from qa.ingest.chunking import Chunk
from qa.ingest.normalize import NormalizedText
from qa.text.vietnamese import fold

logger = logging.getLogger(__name__)

_NUM = r"\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:,\d+)?"
_CUE = (r"(?:ước\s+(?:tăng|giảm|đạt)|tăng|giảm|đạt|vượt|trên|dưới|khoảng|gần|hơn|ước|bằng|chiếm|còn|tối thiểu"
        r"|tối đa|ít nhất|cả|gấp)")
_SCALE = r"(?:nghìn|ngàn|triệu|tỷ|tỉ)"
_MEASURE = (rf"(?:{_SCALE}(?:\s+{_SCALE})?(?:\s+(?:đồng|USD|người|lượt|tấn|TEU))?"
            r"|USD|đồng|ha|km2?|m2|m²|m3|tấn|TEU|lần|điểm)")
_FIGURE = re.compile(
    rf"(?P<cue>(?:{_CUE}\s+){{1,2}})?(?P<num>{_NUM})(?:\s*[-–]\s*(?P<num2>{_NUM}))?"
    rf"(?:\s*(?P<pct>%)|\s+(?P<measure>{_MEASURE})(?![\w])|(?P<noun>(?:\s+[^\W\d_]+){{1,2}}))?"
    rf"(?(pct)(?P<share>(?:\s+[^\W\d_]+){{1,2}})?)",
    re.IGNORECASE)
_DATE = re.compile(r"(?P<cue>trước|đến(?: hết)?|trong|chậm nhất|từ|sau)\s+(?:ngày\s+)?"
                   r"\d{1,2}\s*/\s*\d{1,2}(?:\s*/\s*(?:19|20)\d\d)?(?![\w/])", re.IGNORECASE)
_NOT_A_FIGURE_BEFORE = re.compile(
    r"(?:\b(?:năm|tháng|ngày|quý|số|thứ|khóa|khoá|điều|khoản|điểm|giai đoạn|nhiệm kỳ|lần|phụ lục|mục"
    r"|Nghị quyết|Kết luận|Chỉ thị|Quyết định)\s*|[\w/.\-<]|\d\s*[-–]\s*)$", re.IGNORECASE)
_STOP_NOUN = frozenset(
    "và của với trong năm tháng ngày quý đạt được là có đã các những tại trên so theo để cho từ đến ở "
    "thuộc mới tăng giảm này đó về bằng như khi thì sẽ đang cùng kỳ hơn hoặc không chưa vượt ước nhưng "
    "người".split())
_STOP_NOUN_FOLDED = frozenset(fold(w) for w in _STOP_NOUN)
"""The same, for the accent-stripped OCR text ("14 cac toi pham": "14" is a misread "là")."""
_FIGURE_ALONE_UNITS = frozenset({"người"})
_ONE_WORD_NOUNS = frozenset("xã phường huyện quận tỉnh hộ người vụ lần ca căn lượt khóa lớp đợt cuộc bản "
                            "điểm tuyến nhà trường".split())
"""Counted nouns of one syllable ("14 xã", "35 xã nông thôn mới"): the count stops after them."""


@dataclass(frozen=True)
class FoundFact:
    """A figure found in a sentence: its [start, end) there and its text with spaces collapsed."""

    start: int
    end: int
    text: str


def _counted(words: str, offset: int, allow_first: frozenset[str] = frozenset()) -> int | None:
    """End of the counted noun in `words` ("công viên" of "17 công viên cây xanh và ..."): up to two
    words, stopping at a function word or a verb that starts the rest of the sentence; None if none."""
    end = None
    for i, w in enumerate(re.finditer(r"[^\W\d_]+", words)):
        low = w.group().lower()
        if (low in _STOP_NOUN or low in _STOP_NOUN_FOLDED) and not (i == 0 and low in allow_first):
            break
        end = offset + w.end()
        if i == 0 and low in _ONE_WORD_NOUNS:
            break
    return end


def find_facts(sentence: str) -> list[FoundFact]:
    """Figures a staffer compares across periods, with their offsets in `sentence`: percentages ("tăng
    16 - 18%", "ước tăng 18,29%"), shares ("100% chỉ tiêu"), amounts ("5,72 tỷ USD"), counts ("17
    công viên", "14 xã") and deadlines ("trước ngày 30/6/2023"). Years, dates of other documents,
    document and section numbers ("(18).", "số 03-NQ/TU", "lần thứ 7") are not figures.
    """
    found: list[FoundFact] = []
    taken = bytearray(len(sentence) + 1)
    for m in _DATE.finditer(sentence):
        found.append(FoundFact(m.start(), m.end(), m.group()))
        taken[m.start():m.end()] = b"\x01" * (m.end() - m.start())
    for m in _FIGURE.finditer(sentence):
        num_at, num_end = m.start("num"), m.end("num2") if m.group("num2") else m.end("num")
        before = sentence[max(0, num_at - 16):num_at]
        if any(taken[num_at:num_end]) or _NOT_A_FIGURE_BEFORE.search(before):
            continue
        if re.match(r"\s*[/.)\]]\s*\d|[/)\]]|\.\S|\s*[-–]\s*[A-ZĐ]", sentence[num_end:]):
            continue  # 35/2021/QH15, 03-NQ, (18), 1.2. numbering
        if m.group("pct"):
            end = m.end("pct")
            if m.group("share") and not m.group("cue"):  # "100% chỉ tiêu", not "tăng 18,29% so với"
                end = _counted(m.group("share"), m.start("share")) or end
        elif m.group("measure"):
            end = m.end("measure")
        elif m.group("noun"):
            end = _counted(m.group("noun"), m.start("noun"), _FIGURE_ALONE_UNITS)
            if end is None or re.fullmatch(r"(?:19|20)\d\d", m.group("num")):
                continue
        else:
            continue  # a bare number says nothing on its own
        start = m.start() if m.group("cue") else num_at
        found.append(FoundFact(start, end, " ".join(sentence[start:end].split())))
        taken[start:end] = b"\x01" * (end - start)
    found.sort(key=lambda f: f.start)
    return found


def raw_location(chunk: Chunk, norm: NormalizedText, a: int, b: int) -> tuple[list[tuple[int, int]], bool]:
    """Raw-file spans of `chunk.text[a:b]` through the document's offset map, and whether they are
    exact; the chunk's own spans (not exact) when the map gives nothing."""
    base = chunk.norm_range[0]
    spans = norm.raw_spans(base + a, base + b)
    if spans:
        return spans, True
    logger.debug("no raw offsets for %s[%d:%d]: citing the whole passage", chunk.chunk_id, a, b)
    return list(chunk.spans), False
