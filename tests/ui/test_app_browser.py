"""The app in a real browser: `vanban serve` on the seed documents, driven by Playwright on Debian's Chromium.

The server runs in a subprocess with its own data directory (index built once per session); each test opens
a fresh browser context. Screenshots of the views go to build/screenshots/ (git-ignored), so a test run never
changes a tracked file; `make screenshots` runs these tests and copies them to docs/screenshots/ on purpose.

The first tests need no browser: the upload helpers the app relies on (its HTML: tests/test_render.py).
"""
from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from qa.errors import VanbanError

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "build" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-quic",
                 "--no-first-run", "--disable-component-update", "--disable-sync"]
VIEWPORT = {"width": 1280, "height": 900}
TITLE = "Hỏi đáp văn bản — Hải Phòng"
ANNEX_DOC = "001_95cc513b1827014b.txt"
ANNEX_TARGET = "(18). Hoàn thành 100% chỉ tiêu giao quân năm 2022."
ANSWER_TIMEOUT = 60_000
INDEX_TIMEOUT = 240_000

# ------------------------------------------------------------------------------------------------------
# No browser needed
# ------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("ghi-chu.txt", "ghi-chu.txt"),
        ("../../x.txt", "x.txt"),
        ("..\\..\\windows\\x.md", "x.md"),
        ("/etc/passwd", "passwd"),
        ("...hidden.txt", "hidden.txt"),
        ('a<b>:"c|?*.txt', "abc.txt"),
        ("line\nbreak\x00.txt", "linebreak.txt"),
        ("Kết luận số 244.txt", "Kết luận số 244.txt"),
        ("../", "van-ban-tai-len"),
        ("", "van-ban-tai-len"),
        ("x" * 300 + ".txt", "x" * 116 + ".txt"),
    ],
)
def test_safe_name(name: str, expected: str) -> None:
    from ui.uploads import safe_name
    out = safe_name(name)
    assert out == expected
    assert "/" not in out and "\\" not in out and not out.startswith(".")


def test_prepare_uploads_reports_each_bad_file(tmp_path: Path) -> None:
    from ui.uploads import MAX_UPLOAD_BYTES, prepare_uploads
    files = {
        "tot.txt": "THÔNG BÁO\nvề lịch họp giao ban tháng 3.".encode(),
        "rong.txt": b"",
        "anh.txt": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00",
        "latin.txt": b"Bao cao \xe9\xe8 nam 2022",
        "lon.txt": b"a" * (MAX_UPLOAD_BYTES + 1),
        "bang.csv": b"a,b\n1,2\n",
    }
    paths = []
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
        paths.append(tmp_path / name)
    prepared = prepare_uploads(paths)
    assert [d.id for d in prepared.documents] == ["tot.txt"]
    assert prepared.documents[0].path is None  # the temporary upload path is not kept as the source
    reasons = dict(prepared.errors)
    assert "rỗng" in reasons["rong.txt"]
    assert "nhị phân" in reasons["anh.txt"]
    assert "UTF-8" in reasons["latin.txt"]
    assert "quá lớn" in reasons["lon.txt"] and f"{MAX_UPLOAD_BYTES // (1024 * 1024)} MB" in reasons["lon.txt"]
    assert ".txt" in reasons["bang.csv"]


# ------------------------------------------------------------------------------------------------------
# The server and the browser
# ------------------------------------------------------------------------------------------------------

def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def app_home(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest) -> Path:
    """A data directory with the seed index, built once per session. The content-hash embedding cache is
    kept in pytest's cache between runs (vectors of the same text by the same model never change)."""
    home = tmp_path_factory.mktemp("vanban-home")
    kept = Path(request.config.cache.mkdir("vanban-embedding-cache")) / "cache.sqlite"
    if kept.exists():
        shutil.copy(kept, home / "cache.sqlite")
    subprocess.run([sys.executable, "-m", "qa.cli", "index", str(ROOT / "seeds")], cwd=ROOT, env=_env(home),
                   check=True, timeout=900, capture_output=True)
    shutil.copy(home / "cache.sqlite", kept)
    return home


