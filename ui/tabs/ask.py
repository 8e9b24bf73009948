"""The Hỏi đáp tab: a question (typed or an example chip), optional filters, the answer with its cited
passages, the document at a passage, and the answer exported (copied or downloaded as Markdown)."""
from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

import gradio as gr

from qa.errors import VanbanError
from ui import corpus, render
from ui.markup import escape_html
from ui.static import read_asset
from ui.tabs.common import ANSWER_JS, UNEXPECTED, source_panel, wire_query, wire_source, write_export

if TYPE_CHECKING:
    from qa.assistant import Assistant

logger = logging.getLogger(__name__)

COPY_JS = read_asset("copy.js")
"""Copies the answer's Markdown in the browser (the clipboard is the browser's, not the server's)."""


@dataclass
class AskTab:
    """The components other tabs' events update (the filters follow the corpus)."""

    question: gr.Textbox
    year: gr.Dropdown
    quarter: gr.Dropdown
    doc_type: gr.Dropdown
    doc: gr.Dropdown
    answer: gr.HTML

    @property
    def filter_dropdowns(self) -> list[gr.Dropdown]:
        """The dropdowns whose choices come from the corpus (`common.refresh_filters`' inputs and outputs)."""
        return [self.year, self.doc_type, self.doc]


def welcome_html(assistant: Assistant) -> str:
    """The answer area before the first question: what can be asked, what an answer looks like, and how many
    documents are searched (so an empty or partial index is visible at once)."""
    docs = corpus.indexed_documents(assistant)
    return (
        '<section class="vb-welcome">'
        f"<p><b>Đặt câu hỏi về nội dung các văn bản</b> — {escape_html(assistant.profile.documents)}. "
        "Có thể gõ có dấu hoặc không dấu.</p>"
        "<p>Câu trả lời được trích <b>nguyên văn</b> từ văn bản, kèm số hiệu, ngày, mục và vị trí chính xác; "
        "bấm <b>Xem trong văn bản</b> để đọc đoạn trích trong toàn văn. Khi văn bản không có câu trả lời, "
        "hệ thống nói rõ điều đó.</p>"
        f'<p class="vb-subtle">Đang tra cứu {len(docs)} văn bản ({sum(d.chunks for d in docs)} đoạn).</p>'
        "</section>"
    )


def ask_tab(assistant: Assistant, export_dir: Path) -> AskTab:
    """Question box, examples, filters, the answer with its cited passages, and the source view."""
    docs = corpus.indexed_documents(assistant)
    with gr.Row(equal_height=True, elem_id="vb-ask-row"):
        question = gr.Textbox(
            show_label=False, placeholder="Nhập câu hỏi, ví dụ: chỉ tiêu giao quân năm 2022 (Enter để hỏi)",
            lines=1, max_lines=3, max_length=10_000, scale=6, autofocus=True, elem_id="vb-question",
            container=False)
        ask_button = gr.Button("Hỏi", variant="primary", scale=0, min_width=110, elem_id="vb-ask")
    with gr.Row(elem_id="vb-examples"):
        chips = [gr.Button(q, size="sm", variant="secondary", scale=0, min_width=0, elem_classes="vb-chip")
                 for q in assistant.profile.ask_examples]
    with gr.Accordion("Bộ lọc và tùy chọn", open=False, elem_id="vb-filters"):
        with gr.Row():
            year = gr.Dropdown(corpus.year_choices(docs), value=corpus.ALL, label="Năm", min_width=140)
            quarter = gr.Dropdown(corpus.QUARTER_CHOICES, value=corpus.ALL, label="Quý", min_width=140)
            doc_type = gr.Dropdown(corpus.type_choices(docs), value=corpus.ALL, label="Loại văn bản",
                                   min_width=160)
        with gr.Row():
            doc = gr.Dropdown(corpus.doc_choices(docs), value=corpus.ALL, label="Văn bản", scale=3,
                              min_width=240)
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
            answer = gr.HTML(partial(welcome_html, assistant), js_on_load=ANSWER_JS, elem_id="vb-answer",
                             min_height=120)
            markdown = gr.Textbox(visible="hidden", elem_id="vb-markdown")
        source_col, close, source = source_panel("vb")

    def run(question_text: str, year_v: str, quarter_v: str, type_v: str, doc_v: str, k: float) -> tuple:
        """The answer, its record and Markdown, the export buttons shown; on an error, the message alone."""
        hidden = (None, "", gr.Row(visible=False), gr.DownloadButton(value=None), gr.Column(visible=False),
                  "")
        try:
            answer_ = assistant.ask(question_text or "", int(k),
                                    corpus.filters(year_v, quarter_v, type_v, doc_v))
        except VanbanError as exc:
            return (render.message_html(exc.vi), *hidden)
        except Exception:  # noqa: BLE001 - the edge: log it, never show a traceback
            logger.exception("ask failed: %r", question_text)
            return (render.message_html(UNEXPECTED), *hidden)
        rec = render.answer_record(answer_)
        md = render.answer_markdown(rec)
        return (render.answer_html(rec), rec, md, gr.Row(visible=True),
                gr.DownloadButton(value=write_export(export_dir, md)), gr.Column(visible=False), "")

    inputs = [question, year, quarter, doc_type, doc, top_k]
    outputs = [answer, record, markdown, export_row, download, source_col, source]
    wire_query(question, ask_button, zip(chips, assistant.profile.ask_examples), run, inputs, outputs, "ask",
               answer)

    wire_source(assistant, answer, record, source_col, close, source)
    copy_button.click(None, [markdown], None, js=COPY_JS)
    return AskTab(question, year, quarter, doc_type, doc, answer)
