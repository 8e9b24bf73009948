"""Answers, passages and comparisons as the app shows them: HTML fragments, and Markdown for export.

qa's results are first turned into JSON-safe records (`answer_record`, `comparison_record`) because Gradio
keeps them in a gr.State between events (a card's "Xem trong văn bản" comes later than the answer); the
HTML and the Markdown are made from those records. Everything that came from a document or a user goes
through ui/markup.py (`escape_html`, or `mark_html` / `highlight_html`, which escape) before it is put into
HTML; the only markup here is this module's own.
"""
from __future__ import annotations

import re
from typing import TYPE_CHECKING

from qa.accents.restorer import RESTORED_LABEL
from qa.answers.answer import Answer, Passage
from ui.markup import escape_html, highlight_html, mark_html

if TYPE_CHECKING:
    from qa.answers.compare import Comparison


NOT_AN_ANSWER = "Đoạn gần nhất — không phải câu trả lời"
_MARKER = re.compile(r"\[(\d{1,2})\](?=\s|$)")
"""A citation marker as `compose` writes it: "[n]" after a sentence, then a space or the end."""
_ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}


def vi_number(x: float, digits: int) -> str:
    """A decimal as Vietnamese writes it: comma before the decimals ("0,87")."""
    return f"{x:.{digits}f}".replace(".", ",")


def vi_date(iso: str) -> str:
    """"2021-12-20" -> "20/12/2021" (as the documents write dates); anything else unchanged."""
    m = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", iso or "")
    return f"{m.group(3)}/{m.group(2)}/{m.group(1)}" if m else (iso or "")


def period_label(p: Passage) -> str:
    """The passage's period as the cards show it ("quý II/2022", "năm 2021"): the document's own label when
    its metadata has one, else made from the passage's JSON (a passage whose metadata was not loaded)."""
    meta = p.hit.meta
    if meta is not None and meta.period is not None:
        return meta.period.label
    period = p.to_json()["period"]
    if period.get("year") and period.get("quarter"):
        return f"quý {_ROMAN[period['quarter']]}/{period['year']}"
    return f"năm {period['year']}" if period.get("year") else ""


def passage_record(p: Passage) -> dict:
    """What the app keeps of a cited passage between events (JSON-safe): the CLI's JSON plus the period
    label."""
    out = p.to_json()
    out["period_label"] = period_label(p)
    return out


def answer_record(answer: Answer) -> dict:
    """What the app keeps of an Answer between events (JSON-safe): the text, the question as restored, the
    passages as `passage_record`s and, for a comparison question, its `comparison_record`."""
    query = getattr(answer, "query", None)
    return {"question": answer.question, "abstained": answer.abstained, "text": answer.text,
            "reason": answer.reason, "restored": getattr(query, "restored", "") or "",
            "restored_answer": answer.restored_text, "direct": getattr(answer, "direct", ""),
            "passages": [passage_record(p) for p in answer.passages],
            "comparison": (comparison_record(answer.comparison)
                           if getattr(answer, "comparison", None) is not None else None)}


def cited_numbers(text: str, count: int) -> list[int]:
    """Passage numbers the answer text cites, in order of first mention."""
    seen = dict.fromkeys(int(m.group(1)) for m in _MARKER.finditer(text))
    return [n for n in seen if 1 <= n <= count]


def _answer_text_html(text: str, count: int, direct: str = "") -> str:
    """The answer's text, escaped, with each valid [n] a button that takes the reader to card n (a marker
    beyond the passages stays plain text); the item asked for, when the text opens with it, in bold."""
    parts: list[str] = []
    at = 0
    lead = next((d for d in (direct,) if d and text.startswith(f"{d} — ")), "")
    if lead:
        parts.append(f'<strong class="vb-direct">{escape_html(lead)}</strong>')
        at = len(lead)
    for m in _MARKER.finditer(text):
        n = int(m.group(1))
        if not 1 <= n <= count:
            continue
        parts.append(escape_html(text[at:m.start()]))
        parts.append(_cite(n, None))
        at = m.end()
    parts.append(escape_html(text[at:]))
    return "".join(parts)