def _env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k not in {"VANBAN_MODEL", "VANBAN_STORE", "GRADIO_TEMP_DIR"}}
    env.update(VANBAN_HOME=str(home), PYTHONUNBUFFERED="1", GRADIO_ANALYTICS_ENABLED="False")
    return env


@pytest.fixture(scope="session")
def server(app_home: Path) -> Iterator[str]:
    """`vanban serve` on a free port; yields its URL once it has printed it."""
    if not Path(CHROMIUM).exists():
        pytest.skip("Chromium is not installed (make browser)")
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "qa.cli", "serve", "--port", str(port)], cwd=ROOT,
                            env=_env(app_home), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines: list[str] = []
    threading.Thread(target=lambda: lines.extend(proc.stdout), daemon=True).start()  # type: ignore[arg-type]
    deadline = time.monotonic() + 180
    url = None
    while url is None and time.monotonic() < deadline and proc.poll() is None:
        url = next((m.group(0) for line in list(lines) if (m := re.search(r"http://\S+", line))), None)
        time.sleep(0.2)
    if url is None:
        proc.kill()
        pytest.fail("vanban serve did not start:\n" + "".join(lines))
    assert url.startswith(f"http://127.0.0.1:{port}")
    yield url
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()


@pytest.fixture(scope="module")
def browser():
    """Module-scoped: Playwright's sync API keeps an asyncio loop running in this thread while it is open, and
    later tests (tests/test_load.py) start loops of their own."""
    sync_api = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.skip("Chromium is not installed (make browser)")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


def _open(browser, server: str):
    context = browser.new_context(viewport=VIEWPORT, locale="vi-VN", accept_downloads=True)
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.accept()))
    page.dialogs = dialogs  # type: ignore[attr-defined]
    page.goto(server)
    page.locator("#vb-question textarea").wait_for(timeout=60_000)
    return page


@pytest.fixture
def page(browser, server: str):
    page = _open(browser, server)
    yield page
    page.context.close()


def _ask(page, question: str) -> None:
    box = page.locator("#vb-question textarea")
    box.fill(question)
    box.press("Enter")


def _card(page, doc: str):
    return page.locator(f'#vb-answer .vb-card[data-doc="{doc}"]')


def _documents_tab(page) -> None:
    page.get_by_role("tab", name="Văn bản").click()
    page.locator("#vb-docs-table").wait_for()


def _ask_tab(page) -> None:
    page.get_by_role("tab", name="Hỏi đáp").click()
    page.locator("#vb-question textarea").wait_for()


def _upload(page, files: list[dict]) -> None:
    page.locator("#vb-upload-col input[type=file]").set_input_files(files)


def _text_file(name: str, text: str) -> dict:
    return {"name": name, "mimeType": "text/plain", "buffer": text.encode("utf-8")}


def _remove(page, doc: str) -> None:
    """Remove a document through the Documents tab (the confirm dialog is accepted)."""
    from playwright.sync_api import expect
    _documents_tab(page)
    remove = page.locator("#vb-remove")
    if not page.locator("#vb-remove-choice").is_visible():
        remove.get_by_text("Xóa văn bản khỏi chỉ mục").click()
    choice = page.locator("#vb-remove-choice input")
    choice.click()
    choice.fill(doc)
    page.get_by_role("option", name=re.compile(re.escape(doc))).first.click()
    page.locator("#vb-remove-button").click()
    expect(page.locator("#vb-upload-status .vb-st-ok").filter(has_text=f"Đã xóa {doc}")).to_be_visible(
        timeout=INDEX_TIMEOUT)
    expect(page.locator("#vb-docs-table")).not_to_contain_text(doc)


