"""The header and the signature block of a Vietnamese administrative document, read by the national formats.

Header (Nghị định 30/2020/NĐ-CP, Hướng dẫn 36-HD/VPTW): the issuing body under its parent on the left,
the quốc hiệu or "ĐẢNG CỘNG SẢN VIỆT NAM" on the right, then "Số: 15/NQ-HĐND" / "Số 125-NQ/TU" and
"Quy Nhơn, ngày 12 tháng 7 năm 2023". Converters print the two columns as separate lines, as one line
with wide gaps, or as a table row ("| TỈNH ỦY QUẢNG NINH | ĐẢNG CỘNG SẢN VIỆT NAM |"): each line is cut into
its cells first. Signature: "T/M BAN THƯỜNG VỤ" / "TM. HỘI ĐỒNG NHÂN DÂN" / "KT. CHỦ TỊCH" (authority),
the position ("BÍ THƯ", "PHÓ CHỦ TỊCH"), then the signer's name; "Nơi nhận:" lists the recipients.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from qa.metadata.issuer import Issuer, parse_body
from qa.text.names import is_person_name
from qa.text.vietnamese import fold_lower

__all__ = ["Header", "Signature", "cells", "read_header", "read_signature"]

_CELL_SPLIT = re.compile(r"\s*\|\s*|\t+|\s{3,}")
_NOT_A_BODY = re.compile(r"^(?:cong hoa xa hoi chu nghia viet nam|doc lap\b.*|[dpb]ang cong san viet nam"
                         r"|[-_=*.&\s]*)$")
# Where a right-hand column starts inside a cell printed with single spaces ("THANH UY HAI PHONG DANG CONG
# SAN VIET NAM", "So 244-KL/TU Hai Phong, ngay 14 thang 4 nam 2023"), on folded text.
_RIGHT_COLUMN = re.compile(r"\s(?=(?:[dpb]ang cong san viet nam|cong hoa xa hoi chu nghia|doc lap - tu do)\b)"
                           r"|(?<=\d)\s(?=[a-z][a-z.'-]*(?:\s[a-z][a-z.'-]*){0,3},\s*ngay\b)")
_NUMBER_CELL = re.compile(r"^(?:s[o0-9]|so|luat so|nghi quyet so)\b\s*:?")
_PLACE_DATE = re.compile(r"^[a-z][a-z .'-]{1,40},\s*ngay\b")


def cells(line: str) -> list[str]:
    """A printed line cut into its columns (table pipes, tabs, runs of three or more spaces, and a known
    right-hand column run on after one space)."""
    out = []
    for cell in _CELL_SPLIT.split(line):
        cuts = [m.start() for m in _RIGHT_COLUMN.finditer(fold_lower(cell))]
        for a, b in zip([0, *cuts], [*cuts, len(cell)]):
            piece = cell[a:b].strip(" *_#")
            if piece.strip("|-"):
                out.append(piece)
    return out


@dataclass(frozen=True)
class Header:
    issuer: Issuer | None
    parent: Issuer | None
    number_cell: str
    """The printed "Số: ..." cell, "" when none."""
    date_cell: str
    """The printed "Place, ngày ..." cell, "" when none."""


def read_header(lines: list[str]) -> Header:
    """The issuing body, its parent, and the number and place-date cells of the lines before the title."""
    bodies: list[str] = []
    number_cell = date_cell = ""
    for line in lines:
        for cell in cells(line):
            key = fold_lower(cell).strip()
            if _NOT_A_BODY.match(key):
                continue
            if not number_cell and _NUMBER_CELL.match(key) and re.search(r"\d", cell):
                number_cell = cell
            elif not date_cell and _PLACE_DATE.match(key):
                date_cell = cell
            elif _upper(cell) and not re.search(r"\d", cell):
                bodies.append(cell)
    issuer = parent = None
    joined = _join_split_bodies(bodies)
    for text in joined:
        body = parse_body(text, issuer)
        if body is not None:
            parent, issuer = issuer, body
    return Header(issuer, parent, number_cell, date_cell)


_BARE_KIND = re.compile(r"^(?:hoi dong nhan dan|uy ban nhan dan|ubnd|hdnd|dang uy|dang bo|"
                        r"uy ban mat tran to quoc viet nam|ban chap hanh dang bo)$")
_UNIT_FIRST = re.compile(r"^(?:tinh|thanh pho|quan|huyen|thi xa|xa|phuong|thi tran|dac khu)\b")


def _join_split_bodies(bodies: list[str]) -> list[str]:
    """"HỘI ĐỒNG NHÂN DÂN" / "TỈNH BÌNH ĐỊNH", "SỞ NÔNG NGHIỆP VÀ" / "PHÁT TRIỂN NÔNG THÔN", "BỘ VĂN HÓA,
    THỂ THAO" / "VÀ DU LỊCH": a body printed on two lines is one body."""
    out: list[str] = []
    for text in bodies:
        prev = fold_lower(out[-1]).strip() if out else ""
        runs_on = prev.endswith((" va", ",", "-")) or fold_lower(text).startswith("va ")
        if out and (runs_on or _BARE_KIND.match(prev) and _UNIT_FIRST.match(fold_lower(text))):
            out[-1] = f"{out[-1]} {text}"
        else:
            out.append(text)
    return out


def _upper(s: str) -> bool:
    letters = [c for c in s if c.isalpha()]
    return len(letters) >= 2 and sum(c.isupper() for c in letters) >= 0.8 * len(letters)


# ---------------------------------------------------------------------------------------------------------
# Signature block
# ---------------------------------------------------------------------------------------------------------

