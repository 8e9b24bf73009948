"""The title block of a document (its type line and trích yếu) and its opening paragraph, read from the
lines as printed, and the title as one sentence-case line a user can read in a list.
"""
from __future__ import annotations

import re
from functools import lru_cache

from qa.metadata.places import district, province
from qa.metadata.types import TYPES
from qa.text.vietnamese import fold_lower

__all__ = ["clean", "find_type_line", "intro", "is_upper", "title_block", "title_of"]

@lru_cache(maxsize=4096)
def _lower_char(ch: str) -> str:
    low = ch.lower()
    return low if len(low) == 1 else ch


# Proper nouns to capitalise again once an all-caps title line is lower-cased (1 = capitalise that word).
_PROPER = [(re.compile(rf"\b{re.escape(fold_lower(p))}\b"), [w[0].isupper() for w in p.split()]) for p in (
    "Hội nghị", "Thành ủy", "Quận ủy", "Huyện ủy", "Ban Chấp hành", "Ban Thường vụ", "Đảng bộ", "Đảng ủy",
    "Thường trực", "Đại hội", "Trung ương", "Bộ Chính trị", "Ban Bí thư", "Quốc hội", "Chính phủ",
    "Hội đồng nhân dân", "Ủy ban nhân dân", "Mặt trận Tổ quốc", "Nhân dân", "xây dựng Đảng", "của Đảng",
    "Đảng Cộng sản Việt Nam")]
# After a unit word, a known place name gets its capitals back ("của quận kiến an" -> "của quận Kiến An").
_UNIT_THEN_WORDS = re.compile(r"\b(?:tinh|thanh pho|quan|huyen|thi xa|xa|phuong|thi tran|uy|dang bo)"
                              r"((?:\s[a-z]+){1,3})")
_ROMAN_AFTER = re.compile(r"\b(?:khoa|qu[yi]|dai hoi|phan|tap|lan thu)\s+([ivxl]+)\b")


def clean(text: str) -> str:
    """Markdown and HTML left by converters, removed so header lines read as printed."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = re.sub(r"\*{4}", "\n", text)  # "**KẾT LUẬN****HỘI NGHỊ ...": two bold lines run together
    text = re.sub(r"<sup>.*?</sup>", "", text, flags=re.S)
    text = re.sub(r"<[^>\n]{1,40}>", "", text)
    text = re.sub(r"(?m)^\s{0,3}#{1,6}\s*", "", text)
    return text.replace("*", "").replace("\\", "")


def is_upper(s: str) -> bool:
    letters = [c for c in s if c.isalpha()]
    return len(letters) >= 2 and sum(c.isupper() for c in letters) >= 0.8 * len(letters)


def find_type_line(lines: list[str], keys: list[str]) -> tuple[int | None, str]:
    """The all-caps "KẾT LUẬN" / "NGHỊ QUYẾT" / "BÁO CÁO" line that starts the title block."""
    seen = 0
    for i, (line, k) in enumerate(zip(lines, keys)):
        s, ks = line.strip(), k.strip()
        if not s:
            continue
        seen += 1
        if seen > 15:
            break
        for word, display in TYPES.items():
            if (ks == word or ks.startswith(word + " ")) and is_upper(s[:len(word)]) \
                    and (ks == word or is_upper(s)):
                return i, display
    return None, ""


def title_block(lines: list[str], type_at: int | None) -> tuple[list[str], int]:
    """The type line and the caps / lower-case-subtitle lines under it; stops at the first body paragraph."""
    if type_at is None:
        return [], 0
    block = [lines[type_at]]
    subtitle = False
    i = type_at + 1
    # a state document's trích yếu is printed in sentence case right under its type line
    while i < len(lines) and lines[i].strip() and i < type_at + 4 and not is_upper(lines[i]) \
            and not lines[i].strip().startswith(("Căn cứ", "Thực hiện", "Theo", "Ngày")):
        block.append(lines[i].strip())
        subtitle = True
        i += 1
    while i < len(lines) and i < type_at + 20 and sum(map(len, block)) < 700:
        s = lines[i].strip()
        if not s:
            subtitle = False
        elif re.fullmatch(r"[-_=*]{3,}", s):
            break
        elif subtitle or is_upper(s) or s[0].islower():
            subtitle = subtitle or s[0].islower() or not is_upper(s)
            block.append(s)
        else:
            break
        i += 1
    return block, i


def intro(lines: list[str], start: int) -> str:
    """The first body paragraph: where a document says which meeting it comes from and what it is for."""
    i = start
    while i < len(lines) and (not lines[i].strip() or re.fullmatch(r"\s*[-_=*]{3,}\s*", lines[i])):
        i += 1
    para: list[str] = []
    while i < len(lines) and lines[i].strip() and len(para) < 30:
        para.append(lines[i].strip())
        i += 1
    return "\n".join(para)


def title_of(block: list[str], doc_type: str) -> str:
    """The title block as one sentence-case line: caps lines lowered, proper nouns and numerals restored,
    OCR splits in the subtitle mended ("v ề" -> "về", "Quý H" -> "quý II")."""
    parts = []
    for line in block:
        line = " ".join(line.split())
        parts.append("".join(_lower_char(c) for c in line) if is_upper(line) else line)
    s = " ".join(parts).strip(" ,;:")
    s = re.sub(r"\b([bcdđghklmnpqrstvx]) (?=[aăâeêioôơuưyàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợ"
               r"ùúủũụừứửữựỳýỷỹỵ])", r"\1", s)
    k = fold_lower(s)
    chars = list(s)
    for m in re.finditer(r"\bqu[yi]\s+(h|n|ll|il)\b", k):
        chars[m.start(1):m.end(1)] = ["\0"] * (m.end(1) - m.start(1))
        chars[m.start(1)] = "II"
    for m in re.finditer(r"\bqu[yi]\s+(?:[ivx]+|[1-4]|h|n|ll|il)\b", k):
        chars[m.start()] = "q"
    for pat, mask in _PROPER:
        for m in pat.finditer(k):
            pos = m.start()
            for word, cap in zip(k[m.start():m.end()].split(" "), mask):
                if cap:
                    chars[pos] = chars[pos].upper()
                pos += len(word) + 1
    words_at = [(m.start(), m.group()) for m in re.finditer(r"[a-z]+", k)]
    # a province named anywhere ("Hải Phòng", "Bình Định") keeps its capitals
    for j in range(len(words_at) - 1):
        name = f"{words_at[j][1]} {words_at[j + 1][1]}"
        if province(name) and k[words_at[j][0]:words_at[j + 1][0] + len(words_at[j + 1][1])] == name:
            chars[words_at[j][0]] = chars[words_at[j][0]].upper()
            chars[words_at[j + 1][0]] = chars[words_at[j + 1][0]].upper()
    for m in _UNIT_THEN_WORDS.finditer(k):
        words = m.group(1).split()
        for n in range(len(words), 0, -1):
            if province(" ".join(words[:n])) or district(" ".join(words[:n])):
                pos = m.start(1) + 1
                for w in words[:n]:
                    chars[pos] = chars[pos].upper()
                    pos += len(w) + 1
                break
    for m in _ROMAN_AFTER.finditer(k):
        for i in range(m.start(1), m.end(1)):
            chars[i] = chars[i].upper()
    s = "".join(c for c in chars if c != "\0")
    s = " ".join(s.split())
    return s[:1].upper() + s[1:] if s else ""
