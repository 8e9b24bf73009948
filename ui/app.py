"""The web app staffers use: Hỏi đáp (ask, with cited passages and the source document), Văn bản
(the corpus: list, upload, remove) and So sánh (one topic across periods, side by side). A thin layer over `qa.assistant.Assistant`: no retrieval here, only
calls to qa and conversion of its results to escaped HTML (ui/render.py).

Each tab is built by its own function and is one `with gr.Tab(...)` line in `build_app`.
"""
from __future__ import annotations

import logging
import os
import shutil
import sys
import tempfile
import time
import signal
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import gradio as gr

from qa.assistant import Assistant
from qa.config import SEEDS_DIR, Settings
from qa.errors import VanbanError
from qa.index.generations import IndexedDocument
from qa.search.retrieval import Filters
from ui import render
from ui.style import CSS
from ui.uploads import MAX_UPLOAD_BYTES, prepare_uploads

log = logging.getLogger("vanban.ui")

ASK_CONCURRENCY = 4
"""Questions answered at once (the embedder serialises its own calls; retrieval itself is light)."""
VIEW_CONCURRENCY = 8
"""Source views at once: reading a file, no model."""
INDEX_CONCURRENCY = 1
"""Uploads and removals one at a time, in their own group so a long indexing job never holds up questions."""
QUEUE_SIZE = 128

EXAMPLES = [
    "chỉ tiêu giao quân năm 2022",
    "Quý II/2022 Thành ủy chỉ đạo gì về nhà ở xã hội?",
    "Hội nghị lần thứ bảy Ban Chấp hành Đảng bộ quận khóa VI họp ngày nào?",
    "Báo cáo sơ kết giữa nhiệm kỳ rút ra những bài học kinh nghiệm gì?",
    "kim ngach xuat khau hai phong quy 1 nam 2021",
]
ALL = ""
"""The dropdown value meaning "no filter"."""
UNEXPECTED = ("Đã xảy ra lỗi không mong muốn khi xử lý yêu cầu. Hãy thử lại; nếu lỗi còn lặp lại, "
              "báo cho người quản trị hệ thống.")

THEME = gr.themes.Soft(
    primary_hue=gr.themes.colors.red,
    secondary_hue=gr.themes.colors.amber,
    neutral_hue=gr.themes.colors.slate,
    font=["system-ui", "-apple-system", "Segoe UI", "Roboto", "Noto Sans", "Helvetica Neue", "Arial",
          "sans-serif"],
    font_mono=["ui-monospace", "SFMono-Regular", "Menlo", "Consolas", "DejaVu Sans Mono", "monospace"],
).set(body_text_size="16px")


ANSWER_JS = """
element.addEventListener('click', (ev) => {
  const cite = ev.target.closest('.vb-cite');
  if (cite) {
    ev.preventDefault();
    const card = element.querySelector('#vb-card-' + cite.dataset.n);
    if (card) {
      card.scrollIntoView({behavior: 'smooth', block: 'center'});
      card.classList.remove('vb-flash'); void card.offsetWidth; card.classList.add('vb-flash');
    }
    return;
  }
  const open = ev.target.closest('.vb-open');
  if (open) {
    element.querySelectorAll('.vb-card.vb-active').forEach((c) => c.classList.remove('vb-active'));
    const card = open.closest('.vb-card');
    if (card) card.classList.add('vb-active');
    trigger('open_source', {n: Number(open.dataset.n)});
  }
});
"""

SOURCE_JS = """
const show = (tries) => {
  const box = element.querySelector('.vb-source-text');
  const mark = box && box.querySelector('mark.vb-cited');
  if (!mark) return;
  if (box.clientHeight === 0) { if (tries > 0) setTimeout(() => show(tries - 1), 50); return; }
  box.scrollTop = Math.max(0, mark.offsetTop - 32);
  const r = mark.getBoundingClientRect();
  if (r.top < 0 || r.bottom > window.innerHeight) {
    // the panel fits the screen: bring its top to the top of the window and the mark is in view
    const col = document.getElementById('vb-source-col') || element;
    window.scrollBy({top: col.getBoundingClientRect().top - 8, behavior: 'instant'});
  }
};
const soon = () => { requestAnimationFrame(() => show(40)); setTimeout(() => show(0), 700); };
watch('value', soon);
soon();
"""

