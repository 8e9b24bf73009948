"""The sentence splitter never breaks inside figures, dates, document numbers, abbreviations or markers."""
from __future__ import annotations

import pytest

from qa.text.sentences import clause_spans, sentence_spans, sentences


@pytest.mark.parametrize("text,expected", [
    ("(7). Có 1.000 - 1.200 doanh nghiệp hoạt động. Tổng vốn: 3.100 - 3.500 tỷ đồng.",
     ["(7). Có 1.000 - 1.200 doanh nghiệp hoạt động.", "Tổng vốn: 3.100 - 3.500 tỷ đồng."]),
    ("GRDP tăng 13,22% so với cùng kỳ. Thu ngân sách đạt 22,9 nghìn tỷ đồng.",
     ["GRDP tăng 13,22% so với cùng kỳ.", "Thu ngân sách đạt 22,9 nghìn tỷ đồng."]),
    ("Ngày 29.5.2018, Quận ủy ban hành Nghị quyết số 04-NQ/QU. Tiếp tục triển khai.",
     ["Ngày 29.5.2018, Quận ủy ban hành Nghị quyết số 04-NQ/QU.", "Tiếp tục triển khai."]),
    ("UBND TP. Đà Nẵng, ThS. Lê Văn B và các sở, ngành v.v. đã tham dự. Hội nghị kết thúc.",
     ["UBND TP. Đà Nẵng, ThS. Lê Văn B và các sở, ngành v.v. đã tham dự.", "Hội nghị kết thúc."]),
    ("2.1. Về kinh tế: tăng trưởng khá. Trong quý I. Tiếp tục thực hiện.",
     ["2.1. Về kinh tế: tăng trưởng khá.", "Trong quý I.", "Tiếp tục thực hiện."]),
    ("Điều 5. Nguyên tắc bảo đảm quyền. Theo Điều 5. Khoản 2 quy định",
     ["Điều 5. Nguyên tắc bảo đảm quyền.", "Theo Điều 5.", "Khoản 2 quy định"]),
    ("Dòng một không dấu chấm\nDòng hai.", ["Dòng một không dấu chấm", "Dòng hai."]),
    ("Bạn hỏi gì? Tôi trả lời! Xong…", ["Bạn hỏi gì?", "Tôi trả lời!", "Xong…"]),
])
def test_sentences(text: str, expected: list[str]) -> None:
    assert sentences(text) == expected


def test_spans_point_into_the_text() -> None:
    text = "  Câu một.   Câu hai.  "
    assert [text[a:b] for a, b in sentence_spans(text)] == ["Câu một.", "Câu hai."]


def test_clauses_split_at_semicolons_outside_brackets() -> None:
    text = "Phấn đấu: 10 xã đạt chuẩn; 35 xã nông thôn mới kiểu mẫu (gồm A; B); hoàn thành."
    assert [text[a:b] for a, b in clause_spans(text)] == [
        "Phấn đấu: 10 xã đạt chuẩn;", "35 xã nông thôn mới kiểu mẫu (gồm A; B);", "hoàn thành."]
