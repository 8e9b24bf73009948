"""The items an answer states, found in a sentence: a quantity with its unit, a date, a person's name, a
place. Each is a span of the sentence, so the answer can show it, bold, exactly as the document wrote it.
"""
from __future__ import annotations

import re
from typing import NamedTuple

from qa.answers.figures import find_facts
from qa.metadata.types import DOCUMENT_NUMBER, TYPES
from qa.search.intent import Asks
from qa.text.names import PERSON_NAME

__all__ = ["Item", "items"]


class Item(NamedTuple):
    start: int
    end: int
    text: str


_NUMBER = r"\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:,\d+)?"
# A bare count and the word it counts ("họp 21 kỳ", "03 trụ cột"), beside the figures with a unit.
_COUNT = re.compile(rf"(?<![\w/.,\-])({_NUMBER})(?:\s*[-–]\s*(?:{_NUMBER}))?\s+([^\W\d_]+)")
_YEAR_ALONE = re.compile(r"(?:19|20)\d\d")
_DEADLINE = re.compile(r"\d\s*/\s*\d")
"""A figure written as a day and month ("trước ngày 30/9/2021") is a date, not a quantity."""
# A number that names a form, an article, a time or a rank ("Mẫu số 03", "Điều 4", "lần thứ 11") counts
# nothing.
_NAMING_BEFORE = re.compile(r"(?:\b(?:số|mẫu|điều|khoản|điểm|phụ lục|mục|chương|thứ|năm|tháng|ngày|quý|khóa|"
                            r"khoá|lần|giai đoạn|nhiệm kỳ)\s*)$", re.IGNORECASE)
_DATE = re.compile(
    r"(?:(?:trước|đến|từ|vào|trong|chậm nhất|sau|hết)\s+)?"
    r"(?:ngày\s+\d{1,2}\s*(?:[/.\-]\s*\d{1,2}(?:\s*[/.\-]\s*(?:19|20)\d\d)?|tháng\s+\d{1,2}(?:\s+năm\s+(?:19|20)\d\d)?"
    r"|hằng\s+(?:tháng|quý|năm))"
    r"|\d{1,2}\s*/\s*\d{1,2}\s*/\s*(?:19|20)\d\d"
    r"|tháng\s+\d{1,2}(?:\s*/\s*(?:19|20)\d\d|\s+năm\s+(?:19|20)\d\d)?"
    r"|quý\s+[IV]{1,3}(?:\s*/\s*(?:19|20)\d\d|\s+năm\s+(?:19|20)\d\d)?"
    r"|năm\s+(?:19|20)\d\d)",
    re.IGNORECASE)
_DOC_NUMBER = re.compile(rf"(?:(?:{'|'.join(TYPES.values())})\s+)?số\s*:?\s*(?:{DOCUMENT_NUMBER})",
                         re.IGNORECASE)
"""A document number as a sentence cites it ("Báo cáo số 198/BC-UBND"), with its type when printed."""
_PLACE = re.compile(r"\b(?:tại|ở|trên địa bàn)\s+((?:(?:các|những)\s+)?(?:[a-zà-ỹđ]+\s+)?"
                    r"[A-ZĐÀ-Ỹ][\wà-ỹđ]*(?:[\s,]+(?:và\s+)?[A-ZĐÀ-Ỹ][\wà-ỹđ]*){0,6})")


def items(sentence: str, kind: Asks) -> list[Item]:
    """The items of `kind` in a sentence, in order; [] when it states none."""
    if kind in (Asks.QUANTITY, Asks.DIRECTION):
        found = [Item(f.start, f.end, f.text) for f in find_facts(sentence) if not _DEADLINE.search(f.text)]
        found += [Item(m.start(), m.end(), m.group()) for m in _COUNT.finditer(sentence)
                  if not _YEAR_ALONE.fullmatch(m.group(1))
                  and not _NAMING_BEFORE.search(sentence, 0, m.start())
                  and not any(f.start < m.end() and m.start() < f.end for f in found)]
        return sorted(found)
    if kind in (Asks.DATE, Asks.ISSUE_DATE):
        return [Item(m.start(), m.end(), m.group()) for m in _DATE.finditer(sentence)]
    if kind in (Asks.PERSON, Asks.SIGNER):
        return [Item(m.start(), m.end(), m.group()) for m in PERSON_NAME.finditer(sentence)]
    if kind is Asks.NUMBER:
        return [Item(m.start(), m.end(), m.group()) for m in _DOC_NUMBER.finditer(sentence)]
    if kind is Asks.PLACE:
        return [Item(m.start(1), m.end(1), m.group(1).rstrip(" ,")) for m in _PLACE.finditer(sentence)]
    return []