COPY_JS = """
(md) => {
  const button = document.querySelector('#vb-copy');
  const done = () => {
    if (!button) return;
    const label = button.textContent;
    button.textContent = 'Đã sao chép ✓';
    setTimeout(() => { button.textContent = label; }, 1600);
  };
  const fallback = () => {
    const area = document.createElement('textarea');
    area.value = md || '';
    area.setAttribute('readonly', '');
    area.style.position = 'fixed'; area.style.opacity = '0';
    document.body.appendChild(area);
    area.select();
    try { document.execCommand('copy'); done(); } finally { area.remove(); }
  };
  if (navigator.clipboard && window.isSecureContext) {
    navigator.clipboard.writeText(md || '').then(done, fallback);
  } else {
    fallback();
  }
  return [];
}
"""

CONFIRM_REMOVE_JS = """
(doc) => {
  if (!doc) return [doc];
  const ok = confirm('Xóa văn bản "' + doc + '" khỏi chỉ mục? Văn bản sẽ không còn được tra cứu.');
  return [ok ? doc : null];
}
"""


# --------------------------------------------------------------------------------------------------------
# Choices shown in dropdowns, from the documents in the index
# --------------------------------------------------------------------------------------------------------

def _documents(assistant: Assistant) -> list[IndexedDocument]:
    try:
        return sorted(assistant.documents(), key=lambda d: d.id)
    except VanbanError:
        return []


def _year_choices(docs: list[IndexedDocument]) -> list[tuple[str, str]]:
    years = sorted({y for d in docs for y in d.metadata.years}, reverse=True)
    return [("Tất cả các năm", ALL)] + [(str(y), str(y)) for y in years]


def _type_choices(docs: list[IndexedDocument]) -> list[tuple[str, str]]:
    types = sorted({d.metadata.doc_type for d in docs if d.metadata.doc_type})
    return [("Tất cả các loại", ALL)] + [(t, t) for t in types]


def _doc_choices(docs: list[IndexedDocument],
                 all_label: str | None = "Tất cả văn bản") -> list[tuple[str, str]]:
    head = [(all_label, ALL)] if all_label else []
    return head + [(f"{render.short_title(d)} — {d.id}", d.id) for d in docs]


QUARTER_CHOICES = [("Cả năm / mọi quý", ALL), ("Quý I", "1"), ("Quý II", "2"), ("Quý III", "3"),
                   ("Quý IV", "4")]


def _keep(value: str | None, choices: list[tuple[str, str]]) -> str:
    return value if value in {v for _, v in choices} else ALL


def _filters(year: str | None, quarter: str | None, doc_type: str | None, doc: str | None) -> Filters | None:
    if not any((year, quarter, doc_type, doc)):
        return None
    return Filters(year=int(year) if year else None, quarter=int(quarter) if quarter else None,
                   doc=doc or None, doc_type=doc_type or None)


# --------------------------------------------------------------------------------------------------------
# Hỏi đáp
# --------------------------------------------------------------------------------------------------------

@dataclass
class AskTab:
    question: gr.Textbox
    year: gr.Dropdown
    quarter: gr.Dropdown
    doc_type: gr.Dropdown
    doc: gr.Dropdown
    answer: gr.HTML

    @property
    def filter_dropdowns(self) -> list[gr.Dropdown]:
        return [self.year, self.doc_type, self.doc]

    def refresh_filters(self, assistant: Assistant) -> Callable:
        return _refresh_filters(assistant)


def _refresh_filters(assistant: Assistant) -> Callable:
    """An event function: the filter dropdowns' choices (year, type, document) from the index now, keeping
    valid selections."""
    def refresh(year: str | None, doc_type: str | None, doc: str | None):
        docs = _documents(assistant)
        years, types, documents = _year_choices(docs), _type_choices(docs), _doc_choices(docs)
        return (gr.Dropdown(choices=years, value=_keep(year, years)),
                gr.Dropdown(choices=types, value=_keep(doc_type, types)),
                gr.Dropdown(choices=documents, value=_keep(doc, documents)))
    return refresh