def _meta_line(rec: dict) -> str:
    """Number, date, period, page, paragraph and file of a passage's document: how staff cite a document."""
    items = []
    if rec["number"]:
        items.append(f"Số <b>{escape_html(rec['number'])}</b>")
    if rec["date"]:
        items.append(f"Ngày {escape_html(vi_date(rec['date']))}")
    if rec.get("period_label"):
        items.append(f"Kỳ: {escape_html(rec['period_label'])}")
    if rec.get("page"):
        items.append(f"Trang {int(rec['page'])}")
    if rec.get("paragraph"):
        items.append(f"Đoạn văn thứ {int(rec['paragraph'])}")
    items.append(f'<span class="vb-file">{escape_html(rec["doc"])}</span>')
    return "".join(f"<span>{i}</span>" for i in items)


def passage_card(rec: dict, question: str, *, closest: bool = False) -> str:
    """One cited passage: document, number, date, period, section, the passage with the question's words
    marked, the score, and the button that opens the document at this place."""
    n = rec["n"]
    title = (rec.get("restored_title") if rec.get("restored_text") else "") or rec["title"] or rec["doc"]
    label = f'<div class="vb-not-answer">{NOT_AN_ANSWER}</div>' if closest else ""
    # a document that lost its accents: the label first, then the section and passage in restored reading
    restored = (f'<div class="vb-restored-label">{escape_html(RESTORED_LABEL)}</div>'
                if rec.get("restored_text") else "")
    section_text = rec.get("restored_section") or rec["section"]
    section = (f'<div class="vb-section"><span class="vb-k">Mục:</span> {escape_html(section_text)}</div>'
               if section_text else "")
    passage = _passage_html(rec, question)
    score = vi_number(rec["score"], 3)
    return (
        f'<article class="vb-card{" vb-closest" if closest else ""}" id="vb-card-{n}" data-n="{n}" '
        f'data-doc="{escape_html(rec["doc"])}">'
        f"{label}"
        f'<header class="vb-card-head"><span class="vb-n">[{n}]</span>'
        f'<span class="vb-title">{escape_html(title)}</span></header>'
        f'<div class="vb-meta">{_meta_line(rec)}</div>'
        f"{restored}{section}"
        f"{passage}"
        f'<div class="vb-card-foot"><span class="vb-score" title="Điểm phù hợp của đoạn với câu hỏi">'
        f"Điểm phù hợp: {score}</span>"
        f'<span class="vb-pos">ký tự {rec["start"]}–{rec["end"]}</span>'
        f'<button type="button" class="vb-open" data-n="{n}">Xem trong văn bản</button></div>'
        f"</article>"
    )


def _passage_html(rec: dict, question: str) -> str:
    """The passage with the question's words marked; for a document that lost its accents, the
    machine-restored reading, and the text as read (what the spans cite) one click away."""
    raw = f'<blockquote class="vb-passage">{highlight_html(rec["text"], question)}</blockquote>'
    restored = rec.get("restored_text")
    if not restored:
        return raw
    return (f'<blockquote class="vb-passage vb-restored">{highlight_html(restored, question)}</blockquote>'
            '<details class="vb-raw"><summary>Nguyên văn trong tệp (không dấu) / raw text</summary>'
            f"{raw}</details>")


def answer_html(record: dict) -> str:
    """The answer (or the plain statement that there is none) and the passages under it."""
    passages = record["passages"]
    restored = record.get("restored") or ""
    understood = (f'<p class="vb-answer-note">Câu hỏi được hiểu là: <i>{escape_html(restored)}</i></p>'
                  if restored and restored != record["question"] else "")
    if record["abstained"]:
        head = (
            '<section class="vb-answer vb-abstain" role="status">'
            '<div class="vb-answer-label">Không tìm thấy câu trả lời</div>'
            f'<p class="vb-answer-text">{escape_html(record["text"])}</p>{understood}</section>'
        )
        title = f"{NOT_AN_ANSWER} ({len(passages)})" if passages else ""
    else:
        head = (
            '<section class="vb-answer" role="status"><div class="vb-answer-label">Trả lời</div>'
            f"{_answer_body_html(record, len(passages))}"
            f"{understood}</section>"
        )
        title = f"Nguồn trích dẫn ({len(passages)} đoạn)" if passages else ""
    cards = "".join(passage_card(p, record["question"], closest=record["abstained"]) for p in passages)
    heading = f'<h3 class="vb-sources-title">{title}</h3>' if title else ""
    return f'<div class="vb-result">{head}{_period_view(record)}{heading}{cards}</div>'


