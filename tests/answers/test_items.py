"""Items an answer states, found in a sentence by the kind of answer asked."""
from __future__ import annotations

from qa.answers.items import items
from qa.search.intent import Asks


def test_quantities_keep_their_unit_and_never_cut_a_figure() -> None:
    assert [i.text for i in items("(7). Có 1.000 - 1.200 doanh nghiệp hoạt động.", Asks.QUANTITY)] == [
        "1.000 - 1.200 doanh nghiệp"]
    assert [i.text for i in items("GRDP ước tăng 13,22% so với cùng kỳ", Asks.QUANTITY)] == [
        "ước tăng 13,22%"]
    assert [i.text for i in items("Thành ủy đã họp 21 kỳ, ban hành 231 Kết luận", Asks.QUANTITY)] == [
        "21 kỳ", "231 Kết luận"]
    assert items("Ngày 04/4/2022 Thành ủy họp.", Asks.QUANTITY) == []  # a date is no quantity


def test_dates_people_and_places() -> None:
    assert [i.text for i in items("phấn đấu hoàn thành trước ngày 31/12/2025.", Asks.DATE)] == [
        "trước ngày 31/12/2025"]
    assert [i.text for i in items("dự kiến tổ chức trong tháng 6/2025", Asks.DATE)] == ["trong tháng 6/2025"]
    assert [i.text for i in items("đồng chí Trần Lưu Quang, Bí thư Thành ủy", Asks.PERSON)] == [
        "Trần Lưu Quang"]
    assert items("Thành ủy chỉ đạo các cấp", Asks.PERSON) == []
    assert [i.text for i in items("hình thành trung tâm logistics tại Hạ Long và Móng Cái.", Asks.PLACE)] == [
        "Hạ Long và Móng Cái"]


def test_document_numbers_as_cited() -> None:
    found = items("Xét Báo cáo số 198/BC-UBND ngày 25/11/2023 của Ủy ban nhân dân tỉnh", Asks.NUMBER)
    assert [i.text for i in found] == ["Báo cáo số 198/BC-UBND"]
