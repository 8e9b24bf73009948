"""Issuing bodies: Party committees, people's councils and committees, the Front, central bodies, at every
level from Trung ương to xã/phường/đặc khu, read from a header line into a name a user would search for.

The header of a Party document (Hướng dẫn 36-HD/VPTW) names the committee ("TỈNH ỦY QUẢNG NINH", "ĐẢNG ỦY
XÃ TÂN LẬP") under the Party body above it ("ĐẢNG BỘ HUYỆN ..."); a state document (Nghị định 30/2020/NĐ-CP)
names its body under its parent ("UBND TỈNH BÌNH ĐỊNH" / "SỞ TÀI CHÍNH"), sometimes over two lines
("HỘI ĐỒNG NHÂN DÂN" / "TỈNH BÌNH ĐỊNH"). Kinds and units are vocabularies here, places come from
`qa.metadata.places`; nothing is specific to one province.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from qa.metadata.places import CENTRAL_CITY, PROVINCE, district, place_name, province
from qa.text.vietnamese import fold_lower

__all__ = ["Issuer", "parse_body", "tier_of"]

# Unit words of the administrative levels, folded, and the level they name.
_UNITS = {
    "tinh": PROVINCE, "thanh pho": "thành phố", "quan": "quận", "huyen": "huyện", "thi xa": "thị xã",
    "xa": "xã", "phuong": "phường", "thi tran": "thị trấn", "dac khu": "đặc khu",
}
_UNIT_DISPLAY = {"tinh": "tỉnh", "thanh pho": "thành phố", "quan": "quận", "huyen": "huyện",
                 "thi xa": "thị xã", "xa": "xã", "phuong": "phường", "thi tran": "thị trấn",
                 "dac khu": "đặc khu"}
_UNIT = r"(?P<unit>thanh pho|thi xa|thi tran|dac khu|tinh|quan|huyen|xa|phuong)"
# Party committees named by their level: "tỉnh ủy X", "thành ủy X", "huyện ủy X", "quận ủy X", "thị ủy X".
_COMMITTEES = {"tinh": ("Tỉnh ủy", PROVINCE), "thanh": ("Thành ủy", "thành phố"),
               "huyen": ("Huyện ủy", "huyện"), "quan": ("Quận ủy", "quận"), "thi": ("Thị ủy", "thị xã")}
_COMMITTEE = re.compile(r"^(?P<kind>tinh|thanh|huyen|quan|thi) uy(?: (?P<place>.+))?$")
# Bodies followed by a unit and a place: "hội đồng nhân dân tỉnh X", "đảng ủy xã X", "đảng bộ huyện X".
_LOCAL_BODIES = {
    "hoi dong nhan dan": "Hội đồng nhân dân", "uy ban nhan dan": "Ủy ban nhân dân",
    "uy ban mat tran to quoc viet nam": "Ủy ban Mặt trận Tổ quốc Việt Nam", "dang uy": "Đảng ủy",
    "dang bo": "Đảng bộ", "ban chap hanh dang bo": "Ban Chấp hành Đảng bộ",
    "ban thuong vu": "Ban Thường vụ", "uy ban kiem tra": "Ủy ban Kiểm tra",
}
_LOCAL = re.compile(rf"^(?P<body>{'|'.join(sorted(_LOCAL_BODIES, key=len, reverse=True))})"
                    rf" {_UNIT} (?P<place>.+)$")
_ABBREVIATIONS = (("ubnd", "uy ban nhan dan"), ("hdnd", "hoi dong nhan dan"),
                  ("ubmttq viet nam", "uy ban mat tran to quoc viet nam"),
                  ("ubmttq", "uy ban mat tran to quoc viet nam"),
                  ("bch", "ban chap hanh"), ("tp", "thanh pho"))
# Central bodies, whole names.
_CENTRAL = {
    "ban chap hanh trung uong": "Ban Chấp hành Trung ương", "bo chinh tri": "Bộ Chính trị",
    "ban bi thu": "Ban Bí thư", "quoc hoi": "Quốc hội",
    "uy ban thuong vu quoc hoi": "Ủy ban Thường vụ Quốc hội",
    "chinh phu": "Chính phủ", "thu tuong chinh phu": "Thủ tướng Chính phủ",
    "van phong trung uong dang": "Văn phòng Trung ương Đảng",
    "toa an nhan dan toi cao": "Tòa án nhân dân tối cao",
    "vien kiem sat nhan dan toi cao": "Viện kiểm sát nhân dân tối cao",
}
# Bodies named by what they do: "Bộ Tài chính", "Sở Kế hoạch và Đầu tư", "Ban Tuyên giáo Tỉnh ủy".
_NAMED = re.compile(r"^(?P<head>bo|so|ban|van phong|phong|cuc|tong cuc|hoi|doan|lien doan"
                    r"|uy ban|dang uy) .+$")
CENTRAL = "trung ương"
_TIERS = {CENTRAL: CENTRAL, PROVINCE: PROVINCE, CENTRAL_CITY: PROVINCE, "quận": "huyện", "huyện": "huyện",
          "thị xã": "huyện", "thành phố thuộc tỉnh": "huyện", "xã": "xã", "phường": "xã", "thị trấn": "xã",
          "đặc khu": "xã"}


@dataclass(frozen=True)
class Issuer:
    name: str
    """"Tỉnh ủy Quảng Ninh", "Hội đồng nhân dân tỉnh Bình Định", "Đảng ủy xã Tân Lập", "Chính phủ"."""
    level: str
    """"trung ương", "tỉnh", "thành phố trực thuộc trung ương", "thành phố thuộc tỉnh", "quận", "huyện",
    "thị xã", "xã", "phường", "thị trấn", "đặc khu", or "" when the line does not say."""
    province: str = ""
    """The province or centrally-run city the body belongs to ("" for central bodies or when unknown)."""


def tier_of(level: str) -> str:
    """The tier a level belongs to, which is what a question can ask for: "trung ương", "tỉnh" (provinces and
    centrally-run cities), "huyện" (districts, towns, provincial cities), "xã" (communes, wards); ""
    unknown."""
    return _TIERS.get(level, "")


def _key(printed: str) -> str:
    key = " ".join(re.findall(r"[a-z0-9/]+", fold_lower(printed)))
    for short, full in _ABBREVIATIONS:
        key = re.sub(rf"\b{short}\b", full, key)
    return key


def _printed_tail(printed: str, words: int) -> str:
    """The printed text after its first `words` words (the place name as printed, with its accents)."""
    parts = printed.split()
    return " ".join(parts[words:])


def _city_level(name: str, in_province: str = "") -> tuple[str, str]:
    """A "thành phố X" is centrally run (Hải Phòng, Đà Nẵng) or a city of a province (Hạ Long)."""
    p = province(name)
    if p is not None and p.kind == CENTRAL_CITY:
        return CENTRAL_CITY, p.name
    d = district(name, in_province)
    return "thành phố thuộc tỉnh", d.province if d else in_province


def parse_body(printed: str, parent: Issuer | None = None) -> Issuer | None:
    """The issuing body a header line names, or None when it names none. `parent` (the line above it)
    gives the province of a district or commune body."""
    key = _key(printed)
    if not key:
        return None
    in_province = parent.province if parent else ""
    if key in _CENTRAL:
        return Issuer(_CENTRAL[key], CENTRAL)
    m = _COMMITTEE.match(key)
    if m:
        display, level = _COMMITTEES[m.group("kind")]
        if not m.group("place"):
            return Issuer(display, "", in_province)
        raw_place = _printed_tail(printed, 2)
        if level == "thành phố":
            level, prov = _city_level(m.group("place"), in_province)
        elif level == PROVINCE:
            prov = place_name(raw_place)
        else:
            d = district(m.group("place"), in_province)
            prov = d.province if d else in_province
        return Issuer(f"{display} {place_name(raw_place, prov)}", level, prov)
    m = _LOCAL.match(key)
    if m:
        body = _LOCAL_BODIES[m.group("body")]
        unit = m.group("unit")
        words = len(m.group("body").split()) + len(unit.split())
        raw_place = _printed_tail(_expand_printed(printed), words)
        level = _UNITS[unit]
        if unit == "tinh":
            prov = place_name(raw_place)
        elif unit == "thanh pho":
            level, prov = _city_level(m.group("place"), in_province)
        elif unit in ("quan", "huyen", "thi xa"):
            d = district(m.group("place"), in_province)
            prov = d.province if d else in_province
        else:
            prov = in_province
        return Issuer(f"{body} {_UNIT_DISPLAY[unit]} {place_name(raw_place, prov)}", level, prov)
    m = _NAMED.match(key)
    if m:
        name = _sentence_case(printed, len(m.group("head").split()))
        if m.group("head") == "bo":
            return Issuer(name, CENTRAL)
        if parent and parent.province and parent.level == PROVINCE:  # a department of a province
            name = f"{name} tỉnh {parent.province}"
        return Issuer(name, parent.level if parent else "", in_province)
    return None


def _expand_printed(printed: str) -> str:
    """Printed abbreviations spelled out word for word, so printed words line up with the folded key."""
    out = []
    for word in printed.split():
        k = fold_lower(word).strip(".,")
        out.append({"ubnd": "Ủy ban nhân dân", "hđnd": "Hội đồng nhân dân", "hdnd": "Hội đồng nhân dân",
                    "tp": "thành phố", "ubmttq": "Ủy ban Mặt trận Tổ quốc",
                    "bch": "Ban Chấp hành"}.get(k, word))
    return " ".join(out)


def _sentence_case(printed: str, head_words: int) -> str:
    """"SỞ TÀI CHÍNH" -> "Sở Tài chính": an all-caps name keeps a capital on its first word and on the word
    after its head ("Sở", "Đảng ủy"); a name printed in mixed case stays as printed."""
    words = printed.split()
    if not words or not all(not c.isalpha() or c.isupper() for c in printed):
        return " ".join(words)
    return " ".join(w[:1] + w[1:].lower() if i in (0, head_words) else w.lower() for i, w in enumerate(words))
