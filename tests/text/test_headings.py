"""The heading grammar: Party style and legal style, each rule with a line it must and must not take."""
from __future__ import annotations

import pytest

from qa.text.headings import (
    ARTICLE,
    CAPS_TITLE,
    CHAPTER,
    NUMBER,
    NUMBER_2,
    PART,
    ROMAN,
    SECTION,
    heading,
    heading_level,
    starts_with_numbering,
)


@pytest.mark.parametrize("line,level", [
    ("I. KẾT QUẢ THỰC HIỆN NHIỆM VỤ NĂM 2021", ROMAN),
    ("3.6. Củng cố quốc phòng - an ninh; giữ vững an ninh chính trị, trật tự, an toàn xã hội", NUMBER_2),
    ("2. Một số nhiệm vụ trọng tâm quý II năm 2022", NUMBER),
    ("CHỈ TIÊU KẾ HOẠCH NĂM 2022", CAPS_TITLE),
    ("PHẦN I. KẾT QUẢ THỰC HIỆN NGHỊ QUYẾT", PART),
    ("Phần thứ hai", PART),
    ("Chương II", CHAPTER),
    ("CHƯƠNG III. QUYỀN VÀ NGHĨA VỤ CỦA CÔNG DÂN", CHAPTER),
    ("Mục 2. THỦ TỤC CUNG CẤP THÔNG TIN", SECTION),
    ("Điều 6. Thông tin công dân không được tiếp cận", ARTICLE),
    ("ĐIỀU 12. Hiệu lực thi hành", ARTICLE),
    # body text, never a heading
    ("1. Công tác xây dựng Đảng đạt kết quả tích cực. Hoạt động của Mặt trận được tăng cường.", None),
    ("(18). Hoàn thành 100% chỉ tiêu giao quân năm 2022.", None),
    ("- Tiếp tục đổi mới mạnh mẽ phương thức lãnh đạo", None),
    ("Chương trình kiểm tra, giám sát toàn khóa số 13-CTr/TU của Ban Chấp hành Đảng bộ tỉnh.", None),
    ("Mục tiêu của kế hoạch là bảo đảm an ninh trật tự.", None),
    ("Điều kiện để được hỗ trợ gồm các nội dung sau.", None),
])
def test_heading_levels(line: str, level: int | None) -> None:
    assert heading_level(line) == level


def test_a_legal_heading_is_ordered_above_the_party_numbering() -> None:
    assert PART < CHAPTER < SECTION < ARTICLE < ROMAN < NUMBER


def test_an_article_carries_its_number() -> None:
    h = heading("Điều 15a. Sửa đổi, bổ sung")
    assert h is not None and (h.kind, h.number) == ("article", "15a")


@pytest.mark.parametrize("line,numbered", [
    ("II. NHIỆM VỤ", True), ("2.1 Về kinh tế", True), ("(3) Tập trung", True), ("a) Đối với cấp xã", True),
    ("Điều 5. Nguyên tắc", True), ("Chương I", True),
    ("Nhiệm vụ trọng tâm", False), ("2021 là năm đầu", False), ("Điều kiện cần", False),
])
def test_numbering_that_opens_a_block(line: str, numbered: bool) -> None:
    assert starts_with_numbering(line) is numbered