_AUTHORITY = re.compile(r"^(?P<a>t/m|t/l|t/uq|tm|kt|tl|tuq|q)(?P<dot>\.?)\s+(?P<rest>.*)$")
_POSITIONS: dict[str, str] = {}  # folded -> as written
for _display in ("Phó Bí thư Thường trực", "Phó Bí thư", "Bí thư", "Phó Chủ tịch Thường trực", "Phó Chủ tịch",
                 "Chủ tịch", "Phó Thủ tướng", "Thủ tướng", "Bộ trưởng", "Thứ trưởng", "Phó Giám đốc",
                 "Giám đốc", "Phó Chánh Văn phòng", "Chánh Văn phòng", "Phó Trưởng ban", "Trưởng ban",
                 "Ủy viên", "Tổng Bí thư", "Phó Chủ nhiệm", "Chủ nhiệm", "Tổng Thư ký", "Thư ký", "Chánh án",
                 "Viện trưởng", "Cục trưởng", "Vụ trưởng", "Trưởng phòng"):
    _POSITIONS[fold_lower(_display)] = _display
_POSITION = re.compile(rf"^(?P<p>{'|'.join(sorted(_POSITIONS, key=len, reverse=True))})\b")
_SIGNED_NOTE = re.compile(r"^\(?\s*(?:da ky|ky ten|ky|ky, ghi ro ho ten|ky ten, dong dau|dau)\b.*\)?$")
_NAME = re.compile(r"^(?:[A-ZĐÀ-Ỹ][a-zà-ỹđ]*|[A-ZĐÀ-Ỹ]+)(?:\s+(?:[A-ZĐÀ-Ỹ][a-zà-ỹđ]*|[A-ZĐÀ-Ỹ]+)){1,4}$")
_RECIPIENTS = re.compile(r"^noi nhan\s*:?")


@dataclass(frozen=True)
class Signature:
    authority: str = ""
    """"T/M", "TM.", "KT.", "TL.", "TUQ.", "Q." as printed, "" when signed in one's own name."""
    on_behalf_of: str = ""
    """What the authority is for: "BAN THƯỜNG VỤ", "HỘI ĐỒNG NHÂN DÂN", "CHỦ TỊCH"."""
    position: str = ""
    """"Bí thư", "Phó Chủ tịch", ... as a title, "" when not found."""
    signer: str = ""
    recipients: tuple[str, ...] = ()


def read_signature(lines: list[str]) -> Signature:
    """The signature block and the recipients, from the last lines of a document."""
    tail = [c for line in lines[-60:] for c in cells(line)
            if not c.startswith(("-", "+", "•")) and not _RECIPIENTS.match(fold_lower(c))]
    recipients = _recipients(lines[-60:])
    best: Signature | None = None
    for i, cell in enumerate(tail):
        key = fold_lower(cell).strip()
        authority, on_behalf = "", ""
        m = _AUTHORITY.match(key)
        j = i
        if m:
            authority = cell[:len(m.group("a")) + len(m.group("dot"))].upper()
            on_behalf = cell[len(cell) - len(m.group("rest")):].strip() if m.group("rest") else ""
            j = i + 1
            key = fold_lower(tail[j]).strip() if j < len(tail) else ""
        p = _POSITION.match(key)
        if authority and not p and j < len(tail) and _NAME.match(tail[j].strip(" .:")):
            return Signature(authority, on_behalf, "", _name(tail[j]), recipients)  # no position printed
        if not p or not _upper(tail[j]):
            continue
        rest = tail[j][len(p.group('p')):].strip()
        body = parse_body(rest) if rest else None
        position = " ".join([_POSITIONS[p.group("p")], body.name if body else rest]).strip()
        signer = ""
        for k in range(j + 1, min(j + 5, len(tail))):
            candidate = tail[k].strip(" .:")
            ck = fold_lower(candidate)
            if _SIGNED_NOTE.match(ck) or not candidate:
                continue
            if _NAME.match(candidate) and not _POSITION.match(ck) and not _RECIPIENTS.match(ck):
                signer = _name(candidate)
            break
        if signer or best is None:
            best = Signature(authority, on_behalf, position, signer, recipients)
        if signer:
            break
    if best is None or not best.signer:
        # a scan that lost the authority and position lines still ends with the signer's name
        last = next((line for line in reversed(lines) if line.strip()), "")
        if is_person_name(last):
            return Signature(best.authority if best else "", best.on_behalf_of if best else "",
                             best.position if best else "", _name(last), recipients)
    return best or Signature(recipients=recipients)


def _recipients(lines: list[str]) -> tuple[str, ...]:
    out: list[str] = []
    inside = False
    for line in lines:
        first = cells(line)[:1]
        if not first:
            if inside and out:
                break
            continue
        cell = first[0]
        key = fold_lower(cell)
        if _RECIPIENTS.match(key):
            inside = True
            rest = cell.split(":", 1)[1].strip() if ":" in cell else ""
            if rest:
                out.append(rest.strip("-+• ;,."))
            continue
        if inside:
            if not line.lstrip().startswith(("-", "+", "•")):
                break
            out.append(cell.lstrip("-+• ").rstrip(";,."))
    return tuple(x for x in out if x)


def _name(printed: str) -> str:
    """A signer's name as printed; "TRẦN LƯU QUANG" in capitals -> "Trần Lưu Quang"."""
    printed = " ".join(printed.strip(" .:").split())
    return " ".join(w[:1] + w[1:].lower() for w in printed.split()) if printed.isupper() else printed