def _answer_body_html(record: dict, count: int) -> str:
    """The answer's sentences with their [n] buttons; when some come from a document that lost its
    accents, their restored reading under the label, and the sentences as read one click away."""
    restored = record.get("restored_answer") or ""
    if not restored:
        body = _answer_text_html(record["text"], count, record.get("direct", ""))
        return (f'<p class="vb-answer-text">{body}</p>'
                '<p class="vb-answer-note">Câu trả lời trích nguyên văn từ văn bản; '
                "bấm [n] để xem nguồn.</p>")
    return (f'<p class="vb-answer-text">{_answer_text_html(restored, count)}</p>'
            f'<p class="vb-answer-note"><span class="vb-restored-label">{escape_html(RESTORED_LABEL)}</span> '
            "Câu trả lời trích từ văn bản; bấm [n] để xem nguồn.</p>"
            '<details class="vb-raw"><summary>Nguyên văn trong tệp (không dấu) / raw text</summary>'
            f'<p class="vb-answer-text">{escape_html(record["text"])}</p></details>')


def _period_view(record: dict) -> str:
    """For a comparison question: the periods side by side above the cards, citing the cards' numbers."""
    comparison = record.get("comparison")
    if not comparison or not comparison["groups"]:
        return ""
    card = {p["chunk_id"]: p["n"] for p in record["passages"]}
    numbers = {p["n"]: card[p["chunk_id"]] for p in comparison["passages"] if p["chunk_id"] in card}
    return (f'<h3 class="vb-sources-title">Theo từng kỳ: {escape_html(comparison["topic"])}</h3>'
            f"{comparison_table_html(comparison, numbers)}")


def message_html(text: str, *, kind: str = "error") -> str:
    """A message in the answer area: "error" for a question the system cannot take, "info" otherwise."""
    label = {"error": "Chưa hỏi được", "info": ""}.get(kind, "")
    head = f'<div class="vb-answer-label">{label}</div>' if label else ""
    return f'<section class="vb-message vb-{kind}" role="alert">{head}<p>{escape_html(text)}</p></section>'


def source_html(rec: dict, raw: str) -> str:
    """The whole document as indexed, with the passage's raw spans marked (the first one gets an id to
    scroll to)."""
    title = rec["title"] or rec["doc"]
    if not raw:
        body = ('<p class="vb-subtle">Văn bản đã được cập nhật hoặc xóa khỏi chỉ mục sau khi hỏi; '
                "hãy hỏi lại để xem đoạn trích mới nhất.</p>")
    else:
        spans = [(int(s), int(e)) for s, e in rec["spans"]]
        body = (f'<div class="vb-source-text" tabindex="0">'
                f'{mark_html(raw, spans, css_class="vb-cited", first_id="vb-cited-first")}</div>')
    return (
        f'<div class="vb-source" data-doc="{escape_html(rec["doc"])}" data-n="{rec["n"]}">'
        f'<div class="vb-source-head"><span class="vb-n">[{rec["n"]}]</span> '
        f'<span class="vb-title">{escape_html(title)}</span></div>'
        f'<div class="vb-meta">{_meta_line(rec)}</div>'
        f'<div class="vb-section"><span class="vb-k">Đoạn được trích:</span> '
        f'ký tự {rec["start"]}–{rec["end"]}'
        f'{" · " + escape_html(rec["section"]) if rec["section"] else ""}</div>'
        f"{body}</div>"
    )


