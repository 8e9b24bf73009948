"""The Văn bản tab: the corpus as a table, uploads indexed on the spot (with progress and a per-file report),
and removal of a document from the index.

Uploads and removals run in their own concurrency group, one at a time, so indexing never holds up questions;
`DocumentsTab.changed` lets the app refresh the other tabs' filters after them.
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import gradio as gr

from qa.errors import VanbanError
from ui import corpus
from ui.static import read_asset
from ui.tabs.common import INDEX_CONCURRENCY, UNEXPECTED
from ui.uploads import MAX_UPLOAD_BYTES, prepare_uploads

if TYPE_CHECKING:
    from qa.assistant import Assistant
    from qa.index.builder import IndexReport

logger = logging.getLogger(__name__)

CONFIRM_REMOVE_JS = read_asset("confirm_remove.js")
"""Asks the browser to confirm a removal; a refusal sends no document, and the removal does nothing."""
INDEX_FAILED = ("Lập chỉ mục không thành công; chỉ mục cũ vẫn được giữ nguyên. "
                "Hãy thử lại hoặc báo cho người quản trị.")


@dataclass
class DocumentsTab:
    """The components the app refreshes when the tab is opened, and the events that change the corpus."""

    table: gr.Dataframe
    summary: gr.HTML
    to_remove: gr.Dropdown
    changed: list
    """Events after which the set of documents may differ (uploads, removals): other tabs chain on them."""

    def refresh(self, assistant: Assistant) -> Callable[[str | None], tuple]:
        """An event function: table, summary and removal choices from the index now (another staffer may
        have changed it), keeping the chosen document if it is still there."""
        def refresh(selected: str | None) -> tuple:
            docs = corpus.indexed_documents(assistant)
            choices = corpus.doc_choices(docs, all_label=None)
            keep = selected if selected in {v for _, v in choices} else None
            return (corpus.document_rows(docs), corpus.summary_html(docs),
                    gr.Dropdown(choices=choices, value=keep))
        return refresh


def documents_tab(assistant: Assistant) -> DocumentsTab:
    """The corpus as a table; upload (.txt/.md/.pdf/.docx/scans) with progress; remove a document."""
    docs = corpus.indexed_documents(assistant)
    limit_mb = MAX_UPLOAD_BYTES // (1024 * 1024)
    with gr.Row(equal_height=False, elem_id="vb-docs-top"):
        with gr.Column(scale=3, min_width=300):
            summary = gr.HTML(lambda: corpus.summary_html(corpus.indexed_documents(assistant)),
                              js_on_load=None)
            gr.HTML('<p class="vb-subtle vb-docs-help">Tải thêm văn bản dạng <b>.txt</b>, <b>.md</b>, '
                    f"<b>.pdf</b> (có chữ hoặc bản quét), <b>.docx</b> hoặc ảnh quét (tối đa {limit_mb} MB "
                    "mỗi tệp; mã UTF-8, TCVN3 hoặc VNI). Văn bản được lập chỉ mục ngay và có thể hỏi "
                    "đáp khi xong; tệp trùng nội dung với văn bản đã có sẽ được báo và bỏ qua.</p>",
                    js_on_load=None)
        with gr.Column(scale=1, min_width=220, elem_id="vb-upload-col"):
            # No file_types: Gradio would refuse other files in English; ours says why in Vietnamese.
            upload = gr.UploadButton("Tải văn bản lên", file_count="multiple", variant="primary",
                                     elem_id="vb-upload", icon=None)
    status = gr.HTML("", js_on_load=None, elem_id="vb-upload-status", min_height=10)
    table = gr.Dataframe(lambda: corpus.document_rows(corpus.indexed_documents(assistant)),
                         headers=corpus.TABLE_HEADERS,
                         datatype=["str", "str", "str", "str", "str", "str", "number"], interactive=False,
                         wrap=True, elem_id="vb-docs-table", max_height=560, show_label=False, buttons=[],
                         column_widths=["19%", "37%", "9%", "10%", "9%", "10%", "6%"])
    with gr.Accordion("Xóa văn bản khỏi chỉ mục", open=False, elem_id="vb-remove"):
        with gr.Row(equal_height=True):
            to_remove = gr.Dropdown(corpus.doc_choices(docs, all_label=None), value=None,
                                    label="Văn bản cần xóa", scale=4, min_width=240,
                                    elem_id="vb-remove-choice")
            remove_button = gr.Button("Xóa khỏi chỉ mục", variant="stop", scale=1, min_width=150,
                                      elem_id="vb-remove-button")

    def add(files: list[str] | None, progress: gr.Progress = gr.Progress()) -> tuple:
        """Index the uploaded files; the per-file report, and the table, summary and choices after it."""
        if not files:
            return gr.skip(), gr.skip(), gr.skip(), gr.skip()
        prepared = prepare_uploads(files)
        report: IndexReport | None = None
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
                logger.exception("indexing uploads failed")
                errors.append(("", INDEX_FAILED))
        docs_now = corpus.indexed_documents(assistant)
        chunks = {d.id: d.chunks for d in docs_now}
        choices = corpus.doc_choices(docs_now, all_label=None)
        return (corpus.upload_status_html(errors, report, chunks), corpus.document_rows(docs_now),
                corpus.summary_html(docs_now), gr.Dropdown(choices=choices))

    def remove(doc_id: str | None) -> tuple:
        """Remove the document from the index; the status, and the table, summary and choices after it."""
        if not doc_id:
            return gr.skip(), gr.skip(), gr.skip(), gr.skip()
        try:
            report = assistant.build(remove=[doc_id])
        except VanbanError as exc:
            return corpus.status_error_html(exc.vi), gr.skip(), gr.skip(), gr.skip()
        except Exception:  # noqa: BLE001 - the edge: log it, never show a traceback
            logger.exception("removing %r failed", doc_id)
            return corpus.status_error_html(UNEXPECTED), gr.skip(), gr.skip(), gr.skip()
        docs_now = corpus.indexed_documents(assistant)
        return (corpus.removal_status_html(doc_id, report.documents, report.chunks),
                corpus.document_rows(docs_now), corpus.summary_html(docs_now),
                gr.Dropdown(choices=corpus.doc_choices(docs_now, all_label=None), value=None))

    index_options = dict(concurrency_id="index", concurrency_limit=INDEX_CONCURRENCY,
                         api_visibility="private")
    uploaded = upload.upload(add, [upload], [status, table, summary, to_remove], show_progress="full",
                             show_progress_on=[status], **index_options)
    removed = remove_button.click(remove, [to_remove], [status, table, summary, to_remove],
                                  js=CONFIRM_REMOVE_JS, **index_options)
    return DocumentsTab(table, summary, to_remove, [uploaded, removed])
