"""Distinct copies of the seed documents for load and scale benchmarks: the index de-duplicates identical
content (and the embedding cache skips identical chunk texts), so copy i of a seed gets its own years,
figures, place names and a closing line, while keeping the seeds' structure, length and vocabulary.
"""
from __future__ import annotations

import re
from pathlib import Path

PROVINCES = ["Hải Phòng", "Quảng Ninh", "Thái Bình", "Hải Dương", "Nam Định", "Hưng Yên", "Ninh Bình",
             "Thanh Hóa", "Bắc Ninh", "Vĩnh Phúc", "Hà Nam"]
DISTRICTS = ["Kiến An", "Lê Chân", "Ngô Quyền", "Hồng Bàng", "Hải An", "Dương Kinh", "Đồ Sơn", "Thủy Nguyên",
             "An Dương", "An Lão", "Kiến Thụy", "Tiên Lãng", "Vĩnh Bảo", "Cát Hải"]
_YEAR = re.compile(r"(?<!\d)(20[0-5]\d)(?!\d)")
_NUMBER = re.compile(r"(?<![\d/\x00])(\d{2,})(?![\d/])")
"""Figures of two digits or more that are not part of a date written d/m/y."""


def variant(text: str, i: int) -> str:
    """Copy `i` of a document (i = 0 is the text unchanged): years shifted, figures changed, \
places renamed."""
    if i == 0:
        return text
    shift = i % 9 - 4 or 5
    out = _YEAR.sub(lambda m: f"\x00{int(m.group(1)) + shift}", text)  # \x00 marks a year already done
    out = _NUMBER.sub(lambda m: str(int(m.group(1)) + 1 + (7 * i + int(m.group(1))) % 13), out)
    out = out.replace("\x00", "")
    out = out.replace("Hải Phòng", PROVINCES[i % len(PROVINCES)])
    out = out.replace("Kiến An", DISTRICTS[i % len(DISTRICTS)])
    return f"{out.rstrip()}\n\nBản sao số {i} dùng để đo hiệu năng.\n"


def write_copies(seeds: Path, out_dir: Path, copies: int) -> list[Path]:
    """`copies` versions of every seed file in `out_dir` (copy 0 is the seed itself); the paths written."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for seed in sorted(seeds.glob("*.txt")):
        text = seed.read_text(encoding="utf-8")
        for i in range(copies):
            path = out_dir / f"{seed.stem}_v{i:04d}.txt"
            path.write_text(variant(text, i), encoding="utf-8")
            written.append(path)
    return written
