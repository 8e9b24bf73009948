"""Accent-insensitive matching of a question's words in a passage: the character ranges the app marks
(their HTML is tested in tests/test_render.py)."""
from __future__ import annotations

import pytest

from qa.answers.highlight import match_ranges, merge_ranges


def marked(text: str, question: str) -> list[str]:
    return [text[s:e] for s, e in match_ranges(text, question)]


@pytest.mark.parametrize(
    ("text", "question", "expected"),
    [
        # typed without accents: matches the accented words, as one phrase
        ("- (18). Hoàn thành 100% chỉ tiêu giao quân năm 2022.", "giao quan",
         ["giao quân"]),
        ("- (18). Hoàn thành 100% chỉ tiêu giao quân năm 2022.", "chi tieu giao quan nam 2022",
         ["chỉ tiêu giao quân năm 2022"]),
        # typed with accents: the same question
        ("- (18). Hoàn thành 100% chỉ tiêu giao quân năm 2022.", "chỉ tiêu giao quân năm 2022",
         ["chỉ tiêu giao quân năm 2022"]),
        # an accented question word means that word, not every word that folds the same way
        ("Quận ủy chỉ đạo công tác giao quân.", "giao quân của quân đội", ["giao quân"]),
        ("Quận ủy chỉ đạo công tác giao quân.", "giao quan", ["giao quân"]),
        # ... but still matches the accent-stripped OCR text
        ("Ket luan Hoi nghi Thanh uy lan thu 11", "Kết luận hội nghị thành ủy lần thứ 11",
         ["Ket luan Hoi nghi Thanh uy lan thu 11"]),
        # case and old tone-mark placement do not matter
        ("Thành uỷ Hải Phòng", "thành ủy", ["Thành uỷ"]),
        ("KẾT LUẬN CỦA THÀNH ỦY", "ket luan", ["KẾT LUẬN"]),
        # one syllable of a question word alone is not marked ("chỉ" of "chỉ đạo", "giao" of "giao thông")
        ("Thành ủy chỉ đạo giao thông; tiêu chí mới; chỉ tiêu giao quân.", "chỉ tiêu giao quân",
         ["chỉ tiêu giao quân"]),
        # ... phrases follow the question's order, several marks when the text orders them differently
        ("chỉ tiêu giao quân năm 2022", "năm 2022 giao quân chỉ tiêu", ["chỉ tiêu", "giao quân", "năm 2022"]),
        # ... but a number, an acronym, or a one-word question is marked alone
        ("GRDP tăng 7,5%, năm 2022 tăng trưởng khá", "GRDP quý I năm 2022 tăng bao nhiêu",
         ["GRDP", "năm 2022 tăng"]),
        ("vốn FDI đạt 1,5 tỷ USD", "FDI năm 2021", ["FDI"]),
        ("Chương trình chuyển đổi số của thành phố", "chuyển", ["chuyển"]),
        # function words and one-letter words are marked only as part of a phrase
        ("Năm 2021 tăng trưởng; năm 2022 giao quân.", "chỉ tiêu năm 2022", ["năm 2022"]),
        ("các chỉ tiêu của các quận", "các chỉ tiêu", ["các chỉ tiêu"]),
        ("nhiệm vụ quý I/2022 và quý II", "quý I/2022", ["quý I/2022"]),
        ("đầu tư công và các dự án", "dau tu cong", ["đầu tư công"]),
        # nothing to mark
        ("Hoàn thành 100% chỉ tiêu giao quân.", "giá vàng", []),
        ("Hoàn thành chỉ tiêu.", "", []),
        ("Hoàn thành chỉ tiêu.", "của các và", []),
        ("", "giao quân", []),
        # partial words are never marked
        ("giaothông quânsự", "giao quân", []),
    ],
)
def test_match_ranges(text: str, question: str, expected: list[str]) -> None:
    assert marked(text, question) == expected


def test_ranges_are_offsets_into_the_original_text() -> None:
    text = "Đảng bộ thành phố: chỉ tiêu giao quân năm 2022 đạt 100%."
    for s, e in match_ranges(text, "dang bo giao quan"):
        assert text[s:e] in {"Đảng bộ", "giao quân"}


@pytest.mark.parametrize(
    ("ranges", "expected"),
    [
        ([(5, 8), (0, 2), (1, 3)], [(0, 3), (5, 8)]),
        ([(0, 2), (2, 4)], [(0, 4)]),
        ([(-3, 2), (8, 99), (4, 4)], [(0, 2), (8, 10)]),
        ([], []),
    ],
)
def test_merge_ranges(ranges: list[tuple[int, int]], expected: list[tuple[int, int]]) -> None:
    assert merge_ranges(ranges, 10) == expected
