"""PDF (text layer and scanned), images, DOCX and broken files go in like text files: same chunks, spans and
citations, plus the page (PDF, scan) or paragraph (DOCX) a passage starts on; a bad file is reported by name
and the others are indexed. Every sample is made from the seeds on the fly (tests/samples.py).

OCR tests need Debian's tesseract-ocr and tesseract-ocr-vie: they are skipped without them on a
developer's machine and fail in CI (CI=true), where `make test` installs them.
"""
from __future__ import annotations

import difflib
import os
import re
import shutil
from pathlib import Path

import pytest

from qa import cli
from qa.assistant import Assistant
from qa.config import Settings
from qa.ingest.chunking import chunk_document
from qa.ingest.documents import LoadError, load_documents, load_file
from qa.ingest.formats.ocr import unavailable_reason
from qa.ingest.legacy_encodings import encode_legacy, unicode_to_tcvn3, unicode_to_vni
from tests.fakes import HashEmbedder
from tests.samples import (
    pages_of,
    plain_paragraphs,
    render_page,
    write_docx,
    write_scanned_pdf,
    write_text_pdf,
)

SEEDS = Path(__file__).resolve().parents[2] / "seeds"


def _seed(prefix: str) -> str:
    return next(SEEDS.glob(f"{prefix}_*.txt")).read_text(encoding="utf-8")


def _require_ocr() -> None:
    reason = unavailable_reason()
    if reason is not None:
        if os.environ.get("CI"):
            pytest.fail(f"OCR is needed in CI: {reason[1]}")
        pytest.skip(reason[1])


def _squash(text: str) -> str:
    return " ".join(text.split())


def _similarity(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, _squash(a), _squash(b), autojunk=False).ratio()


def _targets() -> list[list[str]]:
    """Seed 001's numbered targets "(7). Có 1.000 - 1.200 doanh nghiệp hoạt động." as table rows."""
    rows = [["STT", "Chỉ tiêu"]]
    for m in re.finditer(r"^-?\s*\((\d+)\)\.\s*(.+)$", _seed("001"), re.MULTILINE):
        rows.append([m.group(1), m.group(2).replace("*", "")])
    return rows


# --------------------------------------------------------------------------------------------------
# The archive of the "done when": a text PDF, a scanned PDF, a scanned page image, a DOCX with
# a table, a TCVN3 text file, a duplicate under another name, and broken files.
# --------------------------------------------------------------------------------------------------

TCVN3_LINE = "Ban Thường vụ Thành ủy chỉ đạo rà soát quy hoạch cán bộ nhiệm kỳ 2025 - 2030."


@pytest.fixture(scope="module")
def archive(tmp_path_factory) -> dict:
    _require_ocr()
    folder = tmp_path_factory.mktemp("archive")
    pdf_pages = pages_of(plain_paragraphs(_seed("000")))
    write_text_pdf(pdf_pages, folder / "ket-luan-quy-I-2022.pdf")
    shutil.copy(folder / "ket-luan-quy-I-2022.pdf", folder / "trung-ket-luan-quy-I-2022.pdf")
    scan_pages = pages_of(plain_paragraphs(_seed("001")))[:2]
    write_scanned_pdf(scan_pages, folder / "nghi-quyet-2022-ban-quet.pdf")
    lessons = [p for p in plain_paragraphs(_seed("003"))
               if p.startswith(("Bài học kinh nghiệm", "(1) ", "(2) ", "(3) "))]
    render_page(lessons).save(folder / "bao-cao-trang-bai-hoc.png", dpi=(300, 300))
    write_docx(folder / "chi-tieu-2022.docx", title="CÁC CHỈ TIÊU CHỦ YẾU NĂM 2022",
               headings=[(1, "I. Chỉ tiêu về kinh tế, văn hóa - xã hội"), (2, "Tổ chức thực hiện")],
               body={"I. Chỉ tiêu về kinh tế, văn hóa - xã hội": [
                         "Các chỉ tiêu chủ yếu năm 2022 của quận như bảng sau."],
                     "Tổ chức thực hiện": [
                         "Giao Ủy ban nhân dân quận cụ thể hóa các chỉ tiêu thành kế hoạch."]},
               table=_targets(), legacy=(".VnTime", unicode_to_tcvn3(TCVN3_LINE), TCVN3_LINE))
    (folder / "ket-luan-2021-tcvn3.txt").write_bytes(encode_legacy(_seed("002"), "tcvn3"))
    (folder / "hong.pdf").write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog >> garbage")
    _encrypted_pdf(folder / "ket-luan-quy-I-2022.pdf", folder / "co-mat-khau.pdf", user_password="bi-mat")
    (folder / "rong.txt").write_bytes(b"")
    with open(folder / "qua-lon.pdf", "wb") as fh:
        fh.truncate(200 * 1024 * 1024)  # sparse: 200 MB on paper, nothing on disk
    (folder / "anh-doi-ten.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 20)
    (folder / "van-ban-cu.doc").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512)
    home = tmp_path_factory.mktemp("home")
    assistant = Assistant(Settings(home=home, model="fake-hash"), embedder=HashEmbedder())
    report = assistant.build([folder])
    return {"folder": folder, "assistant": assistant, "report": report, "pdf_pages": pdf_pages,
            "scan_pages": scan_pages, "lessons": lessons}