@pytest.mark.browser
@pytest.mark.slow
def test_documents_tab_lists_the_corpus(page) -> None:
    from playwright.sync_api import expect
    _documents_tab(page)
    table = page.locator("#vb-docs-table")
    for doc, text in [("000_8c3560b8c842f969.txt", "Kết luận"), (ANNEX_DOC, "02-NQ/QU"),
                      ("003_0d637f8b2f5018ff.txt", "Báo cáo"), ("004_d7018a7c681a6f88.txt", "244-KL/TU")]:
        expect(table.get_by_role("row").filter(has_text=doc)).to_contain_text(text)
    expect(table.get_by_role("row").filter(has_text=ANNEX_DOC)).to_contain_text("20/12/2021")
    expect(page.locator(".vb-summary")).to_contain_text("5 văn bản")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "documents.png"))


@pytest.mark.browser
@pytest.mark.slow
def test_ask_cites_the_annex_target_and_opens_it_in_the_document(page) -> None:
    from playwright.sync_api import expect
    _ask(page, "chỉ tiêu giao quân năm 2022")
    card = _card(page, ANNEX_DOC).filter(has_text=ANNEX_TARGET).first
    expect(card).to_be_visible(timeout=ANSWER_TIMEOUT)
    expect(page.locator("#vb-answer .vb-answer-text")).to_contain_text("chỉ tiêu giao quân năm 2022")
    expect(card.locator(".vb-meta")).to_contain_text("02-NQ/QU")
    expect(card.locator(".vb-meta")).to_contain_text("20/12/2021")
    expect(card.locator(".vb-section")).to_contain_text("CHỈ TIÊU KẾ HOẠCH NĂM 2022")
    expect(card.locator(".vb-score")).to_contain_text("Điểm phù hợp")
    expect(card.locator("mark").filter(has_text="giao quân").first).to_be_visible()

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "ask.png"))

    # a citation marker takes the reader to its card
    n = card.get_attribute("data-n")
    marker = page.locator(f'#vb-answer .vb-cite[data-n="{n}"]')
    if marker.count():
        marker.first.click()
        expect(page.locator(f"#vb-card-{n}")).to_have_class(re.compile("vb-flash"))
        expect(page.locator(f"#vb-card-{n}")).to_be_in_viewport()

    # "Xem trong văn bản": the whole document, the passage marked and scrolled into view
    card.locator(".vb-open").click()
    source = page.locator("#vb-source .vb-source")
    expect(source).to_have_attribute("data-doc", ANNEX_DOC, timeout=ANSWER_TIMEOUT)
    cited = page.locator("#vb-source mark.vb-cited")
    expect(cited.first).to_be_in_viewport()
    expect(page.locator("#vb-source .vb-source-head")).to_be_in_viewport()
    assert ANNEX_TARGET in "".join(cited.all_text_contents())
    assert "PHỤ LỤC" in page.locator("#vb-source .vb-source-text").text_content().upper()
    page.screenshot(path=str(SCREENSHOTS / "source.png"))
    page.locator("#vb-source-close").click()
    expect(page.locator("#vb-source-col")).to_be_hidden()

    # the answer with its citations as Markdown
    with page.expect_download() as download:
        page.locator("#vb-download").click()
    markdown = Path(download.value.path()).read_text(encoding="utf-8")
    assert "**Câu hỏi:** chỉ tiêu giao quân năm 2022" in markdown
    assert ANNEX_DOC in markdown and ANNEX_TARGET in markdown


@pytest.mark.browser
@pytest.mark.slow
def test_question_without_accents_gets_the_same_citation(page) -> None:
    from playwright.sync_api import expect
    _ask(page, "chi tieu giao quan nam 2022")
    card = _card(page, ANNEX_DOC).filter(has_text=ANNEX_TARGET).first
    expect(card).to_be_visible(timeout=ANSWER_TIMEOUT)
    expect(card.locator("mark").filter(has_text="giao quân").first).to_be_visible()


@pytest.mark.browser
@pytest.mark.slow
def test_example_question_and_bad_question(page) -> None:
    from playwright.sync_api import expect

    from qa.search.query import understand
    page.locator(".vb-chip", has_text="chỉ tiêu giao quân năm 2022").click()
    expect(page.locator("#vb-question textarea")).to_have_value("chỉ tiêu giao quân năm 2022")
    expect(_card(page, ANNEX_DOC).first).to_be_visible(timeout=ANSWER_TIMEOUT)
    with pytest.raises(VanbanError) as err:
        understand("???")
    _ask(page, "???")
    expect(page.locator("#vb-answer .vb-message")).to_contain_text(err.value.vi, timeout=ANSWER_TIMEOUT)
    expect(page.locator("#vb-answer .vb-card")).to_have_count(0)
    expect(page.locator("#vb-answer")).not_to_contain_text("Traceback")


