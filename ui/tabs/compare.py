"""The So sánh tab: one topic across periods (years, quarters, or document by document), a table of the
periods in time order, then each period's passage cards, and the comparison as a Markdown download."""
from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import gradio as gr

from qa.errors import VanbanError
from ui import corpus, render
from ui.tabs.common import ANSWER_JS, UNEXPECTED, source_panel, wire_query, wire_source, write_export

if TYPE_CHECKING:
    from qa.assistant import Assistant

logger = logging.getLogger(__name__)

BY_CHOICES = [("Tự động", corpus.ALL), ("Năm", "year"), ("Quý", "quarter"), ("Văn bản", "document")]
"""How to group the passages; "Tự động" lets qa choose (the periods the topic names, else years)."""
COMPARE_WELCOME = (
    '<section class="vb-welcome"><p><b>So sánh một nội dung qua các kỳ</b> — quý, năm hoặc từng '
    "văn bản. Mỗi kỳ có số liệu chính và câu tiêu biểu kèm trích dẫn [n]; kỳ không có đoạn nào "
    "nói về nội dung này được ghi rõ <i>không đề cập</i>.</p></section>")
"""The result area before the first comparison: what a comparison shows."""


@dataclass
class CompareTab:
    """The components other tabs' events update (the filters follow the corpus)."""

    topic: gr.Textbox
    year: gr.Dropdown
    doc_type: gr.Dropdown
    doc: gr.Dropdown
    result: gr.HTML

    @property
    def filter_dropdowns(self) -> list[gr.Dropdown]:
        """The dropdowns whose choices come from the corpus (`common.refresh_filters`' inputs and outputs)."""
        return [self.year, self.doc_type, self.doc]


def compare_tab(assistant: Assistant, export_dir: Path) -> CompareTab:
    """One topic across periods: a table of the periods in time order, then each period's passage cards."""
    docs = corpus.indexed_documents(assistant)
    with gr.Row(equal_height=True, elem_id="vb-cmp-row"):
        topic = gr.Textbox(
            show_label=False, placeholder="Nội dung cần so sánh, ví dụ: chỉ tiêu giao quân qua các năm "
                                          "(Enter để so sánh)",
            lines=1, max_lines=3, max_length=10_000, scale=6, elem_id="vb-cmp-topic", container=False)
        compare_button = gr.Button("So sánh", variant="primary", scale=0, min_width=110, elem_id="vb-cmp-go")
    with gr.Row(elem_id="vb-cmp-examples", elem_classes="vb-examples"):
        chips = [gr.Button(q, size="sm", variant="secondary", scale=0, min_width=0, elem_classes="vb-chip")
                 for q in assistant.profile.compare_examples]
    with gr.Accordion("Cách so sánh và bộ lọc", open=False, elem_id="vb-cmp-filters"):
        by = gr.Radio(BY_CHOICES, value=corpus.ALL, label="Theo", elem_id="vb-cmp-by",
                      info="Tự động: theo các kỳ nêu trong câu, nếu không thì theo năm.")
        with gr.Row():
            year = gr.Dropdown(corpus.year_choices(docs), value=corpus.ALL, label="Năm", min_width=140)
            quarter = gr.Dropdown(corpus.QUARTER_CHOICES, value=corpus.ALL, label="Quý", min_width=140)
            doc_type = gr.Dropdown(corpus.type_choices(docs), value=corpus.ALL, label="Loại văn bản",
                                   min_width=160)
            doc = gr.Dropdown(corpus.doc_choices(docs), value=corpus.ALL, label="Văn bản", scale=2,
                              min_width=240)

    record = gr.State(None)
    with gr.Row(elem_id="vb-cmp-result-row"):
        with gr.Column(scale=3, min_width=320, elem_id="vb-cmp-main-col"):
            with gr.Row(elem_id="vb-cmp-export", elem_classes="vb-export", visible=False) as export_row:
                download = gr.DownloadButton("Tải về (.md)", size="sm", elem_id="vb-cmp-download", scale=0,
                                             min_width=0)
            result = gr.HTML(COMPARE_WELCOME, js_on_load=ANSWER_JS, elem_id="vb-compare", min_height=120)
        source_col, close, source = source_panel("vb-cmp")

    def run(topic_text: str, by_v: str, year_v: str, quarter_v: str, type_v: str, doc_v: str) -> tuple:
        """The comparison and its record, the download shown when there are periods; on an error, the
        message alone."""
        hidden = (None, gr.Row(visible=False), gr.DownloadButton(value=None), gr.Column(visible=False), "")
        try:
            comparison = assistant.compare(topic_text or "", by=by_v or None,
                                           filters=corpus.filters(year_v, quarter_v, type_v, doc_v))
        except VanbanError as exc:
            return (render.message_html(exc.vi), *hidden)
        except Exception:  # noqa: BLE001 - the edge: log it, never show a traceback
            logger.exception("compare failed: %r", topic_text)
            return (render.message_html(UNEXPECTED), *hidden)
        rec = render.comparison_record(comparison)
        md = render.comparison_markdown(rec, topic_text)
        return (render.comparison_html(rec), rec, gr.Row(visible=bool(comparison.groups)),
                gr.DownloadButton(value=write_export(export_dir, md, "so-sanh")), gr.Column(visible=False),
                "")

    inputs = [topic, by, year, quarter, doc_type, doc]
    outputs = [result, record, export_row, download, source_col, source]
    wire_query(topic, compare_button, zip(chips, assistant.profile.compare_examples), run, inputs, outputs,
               "compare", result)
    wire_source(assistant, result, record, source_col, close, source)
    return CompareTab(topic, year, doc_type, doc, result)
