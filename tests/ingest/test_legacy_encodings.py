"""TCVN3 and VNI text is recognised and converted to Unicode: samples written from the seeds' Unicode text
come back as the original, known words convert as the references say, and real Unicode or junk \
is left alone."""
from __future__ import annotations

import os
import shutil
import subprocess
import unicodedata

import pytest

from qa.ingest.documents import decode_bytes, load_documents
from qa.ingest.legacy_encodings import (
    decode_legacy,
    detect_legacy,
    encode_legacy,
    font_encoding,
    tcvn3_to_unicode,
    unicode_to_tcvn3,
    unicode_to_vni,
    vni_to_unicode,
)

CLEAN_SEEDS = ("000", "001", "003")
"""The seeds without OCR damage (002 and 004 hold OCR junk such as "¢" that no TCVN3 file would)."""


def _seed(seed_documents, key: str) -> str:
    return unicodedata.normalize("NFC", seed_documents[key].raw)


@pytest.mark.parametrize("encoded, expected", [
    ("B¶o Th¾ng", "Bảo Thắng"),
    ("M\xadêng Kh\xad¬ng", "Mường Khương"),
    ("§¶ng bé thµnh phè", "Đảng bộ thành phố"),
    ("Héi nghÞ lÇn thø 7", "Hội nghị lần thứ 7"),
    ("KÕT LUËN HéI NGHÞ THµNH ñY", "KẾT LUẬN HỘI NGHỊ THÀNH ỦY"),  # capitals set in .VnTimeH
    ("QuyÕt nghÞ sè 08-NQ/TU", "Quyết nghị số 08-NQ/TU"),
])
def test_tcvn3_words(encoded, expected):
    assert tcvn3_to_unicode(encoded) == expected


@pytest.mark.parametrize("encoded, expected", [
    ("Xin chaøo caùc baïn", "Xin chào các bạn"),
    ("Ñaûng boä thaønh phoá", "Đảng bộ thành phố"),
    ("Ngöôøi daân; nghò quyeát", "Người dân; nghị quyết"),
    ("KEÁT LUAÄN HOÄI NGHÒ", "KẾT LUẬN HỘI NGHỊ"),
    ("tyû leä hoä ngheøo; Quyù II naêm 2022", "tỷ lệ hộ nghèo; Quý II năm 2022"),
])
def test_vni_words(encoded, expected):
    assert vni_to_unicode(encoded) == expected


@pytest.mark.parametrize("key", CLEAN_SEEDS)
def test_vni_sample_of_a_seed_converts_back_exactly(seed_documents, key):
    original = _seed(seed_documents, key)
    decoded = decode_legacy(encode_legacy(original, "vni"))
    assert decoded is not None and decoded.encoding == "vni"
    assert decoded.text == original


@pytest.mark.parametrize("key", CLEAN_SEEDS)
def test_tcvn3_sample_of_a_seed_converts_back(seed_documents, key):
    """Exact but for one thing a .txt cannot keep: a title-case word whose capital has no TCVN3 code
    of its own ("Ủy ban" typed with one letter in .VnTimeH) comes back in lower case."""
    original = _seed(seed_documents, key)
    decoded = decode_legacy(encode_legacy(original, "tcvn3"))
    assert decoded is not None and decoded.encoding == "tcvn3"
    assert decoded.text.lower() == original.lower()
    differ = [(a, b) for a, b in zip(original.split(), decoded.text.split()) if a != b]
    assert all(a[0].isupper() and b == a[0].lower() + a[1:] for a, b in differ), differ[:5]
    assert len(differ) <= 0.005 * len(original.split())


def test_all_capital_lines_come_back_as_capitals(seed_documents):
    title = "NGHỊ QUYẾT HỘI NGHỊ LẦN THỨ BẢY BAN CHẤP HÀNH ĐẢNG BỘ QUẬN"
    assert tcvn3_to_unicode(unicode_to_tcvn3(title)) == title


@pytest.mark.skipif(shutil.which("iconv") is None, reason="glibc iconv not installed")
def test_tcvn3_table_agrees_with_glibc(seed_documents):
    """An independent reference: glibc's TCVN5712-1 decoder reads our samples' lower-case text \
the same way."""
    sample = _seed(seed_documents, "001")[:4000].lower().replace("“", '"').replace("”", '"')
    data = encode_legacy(sample, "tcvn3")
    done = subprocess.run(["iconv", "-f", "TCVN5712-1", "-t", "UTF-8"], check=False, input=data,
                          capture_output=True)
    if done.returncode != 0:
        pytest.skip("this iconv has no TCVN5712-1")
    assert unicodedata.normalize("NFC", done.stdout.decode()) == tcvn3_to_unicode(data.decode("latin-1"))