@pytest.mark.browser
@pytest.mark.slow
def test_abstention_says_so_and_labels_the_closest_passages(page) -> None:
    from playwright.sync_api import expect
    _ask(page, "Tỷ lệ thất nghiệp ở Đà Nẵng năm 2022 là bao nhiêu?")
    result = page.locator("#vb-answer .vb-answer.vb-abstain")
    expect(result).to_be_visible(timeout=ANSWER_TIMEOUT)
    expect(result).to_contain_text("Không tìm thấy câu trả lời")
    cards = page.locator("#vb-answer .vb-card")
    if cards.count():
        expect(cards.first.locator(".vb-not-answer")).to_have_text("Đoạn gần nhất — không phải câu trả lời")


@pytest.mark.browser
@pytest.mark.slow
def test_upload_a_document_and_find_it(page, app_home: Path) -> None:
    from playwright.sync_api import expect
    token = uuid.uuid4().hex[:6]
    text = (f"THÔNG BÁO\nvề hội thi cắm hoa nghệ thuật mừng Xuân (mã {token})\n\n"
            "Ủy ban nhân dân phường Bắc Sơn tổ chức hội thi cắm hoa nghệ thuật mừng Xuân tại Nhà Văn hóa "
            "phường vào sáng ngày 20/01/2024. Mỗi tổ dân phố cử một đội gồm ba thành viên tham gia "
            "hội thi.\n")
    _documents_tab(page)
    _upload(page, [_text_file("../../cam-hoa.txt", text)])
    status = page.locator("#vb-upload-status")
    expect(status.locator(".vb-st-ok")).to_contain_text("Đã thêm cam-hoa.txt", timeout=INDEX_TIMEOUT)
    expect(page.locator("#vb-docs-table").get_by_role("row").filter(has_text="cam-hoa.txt")).to_be_visible()
    expect(page.locator(".vb-summary")).to_contain_text("6 văn bản")
    for folder in (app_home.parent, app_home.parent.parent, ROOT):
        assert not (folder / "cam-hoa.txt").exists()

    # the same content under another name is a duplicate, not a second document
    _upload(page, [_text_file("ban-sao.txt", text)])
    expect(status.locator(".vb-st-warn")).to_contain_text("ban-sao.txt", timeout=INDEX_TIMEOUT)
    expect(status.locator(".vb-st-warn")).to_contain_text("cam-hoa.txt")
    expect(page.locator("#vb-docs-table")).not_to_contain_text("ban-sao.txt")

    _ask_tab(page)
    _ask(page, "hội thi cắm hoa nghệ thuật mừng Xuân tổ chức ở đâu")
    expect(_card(page, "cam-hoa.txt").first).to_be_visible(timeout=ANSWER_TIMEOUT)

    _remove(page, "cam-hoa.txt")
    assert page.dialogs and "cam-hoa.txt" in page.dialogs[-1]  # type: ignore[attr-defined]
    _ask_tab(page)
    _ask(page, "hội thi cắm hoa nghệ thuật mừng Xuân tổ chức ở đâu")
    expect(page.locator("#vb-answer .vb-answer")).to_be_visible(timeout=ANSWER_TIMEOUT)
    expect(_card(page, "cam-hoa.txt")).to_have_count(0)


