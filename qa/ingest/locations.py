"""Where each page (PDF, scan) or paragraph (DOCX) begins in a document's extracted text, so a citation
can say "trang 3" or "đoạn 12" beside its character span.
"""
from __future__ import annotations

import bisect
from dataclasses import dataclass

UNITS = {"page": "trang", "paragraph": "đoạn"}
"""Unit -> its Vietnamese name in a citation."""


@dataclass(frozen=True)
class TextLocations:
    """`starts[i]` is the raw-text offset where unit i + 1 begins (sorted, the first is 0)."""

    unit: str
    starts: tuple[int, ...]

    def __post_init__(self) -> None:
        if self.unit not in UNITS:
            raise ValueError(f"unit must be one of {sorted(UNITS)}")
        if list(self.starts) != sorted(self.starts):
            raise ValueError("starts must be sorted")

    def at(self, offset: int) -> int:
        """The unit (from 1) that holds the character at `offset`."""
        return max(1, bisect.bisect_right(self.starts, offset))

    def cite(self, offset: int) -> dict[str, int]:
        """The JSON field a passage starting at `offset` carries: {"page": 3} or {"paragraph": 12}."""
        return {self.unit: self.at(offset)}

    def label(self, offset: int) -> str:
        """"trang 3", "đoạn 12"."""
        return f"{UNITS[self.unit]} {self.at(offset)}"

    def __len__(self) -> int:
        return len(self.starts)

    def to_json(self) -> dict:
        return {"unit": self.unit, "starts": list(self.starts)}

    @classmethod
    def from_json(cls, data: dict) -> TextLocations:
        return cls(data["unit"], tuple(int(s) for s in data["starts"]))


def join_units(texts: list[str], unit: str, separator: str) -> tuple[str, TextLocations]:
    """One text from pages or paragraphs, and where each begins in it (empty units keep their number)."""
    starts: list[int] = []
    pos = 0
    for i, text in enumerate(texts):
        if i:
            pos += len(separator)
        starts.append(pos)
        pos += len(text)
    return separator.join(texts), TextLocations(unit, tuple(starts))
