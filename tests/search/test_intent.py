"""What kind of answer a question asks for, typed with or without accents."""
from __future__ import annotations

import pytest

from qa.search.intent import Asks, asks
from qa.text.vietnamese import fold


@pytest.mark.parametrize("question,kind", [
    ("Ai ký Nghị quyết 19-NQ/TU?", Asks.SIGNER),
    ("Quyết định 1865/QĐ-UBND do cơ quan nào ban hành?", Asks.ISSUER),
    ("Kết luận 86-KL/TU ban hành ngày nào?", Asks.ISSUE_DATE),
    ("Chỉ thị phòng chống hạn mặn của tỉnh có số hiệu gì?", Asks.NUMBER),
    ("Năm 2023 thu ngân sách tăng hay giảm?", Asks.DIRECTION),
    ("GRDP quý I năm 2021 tăng bao nhiêu?", Asks.QUANTITY),
    ("xa tan lap co bao nhieu dang vien", Asks.QUANTITY),
    ("Tuyến ống từ Nhà máy nước Sơn Đông phải xong trước ngày nào?", Asks.DATE),
    ("Các huyện gửi báo cáo trước ngày mấy hằng tháng?", Asks.DATE),
    ("Đại hội dự kiến tổ chức khi nào?", Asks.DATE),
    ("Ai được giao trực tiếp đối thoại với các hộ dân?", Asks.PERSON),
    ("Khai thác cát trái phép còn xảy ra tại những xã nào?", Asks.PLACE),
    ("Quảng Ninh hình thành trung tâm logistics ở đâu?", Asks.PLACE),
    ("Nhà văn hóa thôn có phải làm sân thể thao không?", Asks.YES_NO),
    ("Ban chủ nhiệm nhà văn hóa thôn là gì?", Asks.DEFINITION),
    ("Kết luận lần thứ 11 đề xuất gì về tỷ lệ phân chia nguồn thu từ đấu giá đất?", Asks.OTHER),
])
def test_kind_of_answer(question: str, kind: Asks) -> None:
    assert asks(fold(question).lower()) is kind


@pytest.mark.parametrize("question,wanted", [
    ("So sánh chỉ tiêu tăng trưởng GRDP năm 2023 và năm 2024", "plan"),
    ("Năm 2024 phường phấn đấu thu ngân sách bao nhiêu?", "plan"),
    ("Năm 2023 GRDP thực tế tăng bao nhiêu?", "review"),
    ("Thu ngân sách năm 2023 đạt bao nhiêu phần trăm dự toán?", ""),  # a result measured against the plan
    ("chỉ tiêu giao quân năm 2022 và kết quả thực hiện", ""),
])
def test_target_or_result(question: str, wanted: str) -> None:
    from qa.search.intent import stance
    assert stance(fold(question).lower()) == wanted