@pytest.mark.browser
@pytest.mark.slow
def test_html_in_a_document_is_shown_as_text_and_runs_nothing(page) -> None:
    from playwright.sync_api import expect
    script = "<script>window.__pwned=1;document.title='pwned'</script>"
    img = '<img src=x onerror="window.__pwned=2;document.title=\'pwned\'">'
    template = "${window.__pwned=3} {{constructor.constructor('window.__pwned=4')()}}"
    name = "kiểm thử & 'an toàn'.txt"
    text = (f"THÔNG BÁO\nvề kiểm thử an toàn hiển thị {img}\n\n"
            f"Đoạn kiểm thử an toàn hiển thị trên giao diện: {script} và ảnh {img} cùng {template} "
            "trong văn bản kiểm thử an toàn hiển thị.\n")
    _documents_tab(page)
    _upload(page, [_text_file(name, text)])
    expect(page.locator("#vb-upload-status .vb-st-ok")).to_contain_text(name, timeout=INDEX_TIMEOUT)
    expect(page.locator("#vb-docs-table").get_by_role("row").filter(has_text=name)).to_be_visible()

    _ask_tab(page)
    _ask(page, "kiểm thử an toàn hiển thị trên giao diện")
    card = _card(page, name).first
    expect(card).to_be_visible(timeout=ANSWER_TIMEOUT)
    expect(card.locator(".vb-passage")).to_contain_text(script)
    expect(card.locator(".vb-passage")).to_contain_text(img)
    expect(card.locator(".vb-passage")).to_contain_text("${window.__pwned=3}")
    card.locator(".vb-open").click()
    source = page.locator("#vb-source .vb-source-text")
    expect(source).to_contain_text(script, timeout=ANSWER_TIMEOUT)
    expect(source).to_contain_text(img)
    page.wait_for_timeout(500)  # give an injected handler (img onerror) the time it would need

    assert page.evaluate("window.__pwned") is None
    assert page.title() == TITLE
    assert page.locator("#vb-answer img, #vb-source img, #vb-docs-table img").count() == 0
    assert page.locator("#vb-answer script, #vb-source script").count() == 0
    assert not page.dialogs  # type: ignore[attr-defined]
    _remove(page, name)


