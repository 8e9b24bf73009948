"""The types of administrative documents of the Party (Hướng dẫn 36-HD/VPTW) and of the state (Nghị định
30/2020/NĐ-CP, Luật Ban hành văn bản quy phạm pháp luật), and the codes their numbers carry.

One vocabulary for the title line ("NGHỊ ĐỊNH", "THÔNG TRI"), for numbers ("125-NQ/TU", "30/2020/NĐ-CP")
and for questions ("nghị quyết", "kết luận").
"""
from __future__ import annotations

import re

__all__ = ["DOCUMENT_NUMBER", "PARTY_CODES", "STATE_CODES", "TYPES", "number_key"]

DOCUMENT_NUMBER = (
    r"\d{1,5}[a-z]?\s*-\s*[A-ZĐ][A-Za-zĐđ]{0,4}\s*/\s*[A-ZĐ][A-ZĐa-z]{0,5}"  # Party: 244-KL/TU
    r"|\d{1,5}\s*/\s*(?:\d{4}\s*/\s*)?[A-ZĐ][A-ZĐa-z]{0,4}\s*-\s*[A-ZĐ][A-ZĐ]{1,8}"  # state: 30/2020/NĐ-CP
    r"|\d{1,4}\s*/\s*\d{4}\s*/\s*QH\d{1,2}"  # a law or resolution of the National Assembly: 35/2021/QH15
)
"""Số và ký hiệu of a document in either system (a regex, case-insensitive by use)."""


def number_key(number: str) -> str:
    """How two printings of one number compare: "244 - KL/TU" and "244-kl/tu" are the same number."""
    return re.sub(r"\s+", "", number).lower().replace("đ", "d").replace("Đ", "d")

TYPES: dict[str, str] = {
    # folded title words -> the type as written; longer names first where one starts another
    "thong tu lien tich": "Thông tư liên tịch", "nghi quyet lien tich": "Nghị quyết liên tịch",
    "ket luan": "Kết luận", "nghi quyet": "Nghị quyết", "bao cao": "Báo cáo", "chi thi": "Chỉ thị",
    "ke hoach": "Kế hoạch", "quy dinh": "Quy định", "thong bao": "Thông báo", "quyet dinh": "Quyết định",
    "chuong trinh": "Chương trình", "thong tri": "Thông tri", "quy che": "Quy chế", "huong dan": "Hướng dẫn",
    "to trinh": "Tờ trình", "luat": "Luật", "bo luat": "Bộ luật", "phap lenh": "Pháp lệnh",
    "nghi dinh": "Nghị định", "thong tu": "Thông tư", "cong van": "Công văn", "cong dien": "Công điện",
    "de an": "Đề án", "phuong an": "Phương án", "du an": "Dự án", "bien ban": "Biên bản", "lenh": "Lệnh",
    "hien phap": "Hiến pháp", "giay moi": "Giấy mời",
}
PARTY_CODES: dict[str, str] = {
    # folded code in a Party number ("244-KL/TU") -> type
    "kl": "Kết luận", "nq": "Nghị quyết", "bc": "Báo cáo", "ct": "Chỉ thị", "kh": "Kế hoạch",
    "qdi": "Quy định", "tb": "Thông báo", "qd": "Quyết định", "ctr": "Chương trình", "tt": "Thông tri",
    "qc": "Quy chế", "hd": "Hướng dẫn", "ttr": "Tờ trình", "da": "Đề án", "pa": "Phương án", "cv": "Công văn",
}
STATE_CODES: dict[str, str] = {
    # folded code in a state number ("15/NQ-HĐND", "30/2020/NĐ-CP") -> type
    "nq": "Nghị quyết", "qd": "Quyết định", "ct": "Chỉ thị", "qc": "Quy chế", "qyd": "Quy định",
    "tb": "Thông báo", "hd": "Hướng dẫn", "ctr": "Chương trình", "kh": "Kế hoạch", "pa": "Phương án",
    "da": "Đề án", "bc": "Báo cáo", "bb": "Biên bản", "ttr": "Tờ trình", "cd": "Công điện",
    "nd": "Nghị định", "tt": "Thông tư", "ttlt": "Thông tư liên tịch", "nqlt": "Nghị quyết liên tịch",
    "gm": "Giấy mời",
}