def _encrypted_pdf(source: Path, target: Path, *, user_password: str,
                   owner_password: str = "chu-so-huu") -> Path:
    from pypdf import PdfReader, PdfWriter
    writer = PdfWriter(clone_from=PdfReader(source))
    writer.encrypt(user_password=user_password, owner_password=owner_password, algorithm="RC4-128")
    writer.write(target)
    return target


def test_archive_indexes_the_good_files_and_reports_each_bad_one(archive):
    report = archive["report"]
    assert sorted(report.new) == ["bao-cao-trang-bai-hoc.png", "chi-tieu-2022.docx",
                                  "ket-luan-2021-tcvn3.txt", "ket-luan-quy-I-2022.pdf",
                                  "nghi-quyet-2022-ban-quet.pdf"]
    # same content, other name
    assert report.duplicates == [("trung-ket-luan-quy-I-2022.pdf", "ket-luan-quy-I-2022.pdf")]
    reasons = {e.path.name: e.reason_en for e in report.errors}
    assert set(reasons) == {"hong.pdf", "co-mat-khau.pdf", "rong.txt", "qua-lon.pdf", "anh-doi-ten.txt",
                            "van-ban-cu.doc"}
    assert "damaged" in reasons["hong.pdf"]
    assert "password" in reasons["co-mat-khau.pdf"]
    assert "empty" in reasons["rong.txt"]
    assert "too large" in reasons["qua-lon.pdf"]
    assert "binary" in reasons["anh-doi-ten.txt"]
    assert ".docx" in reasons["van-ban-cu.doc"]
    for e in report.errors:
        assert e.path.name in str(e) and e.reason_vi  # by name, Vietnamese first


def _top(archive, question: str, doc: str):
    answer = archive["assistant"].ask(question)
    assert not answer.abstained, answer.text
    passages = [p.to_json() for p in answer.passages]
    hit = next((p for p in passages[:3] if p["doc"] == doc), None)
    assert hit is not None, [(p["doc"], p["text"][:60]) for p in passages]
    return answer, hit


def _page_of(raw: str, offset: int) -> int:
    return raw.count("\f", 0, offset) + 1


def test_text_pdf_answers_cite_their_page(archive):
    doc = "ket-luan-quy-I-2022.pdf"
    pages = archive["pdf_pages"]
    k, paragraph = next((k, p) for k, page in enumerate(pages) for p in page if k >= 2 and len(p) > 200)
    phrase = " ".join(paragraph.split()[:14])
    _, hit = _top(archive, phrase, doc)
    raw = archive["assistant"].index.raw_text(doc)
    assert hit["page"] == _page_of(raw, hit["start"]) and hit["page"] >= 2
    cited = " ".join(raw[s:e] for s, e in hit["spans"])
    assert _squash(phrase) in _squash(cited)
    assert hit["page"] <= k + 1 <= _page_of(raw, hit["end"])  # the page the phrase was printed on