@pytest.mark.browser
@pytest.mark.slow
def test_bad_uploads_get_clear_messages_and_leave_the_index_working(page) -> None:
    from playwright.sync_api import expect

    from ui.uploads import MAX_UPLOAD_BYTES
    _documents_tab(page)
    _upload(page, [
        {"name": "rong.txt", "mimeType": "text/plain", "buffer": b""},
        {"name": "anh.txt", "mimeType": "text/plain", "buffer": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 50},
        {"name": "latin.txt", "mimeType": "text/plain", "buffer": b"Bao cao \xe9\xe8 nam 2022"},
        {"name": "lon.txt", "mimeType": "text/plain", "buffer": b"a " * (MAX_UPLOAD_BYTES // 2 + 1024)},
        {"name": "bang.csv", "mimeType": "text/csv", "buffer": b"a,b\n1,2\n"},
    ])
    errors = page.locator("#vb-upload-status .vb-st-error")
    expect(errors).to_have_count(5, timeout=INDEX_TIMEOUT)
    for name, reason in [("rong.txt", "tệp rỗng"), ("anh.txt", "tệp nhị phân"), ("latin.txt", "UTF-8"),
                         ("lon.txt", "quá lớn"), ("bang.csv", "định dạng chưa được hỗ trợ")]:
        expect(errors.filter(has_text=name)).to_contain_text(reason)
    expect(page.locator(".vb-summary")).to_contain_text("5 văn bản")
    _ask_tab(page)
    _ask(page, "chỉ tiêu giao quân năm 2022")
    expect(_card(page, ANNEX_DOC).first).to_be_visible(timeout=ANSWER_TIMEOUT)


@pytest.mark.browser
@pytest.mark.slow
def test_questions_are_answered_while_a_document_is_being_indexed(browser, server: str) -> None:
    """Indexing runs in its own concurrency group: a question from another staffer does not wait for it."""
    from playwright.sync_api import expect
    token = uuid.uuid4().hex  # new text every run, so nothing comes from the embedding cache
    sections = [f"{i}. Nội dung số {i} của đợt kiểm tra {token}\n" + " ".join(
        f"Đoàn kiểm tra {token[:8]} làm việc với đơn vị thứ {i}, nội dung {j}, ghi nhận kết quả và kiến nghị "
        f"khắc phục các tồn tại về quản lý đất đai, đầu tư công, chuyển đổi số." for j in range(5))
        for i in range(1, 17)]
    text = "BÁO CÁO\nvề kết quả đợt kiểm tra\n\n" + "\n\n".join(sections) + "\n"
    indexer, asker = _open(browser, server), _open(browser, server)
    try:
        _documents_tab(indexer)
        _upload(indexer, [_text_file("dot-kiem-tra.txt", text)])
        expect(indexer.get_by_text(re.compile("Mã hóa"))).to_be_visible(timeout=INDEX_TIMEOUT)
        _ask(asker, "chỉ tiêu giao quân năm 2022")
        expect(_card(asker, ANNEX_DOC).first).to_be_visible(timeout=ANSWER_TIMEOUT)
        assert indexer.locator("#vb-upload-status .vb-st-ok").count() == 0, "the question waited for indexing"
        expect(indexer.locator("#vb-upload-status .vb-st-ok")).to_contain_text("dot-kiem-tra.txt",
                                                                               timeout=INDEX_TIMEOUT)
        _remove(indexer, "dot-kiem-tra.txt")
    finally:
        indexer.context.close()
        asker.context.close()


def _compare_tab(page) -> None:
    page.get_by_role("tab", name="So sánh").click()
    page.locator("#vb-cmp-topic textarea").wait_for()


@pytest.mark.browser
@pytest.mark.slow
def test_compare_tab_shows_the_years_side_by_side(page) -> None:
    from playwright.sync_api import expect
    _compare_tab(page)
    box = page.locator("#vb-cmp-topic textarea")
    box.fill("Chỉ tiêu giao quân qua các năm")
    box.press("Enter")
    table = page.locator("#vb-compare .vb-cmp-table")
    expect(table).to_be_visible(timeout=ANSWER_TIMEOUT)
    expect(table.locator("thead")).to_contain_text("Kỳ")
    for year in ("năm 2021", "năm 2022"):
        row = table.locator(f'tbody tr[data-label="{year}"]')
        expect(row.locator("th")).to_have_text(year)
        expect(row).to_contain_text(ANNEX_DOC)
        expect(row.locator(".vb-cite").first).to_be_visible()
        expect(row).not_to_have_class(re.compile("vb-cmp-none"))
    missing = table.locator('tbody tr[data-label="năm 2023"]')
    expect(missing).to_have_class(re.compile("vb-cmp-none"))
    expect(missing).to_contain_text("không đề cập")
    labels = table.locator("tbody th").all_text_contents()
    assert labels.index("năm 2021") < labels.index("năm 2022") < labels.index("năm 2023")
    assert "Traceback" not in page.locator("#vb-compare").text_content()

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "compare.png"))

    # the period's cards under the table, and the document at the passage
    card = page.locator(f'#vb-compare .vb-card[data-doc="{ANNEX_DOC}"]').first
    expect(card).to_be_visible()
    card.locator(".vb-open").click()
    expect(page.locator("#vb-cmp-source .vb-source")).to_have_attribute("data-doc", ANNEX_DOC,
                                                                        timeout=ANSWER_TIMEOUT)
    expect(page.locator("#vb-cmp-source mark.vb-cited").first).to_be_in_viewport()
    page.locator("#vb-cmp-source-close").click()
    expect(page.locator("#vb-cmp-source-col")).to_be_hidden()

    with page.expect_download() as download:
        page.locator("#vb-cmp-download").click()
    markdown = Path(download.value.path()).read_text(encoding="utf-8")
    assert "| Kỳ |" in markdown and "năm 2023" in markdown and "không đề cập" in markdown

    # a topic with nothing left to compare: the library's message, plainly
    page.locator("#vb-cmp-examples .vb-chip").first.wait_for()
    box.fill("so sánh qua các năm")
    box.press("Enter")
    expect(page.locator("#vb-compare .vb-message")).to_contain_text("Hãy nêu nội dung cần so sánh",
                                                                    timeout=ANSWER_TIMEOUT)