def ask_tab(assistant: Assistant, export_dir: Path) -> AskTab:
    """Question box, examples, filters, the answer with its cited passages, and the source view."""
    docs = _documents(assistant)
    with gr.Row(equal_height=True, elem_id="vb-ask-row"):
        question = gr.Textbox(
            show_label=False, placeholder="Nhập câu hỏi, ví dụ: chỉ tiêu giao quân năm 2022 (Enter để hỏi)",
            lines=1, max_lines=3, max_length=10_000, scale=6, autofocus=True, elem_id="vb-question",
            container=False)
        ask_button = gr.Button("Hỏi", variant="primary", scale=0, min_width=110, elem_id="vb-ask")
    with gr.Row(elem_id="vb-examples"):
        chips = [gr.Button(q, size="sm", variant="secondary", scale=0, min_width=0, elem_classes="vb-chip")
                 for q in EXAMPLES]
    with gr.Accordion("Bộ lọc và tùy chọn", open=False, elem_id="vb-filters"):
        with gr.Row():
            years = _year_choices(docs)
            year = gr.Dropdown(years, value=ALL, label="Năm", min_width=140)
            quarter = gr.Dropdown(QUARTER_CHOICES, value=ALL, label="Quý", min_width=140)
            types = _type_choices(docs)
            doc_type = gr.Dropdown(types, value=ALL, label="Loại văn bản", min_width=160)
        with gr.Row():
            documents = _doc_choices(docs)
            doc = gr.Dropdown(documents, value=ALL, label="Văn bản", scale=3, min_width=240)
            top_k = gr.Slider(1, 10, value=assistant.settings.top_k, step=1, label="Số đoạn trích dẫn",
                              scale=1, min_width=180)

    record = gr.State(None)
    with gr.Row(elem_id="vb-result-row"):
        with gr.Column(scale=3, min_width=320, elem_id="vb-main-col"):
            with gr.Row(elem_id="vb-export", visible=False) as export_row:  # shown with an answer
                copy_button = gr.Button("Sao chép câu trả lời kèm trích dẫn", size="sm", elem_id="vb-copy",
                                        scale=0, min_width=0)
                download = gr.DownloadButton("Tải về (.md)", size="sm", elem_id="vb-download", scale=0,
                                             min_width=0)
            answer = gr.HTML(partial(_welcome, assistant), js_on_load=ANSWER_JS, elem_id="vb-answer",
                             min_height=120)
            markdown = gr.Textbox(visible="hidden", elem_id="vb-markdown")
        source_col, close, source = _source_panel("vb")

    def run(question_text: str, year_v: str, quarter_v: str, type_v: str, doc_v: str, k: float):
        hidden = (None, "", gr.Row(visible=False), gr.DownloadButton(value=None), gr.Column(visible=False),
                  "")
        try:
            answer_ = assistant.ask(question_text or "", int(k), _filters(year_v, quarter_v, type_v, doc_v))
        except VanbanError as exc:
            return (render.message_html(exc.vi), *hidden)
        except Exception:  # noqa: BLE001 - the edge: log it, never show a traceback
            log.exception("ask failed: %r", question_text)
            return (render.message_html(UNEXPECTED), *hidden)
        rec = render.answer_record(answer_)
        md = render.answer_markdown(rec)
        return (render.answer_html(rec), rec, md, gr.Row(visible=True),
                gr.DownloadButton(value=_write_export(export_dir, md)), gr.Column(visible=False), "")

    inputs = [question, year, quarter, doc_type, doc, top_k]
    outputs = [answer, record, markdown, export_row, download, source_col, source]
    _wire_query(question, ask_button, zip(chips, EXAMPLES), run, inputs, outputs, "ask", answer)

    _wire_source(assistant, answer, record, source_col, close, source)
    copy_button.click(None, [markdown], None, js=COPY_JS)
    return AskTab(question, year, quarter, doc_type, doc, answer)


def _source_panel(prefix: str) -> tuple[gr.Column, gr.Button, gr.HTML]:
    """The side panel with the whole document ("Xem trong văn bản"), hidden until a card asks for it.
    Ids are `{prefix}-source-col`, `{prefix}-source-close`, `{prefix}-source` (one panel per tab)."""
    with gr.Column(scale=2, min_width=320, visible=False, elem_id=f"{prefix}-source-col",
                   elem_classes="vb-source-col") as source_col:
        with gr.Row(elem_classes="vb-source-bar"):
            gr.HTML('<div class="vb-source-label">Văn bản gốc</div>', js_on_load=None)
            close = gr.Button("✕ Đóng", size="sm", scale=0, min_width=0, elem_id=f"{prefix}-source-close",
                              elem_classes="vb-source-close")
        source = gr.HTML("", js_on_load=SOURCE_JS.replace("'vb-source-col'", f"'{prefix}-source-col'"),
                         elem_id=f"{prefix}-source")
    return source_col, close, source


