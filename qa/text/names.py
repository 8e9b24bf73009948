"""Vietnamese personal names: a capitalised run of two to four syllables that starts with a family name.
Used to read a signer whose position line was lost, and to find the person an answer names."""
from __future__ import annotations

import re

__all__ = ["PERSON_NAME", "is_person_name"]

# The common family names (they cover the great majority of Vietnamese people).
_SURNAMES = ("Nguyễn Trần Lê Phạm Hoàng Huỳnh Phan Vũ Võ Đặng Bùi Đỗ Hồ Ngô Dương Lý Đào Đoàn Vương Trịnh "
             "Trương Lâm Phùng Mai Tô Hà Tạ Lương Đinh Cao Chu Lưu Quách Kiều Thái Văn Triệu Tăng Lại Mạc La "
             "Khúc Nông Thân Ninh Từ Châu Giang Tôn Hứa Vi Lục Đồng Nghiêm Quan").split()
PERSON_NAME = re.compile(r"\b(?:" + "|".join(_SURNAMES) + r")(?:\s+[A-ZĐÀ-Ỹ][a-zà-ỹđ]+){1,3}\b")
"""A name in running text ("đồng chí Trần Lưu Quang, Bí thư")."""


def is_person_name(line: str) -> bool:
    """Whether a whole line is a person's name as printed under a signature ("Lê Văn Thành")."""
    return bool(PERSON_NAME.fullmatch(" ".join(line.strip(" .:*").split())))