def test_scanned_pdf_is_read_by_ocr_and_answers_cite_their_page(archive):
    doc = "nghi-quyet-2022-ban-quet.pdf"
    _, hit = _top(archive, "chỉ tiêu giao quân năm 2021 hoàn thành thế nào", doc)
    assert hit["page"] == 2  # "Hoàn thành chỉ tiêu giao quân năm 2021" is on the second scanned page
    assert "giao quân năm 2021" in hit["text"]
    raw = archive["assistant"].index.raw_text(doc)
    pages = raw.split("\f")
    for printed, read in zip(archive["scan_pages"], pages):
        assert _similarity(" ".join(printed), read) > 0.97


def test_scanned_image_page_is_answered_from_its_ocr_text(archive):
    doc = "bao-cao-trang-bai-hoc.png"
    answer, hit = _top(archive, "bài học kinh nghiệm về thực hiện nghiêm nguyên tắc tập trung dân chủ", doc)
    assert hit["page"] == 1
    assert "tập trung, dân chủ" in answer.text or "tập trung, dân chủ" in hit["text"]
    assert _similarity(" ".join(archive["lessons"]), archive["assistant"].index.raw_text(doc)) > 0.97


def test_docx_table_row_answers_and_cites_its_paragraph(archive):
    doc = "chi-tieu-2022.docx"
    _, hit = _top(archive, "có bao nhiêu doanh nghiệp hoạt động", doc)
    assert "1.000 - 1.200 doanh nghiệp" in hit["text"]
    raw = archive["assistant"].index.raw_text(doc)
    blocks = raw.split("\n\n")
    row = next(i for i, b in enumerate(blocks) if "doanh nghiệp hoạt động" in b) + 1
    first = raw[:hit["start"]].count("\n\n") + 1
    assert hit["paragraph"] == first <= row
    assert "7 | Có 1.000 - 1.200 doanh nghiệp hoạt động." in hit["text"]  # a row reads "cell | cell"


def test_tcvn3_text_file_answers_in_unicode(archive):
    doc = "ket-luan-2021-tcvn3.txt"
    _, hit = _top(archive, "tổng sản phẩm trên địa bàn GRDP quý I năm 2021 ước tăng bao nhiêu", doc)
    assert "13,22%" in hit["text"]
    assert "page" not in hit and "paragraph" not in hit  # plain text has neither


def test_docs_json_carries_the_location_map(archive):
    docs = {d.id: d for d in archive["assistant"].documents()}
    pdf = docs["ket-luan-quy-I-2022.pdf"].metadata.locations
    assert pdf.unit == "page" and len(pdf) == len(archive["pdf_pages"])
    assert docs["chi-tieu-2022.docx"].metadata.locations.unit == "paragraph"
    assert docs["ket-luan-2021-tcvn3.txt"].metadata.locations is None
    assert docs["ket-luan-quy-I-2022.pdf"].to_json()["metadata"]["locations"]["unit"] == "page"


# --------------------------------------------------------------------------------------------------
# PDF
# --------------------------------------------------------------------------------------------------


def test_text_pdf_keeps_each_page_and_where_it_starts(tmp_path):
    pages = pages_of(plain_paragraphs(_seed("000")))
    doc = load_file(write_text_pdf(pages, tmp_path / "a.pdf"))
    assert not isinstance(doc, LoadError) and doc.extraction == "pdf"
    assert len(doc.locations) == len(pages)
    for n, (start, printed) in enumerate(zip(doc.locations.starts, pages), 1):
        assert doc.raw[start:].startswith(printed[0].split()[0])
        assert doc.locations.at(start) == n and doc.locations.label(start) == f"trang {n}"
    assert doc.raw.replace("\f", " ").split() == " ".join(" ".join(p) for p in pages).split()