def _cp1258_form(text: str) -> str:
    """Windows-1258 spelling: letters with a circumflex, breve or horn precomposed, the tone mark apart."""
    tones = "\u0300\u0301\u0303\u0309\u0323"
    out = []
    for ch in text:
        d = unicodedata.normalize("NFD", ch)
        tone = "".join(c for c in d if c in tones)
        out.append(unicodedata.normalize("NFC", "".join(c for c in d if c not in tones)) + tone)
    return "".join(out)


def test_windows_1258_is_recognised_too(seed_documents):
    original = _seed(seed_documents, "000")[:3000].replace("“", '"').replace("”", '"')
    decoded = decode_legacy(_cp1258_form(original).encode("cp1258", errors="strict"))
    assert decoded is not None and decoded.encoding == "cp1258"
    assert decoded.text == original


def test_unicode_and_junk_are_not_mistaken_for_legacy(seed_documents):
    assert detect_legacy(_seed(seed_documents, "001")) is None  # real Unicode: letters beyond Latin-1
    assert decode_legacy(os.urandom(50_000)) is None
    assert decode_legacy("Le café est très bon; déjà été à Noël.".encode("latin-1")) is None


def test_legacy_text_in_a_unicode_string_is_detected(seed_documents):
    """A Word run whose font name did not give it away: Word stores the codes as Windows-1252 characters."""
    original = _seed(seed_documents, "001")[:3000]
    found = detect_legacy(unicode_to_vni(original))
    assert found is not None and found.encoding == "vni" and found.text == original


@pytest.mark.parametrize("font, expected", [
    (".VnTime", ("tcvn3", False)), (".VnTimeH", ("tcvn3", True)), (".VnArial", ("tcvn3", False)),
    (".VnArialH", ("tcvn3", True)), ("VNI-Times", ("vni", False)), ("VNI-Helve", ("vni", False)),
    ("Times New Roman", None), ("Arial", None), (None, None),
])
def test_font_names(font, expected):
    assert font_encoding(font) == expected


def test_txt_files_in_each_encoding_load_as_unicode(tmp_path, seed_documents):
    original = _seed(seed_documents, "000")
    (tmp_path / "tcvn3.txt").write_bytes(encode_legacy(original, "tcvn3"))
    (tmp_path / "vni.txt").write_bytes(encode_legacy(original, "vni"))
    (tmp_path / "utf16.txt").write_bytes(original.encode("utf-16"))
    result = load_documents([tmp_path])
    assert not result.errors
    docs = {d.id: d for d in result.documents}
    assert docs["vni.txt"].raw == original and docs["vni.txt"].extraction == "vni"
    assert docs["utf16.txt"].raw == original and docs["utf16.txt"].extraction == "utf-16"
    assert docs["tcvn3.txt"].raw.lower() == original.lower() and docs["tcvn3.txt"].extraction == "tcvn3"
    assert docs["tcvn3.txt"].metadata.title == seed_documents["000"].metadata.title


def test_undecodable_bytes_still_get_the_clear_error():
    reasons = decode_bytes(b"\xfd\xfe not text \x81\x8d" * 50)
    assert isinstance(reasons, tuple) and "UTF-8" in reasons[1] and "TCVN3" in reasons[1]
    # junk after a BOM
    assert isinstance(decode_bytes(b"\xff\xfe" + os.urandom(4000).replace(b"\x00", b"")), tuple)


def test_a_utf8_file_with_stray_bytes_stays_utf8_and_says_where(seed_documents):
    """A pasted \\xa0 or a Latin-1 é in a UTF-8 file is replaced and reported, never read as VNI/TCVN3."""
    from qa.ingest.documents import decode_bytes
    data = seed_documents["000"].raw.encode("utf-8")
    i, j = data.index(b" ", 5000), data.index(b" ", 9000)
    decoded = decode_bytes(data[:i] + b"\xa0" + data[i:j] + b"\xe9" + data[j:])
    assert decoded.encoding == "utf-8"
    assert decoded.text.replace("\ufffd", "") == seed_documents["000"].raw
    (vi, en), = decoded.notes
    assert vi.startswith("2 byte lỗi") and "dòng" in vi and "line" in en


def test_an_ascii_file_with_one_stray_byte_is_read():
    from qa.ingest.documents import decode_bytes
    decoded = decode_bytes(b"Ket luan cua Ban Thuong vu ve viec\xe9 nam 2022")
    assert decoded.encoding == "utf-8" and "\ufffd" in decoded.text and decoded.notes