def answer_markdown(record: dict) -> str:
    """The answer and its citations as Markdown, to paste into a report or a message."""
    passages = record["passages"]
    lines = ["## Hỏi đáp văn bản", "", f"**Câu hỏi:** {record['question']}", ""]
    if record["abstained"]:
        lines += [f"**Kết quả:** {record['text']}", ""]
        shown, heading = passages, f"**{NOT_AN_ANSWER}:**"
    else:
        lines += [f"**Trả lời:** {record['text']}", ""]
        if record.get("restored_answer"):
            lines += [f"**Trả lời, {RESTORED_LABEL}:** {record['restored_answer']}", ""]
        cited = cited_numbers(record["text"], len(passages))
        shown = [p for p in passages if p["n"] in cited] or passages
        heading = "**Nguồn:**"
    if shown:
        lines += [heading, ""]
    for p in shown:
        ident = " · ".join(x for x in (
            p["title"] or p["doc"], f"số {p['number']}" if p["number"] else "",
            f"ngày {vi_date(p['date'])}" if p["date"] else "") if x)
        lines.append(f"[{p['n']}] {ident}  ")
        lines.append(f"Tệp `{p['doc']}`, ký tự {p['start']}–{p['end']}"
                     + (f"; mục: {p['section']}" if p["section"] else "") + "  ")
        lines += [f"> {line}" if line else ">" for line in p["text"].splitlines()]
        if p.get("restored_text"):
            lines += ["", f"*{RESTORED_LABEL}:*", ""]
            lines += [f"> {line}" if line else ">" for line in p["restored_text"].splitlines()]
        lines.append("")
    if record.get("comparison") and record["comparison"]["groups"]:
        lines += ["### Theo từng kỳ", "", record["comparison"]["markdown"]]
    return "\n".join(lines).rstrip() + "\n"


# --------------------------------------------------------------------------------------------------------
# So sánh: one topic across periods (qa.answers.compare.Comparison)
# --------------------------------------------------------------------------------------------------------

NOT_MENTIONED = "không đề cập"
BY_LABELS = {"named": "các kỳ được nêu", "quarter": "quý", "year": "năm", "document": "văn bản"}


def comparison_record(comparison: Comparison) -> dict:
    """What the app keeps of a Comparison between events (JSON-safe): each group's label, figures, best
    sentence and passages (as `passage_record`s), plus `passages`, every cited passage once (for the
    source view), and the Markdown export."""
    groups, passages = [], {}
    for g in comparison.groups:
        recs = [passage_record(p) for p in g.passages]
        for r in recs:
            passages.setdefault(r["n"], r)
        groups.append({
            "label": g.label, "kind": g.kind, "mentioned": g.mentioned,
            "facts": [{"text": f.text, "passage": f.passage} for f in g.facts],
            "highlights": [{"text": h.text, "passage": h.passage, "restored": h.restored}
                           for h in g.highlights],
            "passages": recs,
        })
    return {"question": comparison.question, "topic": comparison.topic, "by": comparison.by,
            "groups": groups, "passages": [passages[n] for n in sorted(passages)],
            "markdown": comparison.to_markdown()}


def _cite(n: int, numbers: dict[int, int] | None) -> str:
    """A citation chip [n]; with `numbers` (the Ask tab), n is renumbered to the answer's card, and a
    passage not among the cards gets no chip."""
    if numbers is not None:
        if n not in numbers:
            return ""
        n = numbers[n]
    return (f'<button type="button" class="vb-cite" data-n="{int(n)}" '
            f'title="Xem đoạn trích dẫn [{int(n)}]">[{int(n)}]</button>')


def _source_short(rec: dict) -> str:
    """A source in the comparison table's narrow column: number, date and file, no title."""
    ident = " · ".join(x for x in (rec.get("number") or "", vi_date(rec.get("date") or "")) if x)
    return ((f"{escape_html(ident)} · " if ident else "")
            + f'<span class="vb-file">{escape_html(rec["doc"])}</span>')


def _gist_html(highlight: dict) -> str:
    """A period's best sentence; from a document that lost its accents, its restored reading, labelled,
    with the sentence as read in the tooltip."""
    if not highlight.get("restored"):
        return escape_html(highlight["text"])
    return (f'<span title="Nguyên văn: {escape_html(highlight["text"])}">'
            f'{escape_html(highlight["restored"])}</span> '
            f'<span class="vb-restored-label">{escape_html(RESTORED_LABEL)}</span>')