def _wire_source(assistant: Assistant, html: gr.HTML, record: gr.State, source_col: gr.Column,
                 close: gr.Button, source: gr.HTML) -> None:
    """A card's "Xem trong văn bản" (ANSWER_JS triggers open_source with its n) opens the panel on the
    passage of `record["passages"]` with that n."""
    def open_source(rec: dict | None, evt: gr.EventData):
        try:
            n = int(getattr(evt, "n", 0))
            passage = next(p for p in (rec or {}).get("passages", []) if p["n"] == n)
        except (StopIteration, TypeError, ValueError):
            return gr.skip(), gr.skip()
        try:
            index = assistant.index
            raw = index.raw_text(passage["doc"]) if passage["chunk_id"] in index.position else ""
        except VanbanError as exc:
            return render.message_html(exc.vi), gr.Column(visible=True)
        return render.source_html(passage, raw), gr.Column(visible=True)

    html.open_source(open_source, [record], [source, source_col], concurrency_id="view",
                     concurrency_limit=VIEW_CONCURRENCY, show_progress="hidden", api_visibility="private")
    close.click(lambda: gr.Column(visible=False), None, source_col, queue=False, api_visibility="private")


def _welcome(assistant: Assistant) -> str:
    docs = _documents(assistant)
    return render.welcome_html(len(docs), sum(d.chunks for d in docs))


def _wire_query(box, button, chips, run, inputs, outputs, api_name: str, result) -> None:
    """Enter in the box, the button, and each example chip all run the same query, in the questions'
    concurrency group (indexing runs in its own, so it never blocks them)."""
    options = dict(concurrency_id="ask", concurrency_limit=ASK_CONCURRENCY, show_progress="minimal",
                   show_progress_on=[result])
    box.submit(run, inputs, outputs, api_name=api_name, **options)
    button.click(run, inputs, outputs, api_visibility="private", **options)
    for chip, text in chips:
        chip.click(_constant(text), None, box, queue=False, api_visibility="private").then(
            run, inputs, outputs, api_visibility="private", **options)


def _constant(value: str) -> Callable[[], str]:
    return lambda: value


def _write_export(export_dir: Path, markdown: str, prefix: str = "tra-loi") -> str:
    """The Markdown in a fresh file of the app's own temporary directory (older exports are pruned)."""
    export_dir.mkdir(parents=True, exist_ok=True)
    cutoff = time.time() - 3600
    for old in export_dir.glob("*/*.md"):
        try:
            if old.stat().st_mtime < cutoff:
                shutil.rmtree(old.parent, ignore_errors=True)
        except OSError:
            pass
    folder = export_dir / uuid.uuid4().hex
    folder.mkdir()
    path = folder / f"{prefix}-{time.strftime('%Y%m%d-%H%M%S')}.md"
    path.write_text(markdown, encoding="utf-8")
    return str(path)


# --------------------------------------------------------------------------------------------------------
# So sánh
# --------------------------------------------------------------------------------------------------------

COMPARE_EXAMPLES = [
    "So sánh nhiệm vụ trọng tâm quý II năm 2021, 2022 và 2023 về giải ngân vốn đầu tư công",
    "Chỉ tiêu giao quân qua các năm",
    "Tai nạn giao thông quý I 2021 so với quý I 2022",
]
BY_CHOICES = [("Tự động", ALL), ("Năm", "year"), ("Quý", "quarter"), ("Văn bản", "document")]


@dataclass
class CompareTab:
    topic: gr.Textbox
    year: gr.Dropdown
    doc_type: gr.Dropdown
    doc: gr.Dropdown
    result: gr.HTML

    @property
    def filter_dropdowns(self) -> list[gr.Dropdown]:
        return [self.year, self.doc_type, self.doc]