def test_a_sentence_cut_by_a_page_break_is_joined_and_keeps_both_spans(tmp_path):
    """The form feed between pages is a page break to the normaliser: the sentence is one line again."""
    first = "Công tác giải phóng mặt bằng thực hiện các dự án trọng tâm được"
    second = "tập trung chỉ đạo và hoàn thành đúng tiến độ."
    doc = load_file(write_text_pdf([["Mở đầu văn bản.", first], [second, "Đoạn sau."]], tmp_path / "cut.pdf"))
    assert f"{first} {second}" in doc.normalized.text.split("\n")
    (chunk,) = chunk_document(doc)
    assert doc.locations.at(chunk.start) == 1 and doc.locations.at(chunk.end - 1) == 2


def test_owner_password_only_pdf_opens(tmp_path):
    source = write_text_pdf([["Nghị quyết về nhiệm vụ năm 2022 của Đảng bộ quận."]], tmp_path / "a.pdf")
    doc = load_file(_encrypted_pdf(source, tmp_path / "owner.pdf", user_password=""))
    assert not isinstance(doc, LoadError) and "Nghị quyết" in doc.raw


def test_password_pdf_is_refused_with_the_reason(tmp_path):
    source = write_text_pdf([["Nghị quyết về nhiệm vụ năm 2022."]], tmp_path / "a.pdf")
    err = load_file(_encrypted_pdf(source, tmp_path / "locked.pdf", user_password="x"))
    assert isinstance(err, LoadError) and "mật khẩu" in err.reason_vi


@pytest.mark.parametrize("content", [b"", b"%PDF-1.7\n", b"%PDF-1.4\n" + bytes(range(256)) * 40,
                                     b"not a pdf at all"])
def test_damaged_pdfs_are_refused(tmp_path, content):
    path = tmp_path / "x.pdf"
    path.write_bytes(content)
    assert isinstance(load_file(path), LoadError)


