"""Documents nobody tuned on (tests/data/unseen), printed as a typed PDF and as a DOCX, come out word for
word; scanned and read by Tesseract, they come out close enough to answer from (word accuracy)."""
from __future__ import annotations

import shutil
import subprocess
from difflib import SequenceMatcher

import pytest

from qa.ingest.documents import load_file
from qa.ingest.ocr.repair import looks_like_ocr
from qa.text.vietnamese import fold
from tests.samples import pages_of, render_page, write_docx, write_scanned_pdf, write_text_pdf
from tests.unseen import UNSEEN_DIR

DOCS = ["nq_hdnd_binh_dinh_2024.txt", "kh_ubnd_huyen_dong_anh_he_2024.txt",
        "nd_chinh_phu_nha_van_hoa_thon_2024.txt"]


def _paragraphs(name: str) -> list[str]:
    """The document as a typist would print it: its paragraphs, each on one line."""
    text = (UNSEEN_DIR / name).read_text(encoding="utf-8")
    paragraphs = []
    for block in text.split("\n\n"):
        lines = [ln for ln in block.splitlines() if set(ln.strip()) - set("-_*")]  # no separator rules
        if lines:
            paragraphs.append(" ".join(" ".join(lines).split()))
    return paragraphs


def _words(text: str) -> list[str]:
    return text.split()


@pytest.mark.parametrize("name", DOCS)
def test_a_typed_pdf_keeps_every_word(tmp_path, name: str) -> None:
    paragraphs = _paragraphs(name)
    pdf = write_text_pdf(pages_of(paragraphs), tmp_path / "typed.pdf")
    doc = load_file(pdf)
    assert not looks_like_ocr(doc.raw)
    assert _words(doc.normalized.text) == _words(" ".join(paragraphs))


@pytest.mark.parametrize("name", DOCS)
def test_a_docx_keeps_every_word(tmp_path, name: str) -> None:
    paragraphs = _paragraphs(name)
    docx = write_docx(tmp_path / "typed.docx", title=paragraphs[0],
                      headings=[(1, p) for p in paragraphs[1:2]],
                      body={p: paragraphs[2:] for p in paragraphs[1:2]})
    doc = load_file(docx)
    assert _words(doc.normalized.text) == _words(" ".join(paragraphs))


def _word_accuracy(read: list[str], truth: list[str]) -> float:
    matcher = SequenceMatcher(a=truth, b=read, autojunk=False)
    return sum(block.size for block in matcher.get_matching_blocks()) / max(1, len(truth))


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("tesseract") is None, reason="Tesseract is installed by `make test`")
def test_a_scanned_page_is_read_with_its_accents(tmp_path) -> None:
    """Tesseract's Vietnamese model on a page rendered from an unseen document: most words as printed."""
    page = _paragraphs("nq_hdnd_binh_dinh_2024.txt")[8:14]
    pdf = write_scanned_pdf([page], tmp_path / "scan.pdf")
    doc = load_file(pdf, cache_dir=tmp_path / "ocr")
    assert "ocr" in doc.extraction
    assert _word_accuracy(_words(doc.normalized.text), _words(" ".join(page))) >= 0.9


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("tesseract") is None, reason="Tesseract is installed by `make test`")
def test_the_english_model_reads_the_letters_of_a_vietnamese_page(tmp_path) -> None:
    """Tesseract's English model (what produced the accent-stripped seed) loses the accents but, folded,
    most words are there: the accent restorer then has something to work on."""
    page = _paragraphs("nq_hdnd_binh_dinh_2024.txt")[14:18]
    image = tmp_path / "page.png"
    render_page(page).save(image)
    out = subprocess.run(["tesseract", str(image), "-", "-l", "eng"], capture_output=True, text=True,
                         check=True)
    read = [fold(w).lower() for w in out.stdout.split()]
    truth = [fold(w).lower() for w in " ".join(page).split()]
    assert _word_accuracy(read, truth) >= 0.6
