"""Metadata read from the five seed documents (expected values written by hand from what each one says),
the period vocabulary shared with questions, and robustness on text that is not a document."""
from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from qa.metadata.document import DocumentMetadata, extract_metadata
from qa.metadata.periods import Period, parse_periods

SEEDS = Path(__file__).resolve().parents[2] / "seeds"


def _seed(prefix: str) -> str:
    (path,) = SEEDS.glob(f"{prefix}_*.txt")
    return path.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def seeds() -> dict[str, DocumentMetadata]:
    return {p: extract_metadata(_seed(p)) for p in ("000", "001", "002", "003", "004")}


Q = Period  # Q(2022, 1) reads as "quý I/2022"

# What each document says about itself, read by hand:
# 000  "KẾT LUẬN HỘI NGHỊ THÀNH ỦY LẦN THỨ 7, KHÓA XVI về kết quả ... quý I; nhiệm vụ ... quý II năm 2022";
#      no number line, no place-date line; "Hội nghị lần thứ 7 vào ngày 04/4/2022".
# 001  "NGHỊ QUYẾT HỘI NGHỊ LẦN THỨ BẢY BAN CHẤP HÀNH ĐẢNG BỘ QUẬN KHÓA VI" "(họp ngày 20/12/2021)";
#      "I. KẾT QUẢ THỰC HIỆN NHIỆM VỤ NĂM 2021", "II. CHỦ ĐỀ, CHỈ TIÊU, NHIỆM VỤ, GIẢI PHÁP NĂM 2022";
#      its annex says "(ban hành kèm theo Nghị quyết số 02-NQ/QU, ngày 20/12/2021)"; "quận Kiến An" once.
# 002  OCR; "HỘI NGHỊ THÀNH ỦY LẦN THỨ 3, KHÓA XVI ... Quý I; ... Quý H năm 2021" "(họp ngày 02/4/2021)".
# 003  "BÁO CÁO sơ kết giữa nhiệm kỳ ... khóa XVI, nhiệm kỳ 2020 - 2025"; undated; "Số liệu tính từ đầu
#      nhiệm kỳ đến tháng 6 năm 2023"; section IV sets the tasks "trong nửa cuối nhiệm kỳ".
# 004  OCR without accents: "S6 244-KL/TU Hai Phong, ngay 14 thang 4 ndm 2023", "KET LUAN",
#      "HOI NGHI THANH UY LAN THU 11, KHOA XVI", "Hoi nghi 1an tht 11 vao ngay 13/4/2023 dé danh gia két qua
#      ... quy I va dé ra nhiém vu, giai phap trong tam quy II nim 2023".
EXPECTED = {
    "000": dict(doc_type="Kết luận", number="", issuer="Thành ủy Hải Phòng",
                level="thành phố trực thuộc trung ương",
                conference="Hội nghị lần thứ 7, khóa XVI", date="2022-04-04", meeting_date="2022-04-04",
                reviews=(Q(2022, 1),), plans=(Q(2022, 2),), term=""),
    "001": dict(doc_type="Nghị quyết", number="02-NQ/QU", issuer="Quận ủy Kiến An", level="quận",
                conference="Hội nghị lần thứ 7, khóa VI", date="2021-12-20", meeting_date="2021-12-20",
                reviews=(Q(2021),), plans=(Q(2022),), term=""),
    "002": dict(doc_type="Kết luận", number="", issuer="Thành ủy Hải Phòng",
                level="thành phố trực thuộc trung ương",
                conference="Hội nghị lần thứ 3, khóa XVI", date="2021-04-02", meeting_date="2021-04-02",
                reviews=(Q(2021, 1),), plans=(Q(2021, 2),), term=""),
    "003": dict(doc_type="Báo cáo", number="", issuer="Thành ủy Hải Phòng",
                level="thành phố trực thuộc trung ương",
                conference="", date="", meeting_date="",
                reviews=(Q(2020), Q(2021), Q(2022), Q(2023, half=1)),
                plans=(Q(2023, half=2), Q(2024), Q(2025)), term="2020-2025"),
    "004": dict(doc_type="Kết luận", number="244-KL/TU", issuer="Thành ủy Hải Phòng",
                level="thành phố trực thuộc trung ương",
                conference="Hội nghị lần thứ 11, khóa XVI", date="2023-04-14", meeting_date="2023-04-13",
                reviews=(Q(2023, 1),), plans=(Q(2023, 2),), term=""),
}
FIELD_CASES = [(doc, name, value) for doc, fields in EXPECTED.items() for name, value in fields.items()]