def test_truncated_pdf_is_refused_or_read_never_raised(tmp_path):
    data = write_text_pdf(pages_of(plain_paragraphs(_seed("000"))), tmp_path / "a.pdf").read_bytes()
    path = tmp_path / "cut.pdf"
    path.write_bytes(data[: len(data) // 2])
    loaded = load_file(path)
    assert isinstance(loaded, LoadError) or "Thành ủy" in loaded.raw


def test_legacy_text_layer_is_converted(tmp_path):
    """A PDF printed from a .VnTime document without a Unicode map extracts as TCVN3 codes."""
    text = "Kết luận của Ban Thường vụ Thành ủy về nhiệm vụ trọng tâm quý II năm 2022 đã được triển khai."
    doc = load_file(write_text_pdf([[unicode_to_tcvn3(text)]], tmp_path / "vntime.pdf"))
    assert doc.extraction == "pdf+tcvn3" and text in _squash(doc.raw)


def test_ocr_text_is_cached_by_file_content(tmp_path, monkeypatch):
    """Indexing a folder again (or after a crash) does not read the same scans again."""
    _require_ocr()
    pdf = write_scanned_pdf([["Kết luận Hội nghị Thành ủy về nhiệm vụ trọng tâm quý II năm 2022."]],
                            tmp_path / "scan.pdf", dpi=200)
    first = load_documents([pdf], cache_dir=tmp_path / "extracted")
    assert first.documents[0].extraction == "pdf+ocr"

    def no_ocr(*args, **kwargs):
        raise AssertionError("OCR ran again")
    monkeypatch.setattr("qa.ingest.formats.pdf.ocr_pages", no_ocr)
    shutil.copy(pdf, tmp_path / "renamed.pdf")
    again = load_file(tmp_path / "renamed.pdf", cache_dir=tmp_path / "extracted")
    assert again.raw == first.documents[0].raw and again.locations == first.documents[0].locations


# --------------------------------------------------------------------------------------------------
# DOCX
# --------------------------------------------------------------------------------------------------


def test_docx_blocks_headings_numbering_and_table(tmp_path):
    path = write_docx(tmp_path / "a.docx", title="KẾ HOẠCH NĂM 2022",
                      headings=[(1, "I. MỤC ĐÍCH, YÊU CẦU"), (2, "Nhiệm vụ trọng tâm")],
                      body={"I. MỤC ĐÍCH, YÊU CẦU": ["Bảo đảm thực hiện thắng lợi nghị quyết."],
                            "Nhiệm vụ trọng tâm": ["Đẩy mạnh chỉnh trang đô thị."]},
                      numbered=["Tăng trưởng kinh tế 7,5%.", "Thu ngân sách tăng 15%."],
                      table=[["STT", "Chỉ tiêu", "Kế hoạch"], ["1", "Tỷ lệ hộ nghèo", "dưới 0,5%"]])
    doc = load_file(path)
    blocks = doc.raw.split("\n\n")
    assert blocks == ["# KẾ HOẠCH NĂM 2022", "# I. MỤC ĐÍCH, YÊU CẦU",
                      "Bảo đảm thực hiện thắng lợi nghị quyết.", "## Nhiệm vụ trọng tâm",
                      "Đẩy mạnh chỉnh trang đô thị.", "1. Tăng trưởng kinh tế 7,5%.",
                      "2. Thu ngân sách tăng 15%.", "STT\tChỉ tiêu\tKế hoạch",
                      "1\tTỷ lệ hộ nghèo\tdưới 0,5%"]
    # the empty paragraph is not counted
    assert doc.extraction == "docx" and len(doc.locations) == len(blocks)
    assert "1 | Tỷ lệ hộ nghèo | dưới 0,5%" in doc.normalized.text.split("\n")
    sections = {c.section for c in chunk_document(doc)}
    assert any("I. MỤC ĐÍCH, YÊU CẦU" in s for s in sections)
    at = doc.raw.index("Thu ngân sách")
    assert doc.locations.label(at) == "đoạn 7"


@pytest.mark.parametrize("font, encode, upper", [
    (".VnTime", unicode_to_tcvn3, False),
    (".VnTimeH", lambda t: "".join(c.lower() if c.isascii() else c for c in unicode_to_tcvn3(t)), True),
    ("VNI-Times", unicode_to_vni, False),
])
def test_docx_runs_in_legacy_fonts_are_converted(tmp_path, font, encode, upper):
    text = "Nghị quyết Hội nghị Ban Chấp hành Đảng bộ quận lần thứ bảy"
    path = write_docx(tmp_path / "a.docx", title="Văn bản", headings=[], body={},
                      legacy=(font, encode(text), text))
    doc = load_file(path)
    assert doc.raw.split("\n\n")[-1] == (text.upper() if upper else text)
    assert doc.raw.split("\n\n")[0] == "# Văn bản"  # the Unicode title is left alone


def test_docx_legacy_text_without_a_font_name_is_detected(tmp_path):
    text = "Tình hình kinh tế - xã hội thành phố tiếp tục ổn định và phát triển trong quý I năm 2022."
    path = write_docx(tmp_path / "a.docx", title=unicode_to_vni("Kết luận"), headings=[],
                      body={}, legacy=("Times New Roman", unicode_to_vni(text), text))
    doc = load_file(path)
    assert doc.extraction == "docx+vni" and doc.raw.split("\n\n") == ["# Kết luận", text]


@pytest.mark.parametrize("content, reason", [
    (b"PK\x03\x04broken zip", "damaged"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "password"),
    (b"plain text, not a docx", "damaged"),
])
def test_damaged_docx_is_refused(tmp_path, content, reason):
    path = tmp_path / "x.docx"
    path.write_bytes(content)
    err = load_file(path)
    assert isinstance(err, LoadError) and reason in err.reason_en


# --------------------------------------------------------------------------------------------------
# Images, uploads, CLI
# --------------------------------------------------------------------------------------------------


def test_an_uploads_own_name_decides_its_format(tmp_path):
    """An upload is stored under a temporary name: the name the user gave decides how it is read."""
    path = write_text_pdf([["Nghị quyết về nhiệm vụ năm 2022 của Đảng bộ quận."]], tmp_path / "upload-1234")
    doc = load_file(path, name="nghi-quyet.pdf")
    assert doc.id == "nghi-quyet.pdf" and doc.locations.unit == "page"


def test_cli_index_reports_bad_files_by_name_and_exits_1(tmp_path, monkeypatch, capsys):
    folder = tmp_path / "in"
    folder.mkdir()
    write_text_pdf(pages_of(plain_paragraphs(_seed("000")))[:2], folder / "ket-luan.pdf")
    write_docx(folder / "chi-tieu.docx", title="CHỈ TIÊU", headings=[], body={}, table=_targets())
    (folder / "hong.pdf").write_bytes(b"%PDF-1.4 garbage")
    (folder / "rong.docx").write_bytes(b"")
    monkeypatch.setattr("qa.index.builder.load_embedder", lambda spec, models=None: HashEmbedder())
    code = cli.main(["--home", str(tmp_path / "home"), "--model", "fake-hash", "index", str(folder)])
    out, err = capsys.readouterr()
    assert code == cli.EXIT_PARTIAL
    assert "Đã lập chỉ mục 2 văn bản" in out
    assert "hong.pdf:" in err and "rong.docx:" in err
    docs = load_documents([folder])
    assert sorted(d.id for d in docs.documents) == ["chi-tieu.docx", "ket-luan.pdf"]


# --------------------------------------------------------------------------------------------------
# The same with the real default model, through the CLI
# --------------------------------------------------------------------------------------------------


@pytest.mark.slow
def test_real_model_indexes_the_mixed_folder_and_cites_pages_and_paragraphs(tmp_path):
    import json
    import subprocess
    import sys
    _require_ocr()
    folder = tmp_path / "in"
    folder.mkdir()
    write_text_pdf(pages_of(plain_paragraphs(_seed("000")))[:4], folder / "ket-luan-quy-I-2022.pdf")
    write_scanned_pdf(pages_of(plain_paragraphs(_seed("001")))[:2], folder / "nghi-quyet-ban-quet.pdf")
    write_docx(folder / "chi-tieu-2022.docx", title="CÁC CHỈ TIÊU CHỦ YẾU NĂM 2022", headings=[], body={},
               table=_targets())
    (folder / "ket-luan-2021-tcvn3.txt").write_bytes(encode_legacy(_seed("002"), "tcvn3"))
    (folder / "hong.pdf").write_bytes(b"%PDF-1.4 garbage")
    env = dict(os.environ, VANBAN_HOME=str(tmp_path / "home"))
    env.pop("VANBAN_MODEL", None)

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "qa.cli", "--model", Settings().model, *args],
                              check=False, cwd=SEEDS.parent, env=env, capture_output=True, text=True,
                              timeout=1200)

    indexed = run("index", str(folder), "--json")
    assert indexed.returncode == cli.EXIT_PARTIAL, indexed.stderr
    report = json.loads(indexed.stdout)
    assert (report["documents"] == 4 and len(report["errors"]) == 1
            and report["errors"][0].startswith("hong.pdf: "))

    def cited(question: str, doc: str) -> dict:
        answer = json.loads(run("ask", question, "--json").stdout)
        assert not answer["abstained"], answer
        hit = next((p for p in answer["passages"][:3] if p["doc"] == doc), None)
        assert hit is not None, [(p["doc"], p["text"][:60]) for p in answer["passages"]]
        return hit

    assert "paragraph" in cited("có bao nhiêu doanh nghiệp hoạt động năm 2022", "chi-tieu-2022.docx")
    assert cited("chỉ tiêu giao quân năm 2021 hoàn thành thế nào", "nghi-quyet-ban-quet.pdf")["page"] == 2
    assert "13,22%" in cited("GRDP quý I năm 2021 ước tăng bao nhiêu", "ket-luan-2021-tcvn3.txt")["text"]
    assert cited("kết quả thực hiện nhiệm vụ quý I năm 2022", "ket-luan-quy-I-2022.pdf")["page"] >= 1