def compare_tab(assistant: Assistant, export_dir: Path) -> CompareTab:
    """One topic across periods: a table of the periods in time order, then each period's passage cards."""
    docs = _documents(assistant)
    with gr.Row(equal_height=True, elem_id="vb-cmp-row"):
        topic = gr.Textbox(
            show_label=False, placeholder="Nội dung cần so sánh, ví dụ: chỉ tiêu giao quân qua các năm "
                                          "(Enter để so sánh)",
            lines=1, max_lines=3, max_length=10_000, scale=6, elem_id="vb-cmp-topic", container=False)
        compare_button = gr.Button("So sánh", variant="primary", scale=0, min_width=110, elem_id="vb-cmp-go")
    with gr.Row(elem_id="vb-cmp-examples", elem_classes="vb-examples"):
        chips = [gr.Button(q, size="sm", variant="secondary", scale=0, min_width=0, elem_classes="vb-chip")
                 for q in COMPARE_EXAMPLES]
    with gr.Accordion("Cách so sánh và bộ lọc", open=False, elem_id="vb-cmp-filters"):
        by = gr.Radio(BY_CHOICES, value=ALL, label="Theo", elem_id="vb-cmp-by",
                      info="Tự động: theo các kỳ nêu trong câu, nếu không thì theo năm.")
        with gr.Row():
            years = _year_choices(docs)
            year = gr.Dropdown(years, value=ALL, label="Năm", min_width=140)
            quarter = gr.Dropdown(QUARTER_CHOICES, value=ALL, label="Quý", min_width=140)
            types = _type_choices(docs)
            doc_type = gr.Dropdown(types, value=ALL, label="Loại văn bản", min_width=160)
            doc = gr.Dropdown(_doc_choices(docs), value=ALL, label="Văn bản", scale=2, min_width=240)

    record = gr.State(None)
    with gr.Row(elem_id="vb-cmp-result-row"):
        with gr.Column(scale=3, min_width=320, elem_id="vb-cmp-main-col"):
            with gr.Row(elem_id="vb-cmp-export", elem_classes="vb-export", visible=False) as export_row:
                download = gr.DownloadButton("Tải về (.md)", size="sm", elem_id="vb-cmp-download", scale=0,
                                             min_width=0)
            result = gr.HTML(
                '<section class="vb-welcome"><p><b>So sánh một nội dung qua các kỳ</b> — quý, năm hoặc từng '
                "văn bản. Mỗi kỳ có số liệu chính và câu tiêu biểu kèm trích dẫn [n]; kỳ không có đoạn nào "
                "nói về nội dung này được ghi rõ <i>không đề cập</i>.</p></section>",
                js_on_load=ANSWER_JS, elem_id="vb-compare", min_height=120)
        source_col, close, source = _source_panel("vb-cmp")

    def run(topic_text: str, by_v: str, year_v: str, quarter_v: str, type_v: str, doc_v: str):
        hidden = (None, gr.Row(visible=False), gr.DownloadButton(value=None), gr.Column(visible=False), "")
        try:
            comparison = assistant.compare(topic_text or "", by=by_v or None,
                                           filters=_filters(year_v, quarter_v, type_v, doc_v))
        except VanbanError as exc:
            return (render.message_html(exc.vi), *hidden)
        except Exception:  # noqa: BLE001 - the edge: log it, never show a traceback
            log.exception("compare failed: %r", topic_text)
            return (render.message_html(UNEXPECTED), *hidden)
        rec = render.comparison_record(comparison)
        md = f"## So sánh văn bản\n\n**Câu hỏi:** {topic_text.strip()}\n\n{rec['markdown']}\n"
        return (render.comparison_html(rec), rec, gr.Row(visible=bool(comparison.groups)),
                gr.DownloadButton(value=_write_export(export_dir, md, "so-sanh")), gr.Column(visible=False), "")

    inputs = [topic, by, year, quarter, doc_type, doc]
    outputs = [result, record, export_row, download, source_col, source]
    _wire_query(topic, compare_button, zip(chips, COMPARE_EXAMPLES), run, inputs, outputs, "compare", result)
    _wire_source(assistant, result, record, source_col, close, source)
    return CompareTab(topic, year, doc_type, doc, result)


# --------------------------------------------------------------------------------------------------------
# Văn bản
# --------------------------------------------------------------------------------------------------------

@dataclass
class DocumentsTab:
    table: gr.Dataframe
    summary: gr.HTML
    to_remove: gr.Dropdown
    changed: list
    """Events after which the set of documents may differ (uploads, removals): other tabs chain on them."""

    def refresh(self, assistant: Assistant) -> Callable:
        def refresh(selected: str | None):
            docs = _documents(assistant)
            choices = _doc_choices(docs, all_label=None)
            keep = selected if selected in {v for _, v in choices} else None
            return render.document_rows(docs), _summary_html(docs), gr.Dropdown(choices=choices, value=keep)
        return refresh


