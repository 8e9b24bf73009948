"""What the question asks for (periods, type, level, conference, comparison, anchors) and its validation."""
from __future__ import annotations

import pytest

from qa.errors import VanbanError
from qa.metadata.periods import Period
from qa.search.query import understand, validate_question


@pytest.mark.parametrize("question,periods", [
    ("chỉ tiêu giao quân năm 2022", (Period(2022),)),
    ("chi tieu giao quan nam 2022", (Period(2022),)),
    ("Quý II/2021 thành phố chỉ đạo gì?", (Period(2021, 2),)),
    ("kim ngach xuat khau quy 1 nam 2021", (Period(2021, 1),)),
    ("6 tháng đầu năm 2023 có gì nổi bật?", (Period(2023, half=1),)),
    ("Chỉ thị số 11-CT/TU ngày 15/8/2007", ()),
])
def test_periods(question, periods):
    assert understand(question).periods == periods


def test_type_level_conference_and_comparison():
    q = understand("So sánh nghị quyết của Quận ủy qua các năm")
    assert q.doc_types == {"Nghị quyết"} and q.level == "huyện" and q.comparison
    q = understand("Kết luận Hội nghị Thành ủy lần thứ bảy về nhiệm vụ của thành phố")
    assert q.doc_types == {"Kết luận"} and q.level == "tỉnh" and q.conference == 7 and not q.comparison
    assert understand("ket luan hoi nghi lan thu 11").conference == 11
    assert understand("chỉ tiêu giao quân năm 2022").level == ""  # "quân" (army) is not "quận" (district)


def test_anchors_are_acronyms_and_names_not_roman_numerals():
    q = understand("GRDP quý I năm 2023 của Hải Phòng và Thành phố Đà Nẵng tăng bao nhiêu?")
    assert "GRDP" in q.anchors and "Hải Phòng" in q.anchors and "I" not in q.anchors
    assert any("Đà Nẵng" in a for a in q.anchors)


@pytest.mark.parametrize("question,message", [
    (None, "trống"), ("", "trống"), ("   \n\t", "trống"), ("x" * 10_000, "quá dài"), ("?!... ---", "dấu câu"),
    ("What is the weather like in London today?", "tiếng Việt"),
])
def test_bad_questions(question, message):
    with pytest.raises(VanbanError) as err:
        validate_question(question)
    assert message in err.value.vi and err.value.en


@pytest.mark.parametrize("question", ["GRDP 2022", "FDI la gi", "chi tieu giao quan nam 2022", "Kiến An?"])
def test_short_or_accentless_vietnamese_questions_are_accepted(question):
    assert validate_question(question) == question


def test_a_long_question_is_refused_with_vietnamese_numbers():
    with pytest.raises(VanbanError) as info:
        validate_question("x" * 5599)
    assert "5.599 ký tự; tối đa 1.000" in info.value.vi
