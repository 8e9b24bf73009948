"""The web app staffers use, and `vanban serve`: the Blocks built from the tabs (Hỏi đáp, Văn bản,
So sánh), the events that cross tabs, and the server's launch and shutdown.

A thin layer over `qa.assistant.Assistant`: no retrieval here, only calls to qa and conversion of its
results to escaped HTML (ui/render.py). Each tab is built by its own module in ui/tabs/ and is one
`with gr.Tab(...)` line in `build_app`.
"""
from __future__ import annotations

import logging
import os
import shutil
import signal
import sys
import tempfile
from pathlib import Path

import gradio as gr

from qa.assistant import Assistant
from qa.config import SEEDS_DIR, Settings
from qa.errors import VanbanError
from qa.profile import Profile
from ui.markup import escape_html
from ui.static import read_asset
from ui.tabs.ask import ask_tab
from ui.tabs.common import refresh_filters
from ui.tabs.compare import compare_tab
from ui.tabs.documents import documents_tab
from ui.uploads import MAX_UPLOAD_BYTES

logger = logging.getLogger(__name__)

QUEUE_SIZE = 128
"""Requests waiting at most; beyond that Gradio says the app is busy instead of letting the wait grow."""
CSS = read_asset("style.css")
THEME = gr.themes.Soft(
    primary_hue=gr.themes.colors.red,
    secondary_hue=gr.themes.colors.amber,
    neutral_hue=gr.themes.colors.slate,
    font=["system-ui", "-apple-system", "Segoe UI", "Roboto", "Noto Sans", "Helvetica Neue", "Arial",
          "sans-serif"],
    font_mono=["ui-monospace", "SFMono-Regular", "Menlo", "Consolas", "DejaVu Sans Mono", "monospace"],
).set(body_text_size="16px")
"""System fonts only (nothing fetched from the internet, Vietnamese diacritics rendered by the OS's fonts)."""
def header_html(profile: Profile) -> str:
    """The page header, naming the organisation the profile gives (escaped: it comes from a file)."""
    place = f" · {escape_html(profile.organisation)}" if profile.organisation else ""
    return (
        '<header class="vb-header">'
        f'<div class="vb-kicker">Văn bản Đảng, chính quyền{place}</div>'
        "<h1>Hỏi đáp văn bản</h1>"
        "<p>Tra cứu nghị quyết, kết luận, báo cáo bằng câu hỏi thường ngày. Câu trả lời trích nguyên văn, có "
        "nguồn chính xác đến từng đoạn.</p></header>"
    )


def build_app(assistant: Assistant, *, export_dir: Path | None = None) -> gr.Blocks:
    """The Blocks app over one Assistant (shared by every browser session). The filters of Hỏi đáp and So
    sánh, and the Văn bản table, are made again when their tab is opened and after an upload or a removal:
    the corpus may have changed in another staffer's session."""
    export_dir = export_dir or Path(tempfile.mkdtemp(prefix="vanban-export-"))
    title = "Hỏi đáp văn bản" + (f" — {assistant.profile.organisation}"
                                  if assistant.profile.organisation else "")
    with gr.Blocks(title=title, analytics_enabled=False,
                   delete_cache=(3600, 7200)) as app:
        gr.HTML(header_html(assistant.profile), js_on_load=None)
        with gr.Tabs(elem_id="vb-tabs"):
            with gr.Tab("Hỏi đáp", id="ask", elem_id="vb-tab-ask") as ask_tab_item:
                ask = ask_tab(assistant, export_dir)
            with gr.Tab("Văn bản", id="documents", elem_id="vb-tab-documents") as docs_tab_item:
                documents = documents_tab(assistant)
            with gr.Tab("So sánh", id="compare", elem_id="vb-tab-compare") as compare_tab_item:
                compare = compare_tab(assistant, export_dir)

        refresh = refresh_filters(assistant)
        filter_io = dict(inputs=ask.filter_dropdowns, outputs=ask.filter_dropdowns, queue=False,
                         show_progress="hidden", api_visibility="private")
        for event in documents.changed:
            event.then(refresh, **filter_io)
        ask_tab_item.select(refresh, **filter_io)
        app.load(refresh, **filter_io)
        compare_io = dict(filter_io, inputs=compare.filter_dropdowns, outputs=compare.filter_dropdowns)
        compare_tab_item.select(refresh, **compare_io)
        docs_tab_item.select(documents.refresh(assistant), [documents.to_remove],
                             [documents.table, documents.summary, documents.to_remove],
                             queue=False, show_progress="hidden", api_visibility="private")
    return app


def _console_progress(stage: str, done: int, total: int) -> None:
    """Indexing the seeds at first start: one updating line on stderr, so the wait is visible."""
    label = {"chunk": "Tách đoạn", "embed": "Mã hóa"}.get(stage, stage)
    end = "\n" if done >= total else ""
    print(f"\r  {label}: {done}/{total}", end=end, file=sys.stderr, flush=True)


def _stop(signum: int, frame: object) -> None:
    """SIGTERM as Ctrl+C, so `kill` runs the same cleanup (the app's temporary folder)."""
    raise KeyboardInterrupt


def serve(settings: Settings, host: str = "127.0.0.1", port: int = 7860) -> None:
    """`vanban serve`: index the seed documents if there is no index yet, then run the app until Ctrl+C."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for noisy in ("httpx", "httpcore", "gradio", "bm25s"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    assistant = Assistant(settings)
    if not assistant.has_index():
        print(f"Chưa có chỉ mục trong {settings.home}: đang lập chỉ mục các văn bản mẫu ({SEEDS_DIR})…",
              flush=True)
        report = assistant.build([SEEDS_DIR], progress=_console_progress)
        print(f"Đã lập chỉ mục {report.documents} văn bản, {report.chunks} đoạn "
              f"trong {report.seconds:.0f} giây.", flush=True)
        for err in report.errors:
            print(f"Lỗi: {err}", file=sys.stderr)
    assistant.prepare()  # the index, the model and the rest now, not on the first question

    workdir = Path(tempfile.mkdtemp(prefix="vanban-ui-"))
    os.environ.setdefault("GRADIO_TEMP_DIR", str(workdir / "uploads"))  # uploads land in a folder we own
    app = build_app(assistant, export_dir=workdir / "exports")
    app.queue(default_concurrency_limit=2, max_size=QUEUE_SIZE)
    try:
        _, local_url, _ = app.launch(
            server_name=host, server_port=port, prevent_thread_lock=True, quiet=True, show_error=False,
            footer_links=[], ssr_mode=False, pwa=False, mcp_server=False, theme=THEME,
            css=CSS, max_file_size=8 * MAX_UPLOAD_BYTES,
            allowed_paths=[str(workdir / "exports")])
    except OSError as exc:
        shutil.rmtree(workdir, ignore_errors=True)
        raise VanbanError(f"Không mở được cổng {port} trên {host}: {exc}. Hãy chọn cổng khác bằng --port.",
                          f"Cannot listen on {host}:{port}: {exc}. Choose another port with --port.") from exc
    print(f"Ứng dụng Hỏi đáp văn bản đang chạy tại: {local_url}", flush=True)
    print("Nhấn Ctrl+C để dừng.", flush=True)
    try:
        signal.signal(signal.SIGTERM, _stop)  # `kill` cleans up like Ctrl+C
    except ValueError:  # not the main thread (embedded use): leave signals alone
        logger.info("serving outside the main thread: SIGTERM keeps its default handling")
    try:
        app.block_thread()
    finally:
        app.close()
        shutil.rmtree(workdir, ignore_errors=True)