def _summary_html(docs: list[IndexedDocument]) -> str:
    chunks = sum(d.chunks for d in docs)
    return (f'<div class="vb-summary"><b>{len(docs)}</b> văn bản · <b>{chunks}</b> đoạn trong chỉ mục</div>'
            if docs else '<div class="vb-summary">Chỉ mục chưa có văn bản nào.</div>')


def documents_tab(assistant: Assistant) -> DocumentsTab:
    """The corpus as a table; upload (.txt/.md) with progress; remove a document."""
    docs = _documents(assistant)
    limit_mb = MAX_UPLOAD_BYTES // (1024 * 1024)
    with gr.Row(equal_height=False, elem_id="vb-docs-top"):
        with gr.Column(scale=3, min_width=300):
            summary = gr.HTML(lambda: _summary_html(_documents(assistant)), js_on_load=None)
            gr.HTML(f'<p class="vb-subtle vb-docs-help">Tải thêm văn bản dạng <b>.txt</b>, <b>.md</b>, <b>.pdf</b> '
                    f"(có chữ hoặc bản quét), <b>.docx</b> hoặc ảnh quét (tối đa {limit_mb} MB mỗi tệp; "
                    "mã UTF-8, TCVN3 hoặc VNI). Văn bản được lập chỉ mục ngay và có thể hỏi "
                    "đáp khi xong; tệp trùng nội dung với văn bản đã có sẽ được báo và bỏ qua.</p>",
                    js_on_load=None)
        with gr.Column(scale=1, min_width=220, elem_id="vb-upload-col"):
            # No file_types: Gradio would refuse other files in English; ours says why in Vietnamese.
            upload = gr.UploadButton("Tải văn bản lên", file_count="multiple", variant="primary",
                                     elem_id="vb-upload", icon=None)
    status = gr.HTML("", js_on_load=None, elem_id="vb-upload-status", min_height=10)
    table = gr.Dataframe(lambda: render.document_rows(_documents(assistant)), headers=render.TABLE_HEADERS,
                         datatype=["str", "str", "str", "str", "str", "str", "number"], interactive=False,
                         wrap=True, elem_id="vb-docs-table", max_height=560, show_label=False, buttons=[],
                         column_widths=["19%", "37%", "9%", "10%", "9%", "10%", "6%"])
    with gr.Accordion("Xóa văn bản khỏi chỉ mục", open=False, elem_id="vb-remove"):
        with gr.Row(equal_height=True):
            to_remove = gr.Dropdown(_doc_choices(docs, all_label=None), value=None, label="Văn bản cần xóa",
                                    scale=4, min_width=240, elem_id="vb-remove-choice")
            remove_button = gr.Button("Xóa khỏi chỉ mục", variant="stop", scale=1, min_width=150,
                                      elem_id="vb-remove-button")

    def add(files: list[str] | None, progress=gr.Progress()):
        if not files:
            return gr.skip(), gr.skip(), gr.skip(), gr.skip()
        prepared = prepare_uploads(files)
        report = None
        errors = list(prepared.errors)
        if prepared.documents:
            def on_progress(stage: str, done: int, total: int) -> None:
                if stage == "chunk" and done < total:
                    progress(0.1 * done / total, desc=f"Tách đoạn: {done}/{total} văn bản")
                elif stage == "chunk":  # embedding starts now; its own reports come per batch
                    progress(0.1, desc=f"Mã hóa các đoạn mới ({total} văn bản)…")
                else:
                    progress(0.1 + 0.9 * done / max(total, 1), desc=f"Mã hóa: {done}/{total} đoạn")
            progress(0, desc="Đang đọc văn bản…")
            try:
                report = assistant.build(documents=prepared.documents, progress=on_progress)
            except VanbanError as exc:
                errors.append(("", exc.vi))
            except Exception:  # noqa: BLE001 - the edge: log it, never show a traceback
                log.exception("indexing uploads failed")
                errors.append(("", "Lập chỉ mục không thành công; chỉ mục cũ vẫn được giữ nguyên. "
                                   "Hãy thử lại hoặc báo cho người quản trị."))
        docs_now = _documents(assistant)
        chunks = {d.id: d.chunks for d in docs_now}
        choices = _doc_choices(docs_now, all_label=None)
        return (render.upload_status_html(errors, report, chunks), render.document_rows(docs_now),
                _summary_html(docs_now), gr.Dropdown(choices=choices))

    def remove(doc_id: str | None):
        if not doc_id:
            return gr.skip(), gr.skip(), gr.skip(), gr.skip()
        try:
            report = assistant.build(remove=[doc_id])
        except VanbanError as exc:
            return render.status_error_html(exc.vi), gr.skip(), gr.skip(), gr.skip()
        except Exception:  # noqa: BLE001
            log.exception("removing %r failed", doc_id)
            return render.status_error_html(UNEXPECTED), gr.skip(), gr.skip(), gr.skip()
        docs_now = _documents(assistant)
        return (render.removal_status_html(doc_id, report.documents, report.chunks),
                render.document_rows(docs_now), _summary_html(docs_now),
                gr.Dropdown(choices=_doc_choices(docs_now, all_label=None), value=None))

    index_options = dict(concurrency_id="index", concurrency_limit=INDEX_CONCURRENCY,
                         api_visibility="private")
    uploaded = upload.upload(add, [upload], [status, table, summary, to_remove], show_progress="full",
                             show_progress_on=[status], **index_options)
    removed = remove_button.click(remove, [to_remove], [status, table, summary, to_remove],
                                  js=CONFIRM_REMOVE_JS, **index_options)
    return DocumentsTab(table, summary, to_remove, [uploaded, removed])


