"""Every OCR repair rule fixes the reading it was made for and leaves clean text alone; typed text (a
hard-wrapped .txt nobody OCR'd) comes out word for word."""
from __future__ import annotations

import pytest

from qa.ingest.normalize import normalize_document, normalize_fragment
from qa.ingest.ocr.repair import RULES, Rule, Scope, looks_like_ocr


@pytest.mark.parametrize("rule", RULES, ids=[r.name for r in RULES])
def test_rule_fixes_its_reading(rule: Rule) -> None:
    read, repaired = rule.fixes
    assert normalize_fragment(read, ocr=True) == repaired


@pytest.mark.parametrize("rule", RULES, ids=[r.name for r in RULES])
def test_rule_keeps_clean_text(rule: Rule) -> None:
    assert normalize_fragment(rule.keeps, ocr=rule.scope is not Scope.ANY) == rule.keeps


def test_only_impossible_spellings_are_repaired_outside_ocr() -> None:
    for rule in RULES:
        if rule.scope is not Scope.ANY:
            read, repaired = rule.fixes
            assert normalize_fragment(read, ocr=False) != repaired or read == repaired, rule.name


TYPED = """Hội đồng nhân dân tỉnh đã thảo luận kỹ, thống nhất cao. Việc giải phóng mặt bằng là không dễ
vì hơn nửa số hộ chưa đồng ý; các hộ đã cố công giữ đất. Theo điểm d ở trên, Sở Tài chính phối hợp
với Sở Kế hoạch và Đầu tư tổ chức thực hiện; Tổ chức chính trị - xã hội tham gia giám sát. Quý II năm
2024 phải hoàn thành 75% khối lượng, tạo động lực cho các năm tiếp theo và bảo đảm hài hòa lợi ích
của Nhà nước, người dân và doanh nghiệp trên địa bàn tỉnh trong giai đoạn 2021 - 2025.
"""


def test_a_hard_wrapped_typed_text_is_not_ocr_and_keeps_every_word() -> None:
    assert not looks_like_ocr(TYPED)
    text = normalize_document(TYPED).text
    assert text.split() == TYPED.split()