def comparison_table_html(record: dict, numbers: dict[int, int] | None = None) -> str:
    """The periods side by side, in time order: figures with their [n], the best sentence, the sources;
    a period without a passage on the topic says "không đề cập" (greyed). Scrolls sideways on a phone."""
    rows = []
    for g in record["groups"]:
        label = f'<th scope="row" class="vb-cmp-period">{escape_html(g["label"])}</th>'
        if not g["mentioned"]:
            rows.append(f'<tr class="vb-cmp-none" data-label="{escape_html(g["label"])}">{label}'
                        f'<td colspan="3" class="vb-cmp-missing">{NOT_MENTIONED}</td></tr>')
            continue
        facts = "".join(f'<li>{escape_html(f["text"])}{_cite(f["passage"], numbers)}</li>'
                        for f in g["facts"][:4])
        facts = f'<ul class="vb-cmp-facts">{facts}</ul>' if facts else '<span class="vb-subtle">—</span>'
        gist = (f'{_gist_html(g["highlights"][0])}{_cite(g["highlights"][0]["passage"], numbers)}'
                if g["highlights"] else '<span class="vb-subtle">—</span>')
        seen, sources = set(), []
        for p in g["passages"]:
            if p["doc"] in seen:
                continue
            seen.add(p["doc"])
            sources.append(f"<li>{_cite(p['n'], numbers)}{_source_short(p)}</li>")
        rows.append(f'<tr data-label="{escape_html(g["label"])}">{label}<td>{facts}</td>'
                    f'<td class="vb-cmp-gist">{gist}</td>'
                    f'<td><ul class="vb-cmp-src">{"".join(sources)}</ul></td></tr>')
    if not rows:
        return ""
    return (
        '<div class="vb-cmp-scroll" tabindex="0"><table class="vb-cmp-table">'
        '<thead><tr><th scope="col">Kỳ</th><th scope="col">Số liệu chính</th>'
        '<th scope="col">Nội dung tiêu biểu</th><th scope="col">Nguồn</th></tr></thead>'
        f'<tbody>{"".join(rows)}</tbody></table></div>'
    )


def comparison_html(record: dict) -> str:
    """The So sánh tab's result: the table, then each period's passage cards (the Ask tab's cards)."""
    groups = record["groups"]
    by = BY_LABELS.get(record["by"], record["by"])
    head = (f'<section class="vb-answer vb-cmp-head" role="status"><div class="vb-answer-label">So sánh</div>'
            f'<p class="vb-answer-text">{escape_html(record["topic"])}</p>'
            f'<p class="vb-answer-note">Theo {escape_html(by)} · {len(groups)} kỳ, theo thứ tự thời gian; '
            "bấm [n] để xem đoạn trích.</p></section>")
    if not groups:
        return (f'<div class="vb-result vb-compare">{head}'
                + message_html("Không có văn bản nào khớp bộ lọc đã chọn.", kind="info") + "</div>")
    parts = []
    for g in groups:
        title = f'<h3 class="vb-sources-title vb-cmp-group-title">{escape_html(g["label"])}</h3>'
        if not g["mentioned"]:
            parts.append(f'<section class="vb-cmp-group vb-cmp-none">{title}'
                         f'<p class="vb-cmp-missing">{NOT_MENTIONED}</p></section>')
            continue
        cards = "".join(passage_card(p, record["topic"]) for p in g["passages"])
        parts.append(f'<section class="vb-cmp-group">{title}{cards}</section>')
    return f'<div class="vb-result vb-compare">{head}{comparison_table_html(record)}{"".join(parts)}</div>'


def comparison_markdown(record: dict, topic: str) -> str:
    """The comparison as a Markdown file to download: a heading, the topic as typed, the periods' table."""
    return f"## So sánh văn bản\n\n**Câu hỏi:** {topic.strip()}\n\n{record['markdown']}\n"