TITLES = {
    "000": "Kết luận Hội nghị Thành ủy lần thứ 7, khóa XVI về kết quả thực hiện nhiệm vụ quý I; "
           "nhiệm vụ, giải pháp trọng tâm quý II năm 2022",
    "001": "Nghị quyết Hội nghị lần thứ bảy Ban Chấp hành Đảng bộ quận khóa VI, nhiệm kỳ 2020 - 2025 "
           "về chủ đề, chỉ tiêu, nhiệm vụ, giải pháp năm 2022",
    "002": "Kết luận Hội nghị Thành ủy lần thứ 3, khóa XVI về tình hình, kết quả thực hiện nhiệm vụ quý I; "
           "nhiệm vụ, giải pháp trọng tâm quý II năm 2021",
    "003": "Báo cáo sơ kết giữa nhiệm kỳ kiểm điểm sự lãnh đạo, chỉ đạo của Ban Chấp hành Đảng bộ thành phố "
           "khóa XVI, nhiệm kỳ 2020 - 2025",
    "004": "Ket luan Hoi nghi Thanh uy lan thu 11, khoa XVI",
}


@pytest.mark.parametrize(("doc", "name", "value"), FIELD_CASES, ids=[f"{d}-{n}" for d, n, _ in FIELD_CASES])
def test_seed_field(seeds, doc, name, value):
    assert getattr(seeds[doc], name) == value


@pytest.mark.parametrize("doc", sorted(TITLES))
def test_seed_title(seeds, doc):
    assert seeds[doc].title == TITLES[doc]


@pytest.mark.parametrize(("doc", "period", "years"), [
    ("000", Q(2022, 2), {2022}),
    ("001", Q(2022), {2021, 2022}),
    ("002", Q(2021, 2), {2021}),
    ("003", Q(2023, half=2), set(range(2020, 2026))),
    ("004", Q(2023, 2), {2023}),
])
def test_seed_main_period_and_years(seeds, doc, period, years):
    assert seeds[doc].period == period
    assert seeds[doc].years == frozenset(years)


def test_seeds_000_and_004_differ_only_by_year(seeds):
    """Same template a year apart: the period is what tells them apart."""
    a, b = seeds["000"], seeds["004"]
    assert (a.doc_type, a.level, a.issuer) == (b.doc_type, b.level, b.issuer)
    assert [p.quarter for p in a.reviews + a.plans] == [p.quarter for p in b.reviews + b.plans] == [1, 2]
    assert a.years == {2022} and b.years == {2023}


def test_seed_to_json_round_trip(seeds):
    for meta in seeds.values():
        data = json.loads(json.dumps(meta.to_json(), ensure_ascii=False))
        assert DocumentMetadata.from_json(data) == meta
    data = seeds["004"].to_json()
    assert data["period"] == {"year": 2023, "quarter": 2}
    assert data["reviews"] == [{"year": 2023, "quarter": 1}]
    assert data["years"] == [2023]
    assert seeds["003"].to_json()["plans"][0] == {"year": 2023, "quarter": None, "half": 2}


# --- parse_periods -------------------------------------------------------------------------------------

