"""What the tabs share: concurrency groups, the source panel and its wiring, how a query box, its button and
its example chips run one query, the filter dropdowns' refresh, and Markdown exports.

Ask and So sánh show the same passage cards and open the same source panel, so both wire them here.
"""
from __future__ import annotations

import logging
import shutil
import time
import uuid
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING

import gradio as gr
from gradio.components import Component

from qa.errors import VanbanError
from ui import corpus, render
from ui.static import read_asset

if TYPE_CHECKING:
    from qa.assistant import Assistant

logger = logging.getLogger(__name__)

ASK_CONCURRENCY = 4
"""Questions answered at once (the embedder serialises its own calls; retrieval itself is light)."""
VIEW_CONCURRENCY = 8
"""Source views at once: reading a file, no model."""
INDEX_CONCURRENCY = 1
"""Uploads and removals one at a time, in their own group so a long indexing job never holds up questions."""

UNEXPECTED = ("Đã xảy ra lỗi không mong muốn khi xử lý yêu cầu. Hãy thử lại; nếu lỗi còn lặp lại, "
              "báo cho người quản trị hệ thống.")
"""Shown for an error qa did not foresee: the traceback goes to the log, never to the page."""

ANSWER_JS = read_asset("answer.js")
"""js_on_load of an answer or comparison: [n] chips scroll to their card; "Xem trong văn bản" opens the source
(it triggers the custom event `open_source`, which Gradio finds by its name in this script)."""
SOURCE_JS = read_asset("source.js")
"""js_on_load of a source panel: scrolls the cited passage into view each time the panel gets a value."""
EXPORT_MAX_AGE = 3600
"""Seconds an exported Markdown file is kept (long enough to download, short enough not to pile up)."""


def refresh_filters(assistant: Assistant) -> Callable[..., tuple[gr.Dropdown, gr.Dropdown, gr.Dropdown]]:
    """An event function: the filter dropdowns' choices (year, type, document) from the index now, keeping
    valid selections. Uploads and removals change the corpus, so the choices are made again after them."""
    def refresh(year: str | None, doc_type: str | None,
                doc: str | None) -> tuple[gr.Dropdown, gr.Dropdown, gr.Dropdown]:
        docs = corpus.indexed_documents(assistant)
        years, types = corpus.year_choices(docs), corpus.type_choices(docs)
        documents = corpus.doc_choices(docs)
        return (gr.Dropdown(choices=years, value=corpus.keep(year, years)),
                gr.Dropdown(choices=types, value=corpus.keep(doc_type, types)),
                gr.Dropdown(choices=documents, value=corpus.keep(doc, documents)))
    return refresh


def source_panel(prefix: str) -> tuple[gr.Column, gr.Button, gr.HTML]:
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


def wire_source(assistant: Assistant, html: gr.HTML, record: gr.State, source_col: gr.Column,
                close: gr.Button, source: gr.HTML) -> None:
    """A card's "Xem trong văn bản" (ANSWER_JS triggers open_source with its n) opens the panel on the
    passage of `record["passages"]` with that n."""
    def open_source(rec: dict | None, evt: gr.EventData) -> tuple[str | gr.Column, gr.Column]:
        try:
            n = int(getattr(evt, "n", 0))
            passage = next(p for p in (rec or {}).get("passages", []) if p["n"] == n)
        except (StopIteration, TypeError, ValueError):
            logger.info("open_source: no passage %r in the shown result; panel left as it is",
                        getattr(evt, "n", None))
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


def wire_query(box: gr.Textbox, button: gr.Button, chips: Iterable[tuple[gr.Button, str]],
               run: Callable[..., tuple], inputs: list[Component], outputs: list[Component], api_name: str,
               result: gr.HTML) -> None:
    """Enter in the box, the button, and each example chip all run the same query, in the questions'
    concurrency group (indexing runs in its own, so it never blocks them). Only Enter is the public API
    endpoint `api_name`; the rest are private duplicates."""
    options = dict(concurrency_id="ask", concurrency_limit=ASK_CONCURRENCY, show_progress="minimal",
                   show_progress_on=[result])
    box.submit(run, inputs, outputs, api_name=api_name, **options)
    button.click(run, inputs, outputs, api_visibility="private", **options)
    for chip, text in chips:
        chip.click(_constant(text), None, box, queue=False, api_visibility="private").then(
            run, inputs, outputs, api_visibility="private", **options)


def _constant(value: str) -> Callable[[], str]:
    """An event function returning `value` (a lambda in the loop would see only the last chip's text)."""
    return lambda: value


def write_export(export_dir: Path, markdown: str, prefix: str = "tra-loi") -> str:
    """The Markdown in a fresh file of the app's own temporary directory (older exports are pruned). One
    folder per file, so two staffers exporting in the same second never overwrite each other's file."""
    export_dir.mkdir(parents=True, exist_ok=True)
    cutoff = time.time() - EXPORT_MAX_AGE
    for old in export_dir.glob("*/*.md"):
        try:
            if old.stat().st_mtime < cutoff:
                shutil.rmtree(old.parent, ignore_errors=True)
        except OSError as exc:  # removed meanwhile by another request's pruning
            logger.debug("not pruning export %s: %s", old, exc)
    folder = export_dir / uuid.uuid4().hex
    folder.mkdir()
    path = folder / f"{prefix}-{time.strftime('%Y%m%d-%H%M%S')}.md"
    path.write_text(markdown, encoding="utf-8")
    return str(path)
