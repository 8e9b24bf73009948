"""The documents in the index as the app shows them: dropdown choices and the filters they make, the
Documents tab's table and summary, and what an upload or a removal did.

Every tab reads the corpus through `indexed_documents`, so a broken or missing index shows as an empty corpus
(logged) instead of an error in each dropdown.
"""
from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import TYPE_CHECKING

from qa.errors import VanbanError
from qa.search.retrieval import Filters
from ui.markup import escape_html
from ui.render import vi_date, vi_number

if TYPE_CHECKING:
    from qa.assistant import Assistant
    from qa.index.generations import IndexedDocument, IndexReport

logger = logging.getLogger(__name__)

ALL = ""
"""The dropdown value meaning "no filter"."""
QUARTER_CHOICES = [("Cả năm / mọi quý", ALL), ("Quý I", "1"), ("Quý II", "2"), ("Quý III", "3"),
                   ("Quý IV", "4")]
TABLE_HEADERS = ["Tệp", "Tiêu đề", "Loại", "Số hiệu", "Ngày", "Kỳ", "Số đoạn"]


def indexed_documents(assistant: Assistant) -> list[IndexedDocument]:
    """The indexed documents by id; none when the index cannot be read (the tabs still open, and the
    question itself then says what is wrong)."""
    try:
        return sorted(assistant.documents(), key=lambda d: d.id)
    except VanbanError as exc:
        logger.warning("listing the indexed documents failed, showing none: %s", exc)
        return []


def year_choices(docs: list[IndexedDocument]) -> list[tuple[str, str]]:
    """Years the documents speak of, newest first, after "all years"."""
    years = sorted({y for d in docs for y in d.metadata.years}, reverse=True)
    return [("Tất cả các năm", ALL)] + [(str(y), str(y)) for y in years]


def type_choices(docs: list[IndexedDocument]) -> list[tuple[str, str]]:
    """Document types present in the index (Nghị quyết, Kết luận, ...), after "all types"."""
    types = sorted({d.metadata.doc_type for d in docs if d.metadata.doc_type})
    return [("Tất cả các loại", ALL)] + [(t, t) for t in types]


def doc_choices(docs: list[IndexedDocument],
                all_label: str | None = "Tất cả văn bản") -> list[tuple[str, str]]:
    """One choice per document, labelled by its title and file (staff know documents by title); no "all"
    choice when `all_label` is None (removing a document needs one)."""
    head = [(all_label, ALL)] if all_label else []
    return head + [(f"{short_title(d)} — {d.id}", d.id) for d in docs]


def keep(value: str | None, choices: list[tuple[str, str]]) -> str:
    """The selection if it is still a choice (the corpus may have changed since), else "all"."""
    return value if value in {v for _, v in choices} else ALL


def filters(year: str | None, quarter: str | None, doc_type: str | None, doc: str | None) -> Filters | None:
    """The dropdowns' values as qa's Filters; None when nothing is chosen."""
    if not any((year, quarter, doc_type, doc)):
        return None
    return Filters(year=int(year) if year else None, quarter=int(quarter) if quarter else None,
                   doc=doc or None, doc_type=doc_type or None)


def short_title(d: IndexedDocument, limit: int = 70) -> str:
    """The title cut at a word to fit a dropdown; the file name when the document has no title."""
    title = d.metadata.title or d.id
    return title if len(title) <= limit else title[: limit - 1].rsplit(" ", 1)[0] + "…"


def document_rows(docs: Iterable[IndexedDocument]) -> list[list]:
    """The Documents tab's table (TABLE_HEADERS), one row per document, "—" where metadata is missing; a
    document that lost its accents shows its restored title, labelled."""
    rows = []
    for d in sorted(docs, key=lambda d: d.id):
        m = d.metadata
        title = m.restored_title or m.title or "—"
        if d.accents_restored:
            title += " · khôi phục dấu tự động"
        rows.append([d.id, title, m.doc_type or "—", m.number or "—", vi_date(m.date) or "—",
                     m.period.label if m.period else "—", d.chunks])
    return rows


def summary_html(docs: list[IndexedDocument]) -> str:
    """The line above the table: how many documents and passages can be searched."""
    chunks = sum(d.chunks for d in docs)
    return (f'<div class="vb-summary"><b>{len(docs)}</b> văn bản · <b>{chunks}</b> đoạn trong chỉ mục</div>'
            if docs else '<div class="vb-summary">Chỉ mục chưa có văn bản nào.</div>')


def upload_status_html(errors: list[tuple[str, str]], report: IndexReport | None,
                       chunks_by_doc: dict[str, int]) -> str:
    """What one upload did, file by file: added, updated, unchanged, duplicate, refused (and why)."""
    items: list[tuple[str, str]] = []
    if report is not None:
        for d in report.new:
            items.append(("ok", f"Đã thêm <b>{escape_html(d)}</b> ({chunks_by_doc.get(d, 0)} đoạn) — "
                                "có thể hỏi ngay."))
        for d in report.updated:
            items.append(("ok", f"Đã cập nhật <b>{escape_html(d)}</b> ({chunks_by_doc.get(d, 0)} đoạn): "
                                "nội dung mới thay cho bản cũ cùng tên."))
        for d in report.unchanged:
            items.append(("info", f"<b>{escape_html(d)}</b> đã có trong chỉ mục với đúng nội dung này — "
                                  "không thay đổi."))
        for name, twin in report.duplicates:
            items.append(("warn", f"Bỏ qua <b>{escape_html(name)}</b>: trùng nội dung với "
                                  f"<b>{escape_html(twin)}</b> đã có trong chỉ mục."))
        for err in report.errors:
            items.append(("error", f"Không thêm <b>{escape_html(err.path.name)}</b>: "
                                   f"{escape_html(err.reason_vi)}."))
    for name, reason in errors:
        what = f"<b>{escape_html(name)}</b>: " if name else ""
        items.append(("error", f"Không thêm {what}{escape_html(reason)}."))
    icons = {"ok": "✓", "info": "•", "warn": "!", "error": "✕"}
    rows = "".join(f'<li class="vb-st-{k}"><span class="vb-st-icon" aria-hidden="true">{icons[k]}</span>'
                   f"<span>{t}</span></li>" for k, t in items)
    foot = ""
    if report is not None and (report.new or report.updated):
        foot = (f'<p class="vb-subtle">Chỉ mục hiện có {report.documents} văn bản, {report.chunks} đoạn '
                f"(xong trong {vi_number(report.seconds, 1)} giây).</p>")
    return f'<div class="vb-status"><ul>{rows}</ul>{foot}</div>' if rows else ""


def removal_status_html(doc_id: str, documents: int, chunks: int) -> str:
    """A removal done, and what the index holds now (so the staffer sees the document is gone)."""
    return (f'<div class="vb-status"><ul><li class="vb-st-ok"><span class="vb-st-icon" aria-hidden="true">✓'
            f"</span><span>Đã xóa <b>{escape_html(doc_id)}</b> khỏi chỉ mục; còn {documents} văn bản, "
            f"{chunks} đoạn.</span></li></ul></div>")


def status_error_html(message: str) -> str:
    """A removal that failed, in the same place and style as the upload status."""
    return (f'<div class="vb-status"><ul><li class="vb-st-error"><span class="vb-st-icon" aria-hidden="true">'
            f"✕</span><span>{escape_html(message)}</span></li></ul></div>")