PERIOD_CASES = [
    ("năm 2022", [Q(2022)]),
    ("quý II/2021", [Q(2021, 2)]),
    ("quý 2 năm 2023", [Q(2023, 2)]),
    ("quy 1 nam 2021", [Q(2021, 1)]),
    ("Q1/2022", [Q(2022, 1)]),
    ("6 tháng đầu năm 2022", [Q(2022, half=1)]),
    ("sau 6 thang cuoi nam 2023", [Q(2023, half=2)]),
    ("quý I các năm 2021, 2022 và 2023", [Q(2021, 1), Q(2022, 1), Q(2023, 1)]),
    ("quý II năm 2021, 2022 và 2023", [Q(2021, 2), Q(2022, 2), Q(2023, 2)]),
    ("2022", [Q(2022)]),
    ("So sánh quý I năm 2022 với quý I năm 2023?", [Q(2022, 1), Q(2023, 1)]),
    ("quý I, II năm 2022", [Q(2022, 1), Q(2022, 2)]),
    # a quarter without its own year takes the year named later in the sentence (document titles)
    ("kết quả thực hiện nhiệm vụ quý I; nhiệm vụ, giải pháp trọng tâm quý II năm 2022",
     [Q(2022, 1), Q(2022, 2)]),
    # OCR misreads of "II" after "Quý" (002), and "nim" for "năm" (004)
    ("Một số nhiệm vụ trọng tâm trong Quý n  năm 2021", [Q(2021, 2)]),
    ("giải pháp trọng tâm Quý H năm 2021", [Q(2021, 2)]),
    ("giai phap trong tam quy II nim 2023", [Q(2023, 2)]),
    # order of appearance, no duplicates
    ("năm 2023 và năm 2022, lại năm 2023", [Q(2023), Q(2022)]),
    ("các năm 2021,2022", [Q(2021), Q(2022)]),
    # a month names its year; a range of years names each year in it
    ("trong tháng 4/2021", [Q(2021)]),
    ("giai đoạn 2021 - 2023", [Q(2021), Q(2022), Q(2023)]),
    # negatives: a full date is a day, not a period the text is about; numbers are not years
    ("ngày 15/8/2007", []),
    ("Hải Phòng, ngày 14 tháng 4 năm 2023", []),
    ("244-KL/TU", []),
    ("Kết luận số 21-KL/TW", []),
    ("Nghị quyết số 1210/2016/UBTVQH13", []),
    ("hơn 33.000 lượt cán bộ, 1.200 hội nghị", []),
    ("đạt 2021,5 tỷ đồng", []),
    ("Quyết định số 2022 của Ủy ban", []),
    ("năm 1850 và năm 2150", []),
    ("quý I", []),  # no year anywhere: a Period always has one
    ("quy định, quy hoạch", []),
    ("", []),
]


@pytest.mark.parametrize(("text", "expected"), PERIOD_CASES, ids=[t or "empty" for t, _ in PERIOD_CASES])
def test_parse_periods(text, expected):
    assert parse_periods(text) == expected


def test_parse_periods_date_next_to_a_period():
    """The year of "ngày 06/12/2022" is not a period, but "năm 2023" in the same sentence is."""
    text = "Nghị quyết số 08-NQ/TU, ngày 06/12/2022 của Thành ủy về mục tiêu, nhiệm vụ, giải pháp năm 2023"
    assert parse_periods(text) == [Q(2023)]


# --- Period --------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("period", "label", "as_json"), [
    (Q(2022, 1), "quý I/2022", {"year": 2022, "quarter": 1}),
    (Q(2021, 4), "quý IV/2021", {"year": 2021, "quarter": 4}),
    (Q(2022), "năm 2022", {"year": 2022, "quarter": None}),
    (Q(2022, half=1), "6 tháng đầu năm 2022", {"year": 2022, "quarter": None, "half": 1}),
    (Q(2023, half=2), "6 tháng cuối năm 2023", {"year": 2023, "quarter": None, "half": 2}),
])
def test_period_label_and_json(period, label, as_json):
    assert period.label == label
    assert period.to_json() == as_json
    assert Period.from_json(as_json) == period


def test_period_order_equality_hash():
    shuffled = [Q(2022, 2), Q(2021), Q(2022, half=2), Q(2022), Q(2022, 1), Q(2022, half=1), Q(2022, 4)]
    assert sorted(shuffled) == [Q(2021), Q(2022), Q(2022, half=1), Q(2022, 1), Q(2022, 2), Q(2022, half=2),
                                Q(2022, 4)]
    assert Q(2022) != Q(2022, 1) and Q(2022, 1) == Q(2022, 1)
    assert len({Q(2022, 1), Q(2022, 1), Q(2022)}) == 2
    assert Q(2022) < Q(2022, 1) < Q(2023)


@pytest.mark.parametrize("args", [(2022, 5), (2022, 0), (2022, None, 3), (2022, 1, 1), (10,)])
def test_period_rejects_nonsense(args):
    with pytest.raises(ValueError):
        Period(*args)