# --------------------------------------------------------------------------------------------------------
# The app
# --------------------------------------------------------------------------------------------------------

HEADER = """
<header class="vb-header">
  <div class="vb-kicker">Văn bản Đảng, chính quyền · Hải Phòng</div>
  <h1>Hỏi đáp văn bản</h1>
  <p>Tra cứu nghị quyết, kết luận, báo cáo bằng câu hỏi thường ngày. Câu trả lời trích nguyên văn, có nguồn
  chính xác đến từng đoạn.</p>
</header>
"""


def build_app(assistant: Assistant, *, export_dir: Path | None = None) -> gr.Blocks:
    """The Blocks app over one Assistant (shared by every browser session)."""
    export_dir = export_dir or Path(tempfile.mkdtemp(prefix="vanban-export-"))
    with gr.Blocks(title="Hỏi đáp văn bản — Hải Phòng", analytics_enabled=False,
                   delete_cache=(3600, 7200)) as app:
        gr.HTML(HEADER, js_on_load=None)
        with gr.Tabs(elem_id="vb-tabs"):
            with gr.Tab("Hỏi đáp", id="ask", elem_id="vb-tab-ask") as ask_tab_item:
                ask = ask_tab(assistant, export_dir)
            with gr.Tab("Văn bản", id="documents", elem_id="vb-tab-documents") as docs_tab_item:
                documents = documents_tab(assistant)
            with gr.Tab("So sánh", id="compare", elem_id="vb-tab-compare") as compare_tab_item:
                compare = compare_tab(assistant, export_dir)

        refresh_filters = ask.refresh_filters(assistant)
        filter_io = dict(inputs=ask.filter_dropdowns, outputs=ask.filter_dropdowns, queue=False,
                         show_progress="hidden", api_visibility="private")
        for event in documents.changed:
            event.then(refresh_filters, **filter_io)
        ask_tab_item.select(refresh_filters, **filter_io)
        app.load(refresh_filters, **filter_io)
        compare_io = dict(filter_io, inputs=compare.filter_dropdowns, outputs=compare.filter_dropdowns)
        compare_tab_item.select(_refresh_filters(assistant), **compare_io)
        refresh_docs = documents.refresh(assistant)
        docs_tab_item.select(refresh_docs, [documents.to_remove],
                             [documents.table, documents.summary, documents.to_remove],
                             queue=False, show_progress="hidden", api_visibility="private")
    return app


def _console_progress(stage: str, done: int, total: int) -> None:
    label = {"chunk": "Tách đoạn", "embed": "Mã hóa"}.get(stage, stage)
    end = "\n" if done >= total else ""
    print(f"\r  {label}: {done}/{total}", end=end, file=sys.stderr, flush=True)


def _stop(signum: int, frame: object) -> None:
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
        pass
    try:
        app.block_thread()
    finally:
        app.close()
        shutil.rmtree(workdir, ignore_errors=True)