# --- headers beyond the seeds ---------------------------------------------------------------------------

def test_district_header_with_number_and_place_date():
    raw = ("ĐẢNG BỘ THÀNH PHỐ HẢI PHÒNG\nQUẬN ỦY LÊ CHÂN\n*\n"
           "Số 15-NQ/QU\t\tLê Chân, ngày 05 tháng 01 năm 2024\n\n"
           "NGHỊ QUYẾT\nHỘI NGHỊ LẦN THỨ MƯỜI MỘT BAN CHẤP HÀNH ĐẢNG BỘ QUẬN KHÓA VI\n"
           "về kết quả thực hiện nhiệm vụ năm 2023; phương hướng, nhiệm vụ năm 2024\n\n"
           "Tại Hội nghị lần thứ mười một (họp ngày 28/12/2023), Ban Chấp hành Đảng bộ quận quyết nghị:\n")
    m = extract_metadata(raw)
    assert (m.doc_type, m.number, m.issuer, m.level) == ("Nghị quyết", "15-NQ/QU", "Quận ủy Lê Chân", "quận")
    assert (m.date, m.meeting_date) == ("2024-01-05", "2023-12-28")
    assert m.conference == "Hội nghị lần thứ 11, khóa VI"
    assert (m.reviews, m.plans) == ((Q(2023),), (Q(2024),))
    assert m.title.startswith("Nghị quyết Hội nghị lần thứ mười một Ban Chấp hành Đảng bộ quận khóa VI về")


def test_number_line_without_type_line_gives_type_from_code():
    m = extract_metadata("THÀNH ỦY HẢI PHÒNG\nSố 08-CT/TU\n\nVề tăng cường công tác phòng cháy\n")
    assert (m.number, m.doc_type) == ("08-CT/TU", "Chỉ thị")
    assert (m.level, m.issuer) == ("thành phố trực thuộc trung ương", "Thành ủy Hải Phòng")


def test_numbers_in_the_body_are_not_the_documents_number():
    body = "KẾT LUẬN\n\nThực hiện Kết luận số 21-KL/TW, ngày 25/10/2021 và Nghị quyết số 08-NQ/TU.\n"
    m = extract_metadata(body)
    assert m.doc_type == "Kết luận" and m.number == "" and m.date == ""


def test_half_year_report():
    raw = ("BÁO CÁO\nkết quả thực hiện nhiệm vụ 6 tháng đầu năm 2023;\n"
           "nhiệm vụ trọng tâm 6 tháng cuối năm 2023\n\n"
           "Ban Thường vụ Thành ủy báo cáo như sau:\n")
    m = extract_metadata(raw)
    assert m.reviews == (Q(2023, half=1),) and m.plans == (Q(2023, half=2),)
    assert m.period == Q(2023, half=2)


# --- robustness -----------------------------------------------------------------------------------------

def _random_texts() -> list[str]:
    rng = random.Random(20240501)
    ascii_chars = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .,;:/-()\n\n"
    texts = ["".join(rng.choice(ascii_chars) for _ in range(rng.randint(1, 3000))) for _ in range(20)]
    texts += ["".join(chr(rng.randint(0x20, 0x2FFF)) for _ in range(500)) for _ in range(10)]
    texts += [
        "The quick brown fox jumps over the lazy dog in 2022. Results (Q3): see 15/8/2007.\n\nThanks!",
        "Привет, мир. 你好世界。",
        "\n\n\n", "   ", "****", "## **\n-----\n", "\ufeff\u0301\u0300", "Số", "KẾT LUẬN",
    ]
    return texts


def test_empty_text_gives_empty_metadata():
    m = extract_metadata("")
    assert m == DocumentMetadata()
    assert m.period is None and m.years == frozenset()
    assert m.to_json()["period"] is None


@pytest.mark.parametrize("text", _random_texts()[:-1])
def test_text_that_is_not_a_document_gives_empty_metadata(text):
    assert extract_metadata(text) == DocumentMetadata()
    parse_periods(text)  # never raises


def test_a_bare_type_word_is_only_a_type():
    assert extract_metadata("KẾT LUẬN") == DocumentMetadata(doc_type="Kết luận", title="Kết luận")

