"""The app's HTML, without a browser: escaping and <mark>s (ui/markup.py), answers, passages, sources and
comparisons (ui/render.py), the Markdown export, and the assets the pages load (ui/static.py).

Nothing from a document or a user may reach the page as live HTML, or as template syntax some renderer
would evaluate: these tests feed hostile text through every renderer the app uses.
"""
from __future__ import annotations

import pytest

from ui import render
from ui.markup import escape_html, highlight_html, mark_html
from ui.static import read_asset


@pytest.mark.parametrize(
    ("text", "question", "expected"),
    [
        ("chỉ tiêu giao quân", "giao quan", "chỉ tiêu <mark>giao quân</mark>"),
        # HTML in a document comes out as text, marks or not
        ("<script>window.__pwned=1</script> giao quân", "giao quan",
         "&lt;script&gt;window.__pwned=1&lt;/script&gt; <mark>giao quân</mark>"),
        ('<img src=x onerror="alert(1)">', "img",
         '&lt;<mark>img</mark> src=x onerror=&quot;alert(1)&quot;&gt;'),
        # template syntax of HTML renderers stays inert too
        ("${window.__pwned=1} {{constructor}} `quân`", "quan",
         "&#36;&#123;window.__pwned=1&#125; &#123;&#123;constructor&#125;&#125; &#96;<mark>quân</mark>&#96;"),
        ("A & B", "", "A &amp; B"),
    ],
)
def test_highlight_html(text: str, question: str, expected: str) -> None:
    assert highlight_html(text, question) == expected


def test_mark_html_class_and_first_id() -> None:
    out = mark_html("abc<def>ghi", [(6, 9), (0, 1)], css_class="cited", first_id="first")
    assert out == '<mark class="cited" id="first">a</mark>bc&lt;de<mark class="cited">f&gt;g</mark>hi'


def test_escape_html_quotes() -> None:
    assert escape_html("\"'<>&") == "&quot;&#x27;&lt;&gt;&amp;"


def test_rendered_html_escapes_document_text() -> None:
    rec = {"n": 1, "doc": "a&b'.txt", "chunk_id": "c", "start": 0, "end": 10, "spans": [[0, 10]],
           "text": "<script>window.__pwned=1</script> ${x} giao quân", "section": "<b>Mục</b>",
           "score": 0.5, "title": '<img src=x onerror="alert(1)">', "number": "", "date": "2022-01-02",
           "doc_type": "", "period": {"year": None, "quarter": None}, "period_label": ""}
    html = render.answer_html({"question": "giao quan", "abstained": False, "text": "Trả lời <i>x</i>. [1]",
                               "reason": "", "passages": [rec]})
    assert "<script" not in html and "<img" not in html and "<b>Mục" not in html and "<i>" not in html
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in html
    assert "&#36;&#123;x&#125;" in html
    assert 'data-doc="a&amp;b&#x27;.txt"' in html
    assert "<mark>giao quân</mark>" in html
    assert '<button type="button" class="vb-cite" data-n="1"' in html
    source = render.source_html(rec, "<script>x</script>\nabc")
    assert "<script>" not in source
    assert '<mark class="vb-cited" id="vb-cited-first">&lt;script&gt;x&lt;</mark>/script&gt;\nabc' in source


def test_markdown_export_keeps_cited_passages() -> None:
    base = {"doc": "d.txt", "chunk_id": "c", "start": 5, "end": 9, "spans": [[5, 9]], "section": "I. Mục",
            "score": 1.0, "title": "Nghị quyết X", "number": "02-NQ/QU", "date": "2021-12-20", "doc_type": "",
            "period": {"year": 2022, "quarter": None}, "period_label": "năm 2022"}
    recs = [dict(base, n=1, text="dòng một\ndòng hai"), dict(base, n=2, text="khác"),
            dict(base, n=3, text="ba")]
    md = render.answer_markdown({"question": "câu hỏi", "abstained": False,
                                 "text": "Câu một. [1] Câu ba. [3]", "reason": "", "passages": recs})
    assert "**Câu hỏi:** câu hỏi" in md and "**Trả lời:** Câu một. [1] Câu ba. [3]" in md
    assert "[1] Nghị quyết X · số 02-NQ/QU · ngày 20/12/2021" in md
    assert "Tệp `d.txt`, ký tự 5–9; mục: I. Mục" in md
    assert "> dòng một\n> dòng hai" in md
    assert "[3] " in md and "[2] " not in md
    abstained = render.answer_markdown({"question": "q", "abstained": True, "text": "Không tìm thấy.",
                                        "reason": "r", "passages": recs[:1]})
    assert render.NOT_AN_ANSWER in abstained and "[1] " in abstained


def _comparison_record() -> dict:
    evil = "<script>window.__pwned=1</script> ${x} `y` chỉ tiêu giao quân"
    rec = {"n": 1, "doc": "a<b>&.txt", "chunk_id": "c1", "start": 0, "end": 10, "spans": [[0, 10]],
           "text": evil, "section": "<b>Mục</b>", "score": 0.5, "title": '<img src=x onerror="alert(1)">',
           "number": "<i>02</i>", "date": "2022-01-02", "doc_type": "",
           "period": {"year": 2022, "quarter": None}, "period_label": "năm 2022"}
    return {"question": "q", "topic": "chỉ tiêu <u>giao quân</u>", "by": "year", "markdown": "",
            "passages": [rec],
            "groups": [{"label": "năm <2022>", "kind": "period", "mentioned": True,
                        "facts": [{"text": "100% ${chỉ tiêu}", "passage": 1}],
                        "highlights": [{"text": evil, "passage": 1}], "passages": [rec]},
                       {"label": "năm 2023", "kind": "period", "mentioned": False, "facts": [],
                        "highlights": [], "passages": []}]}


def test_comparison_html_escapes_document_text() -> None:
    record = _comparison_record()
    html = render.comparison_html(record)
    for raw in ("<script", "<img", "<b>Mục", "<i>02", "<u>", "<2022>", "${", "`"):
        assert raw not in html, raw
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in html
    assert "&#36;&#123;x&#125;" in html and "100% &#36;&#123;chỉ tiêu&#125;" in html
    assert "&lt;i&gt;02&lt;/i&gt;" in html and "a&lt;b&gt;&amp;.txt" in html
    assert '<tr class="vb-cmp-none" data-label="năm 2023">' in html and render.NOT_MENTIONED in html
    assert '<button type="button" class="vb-cite" data-n="1"' in html
    assert 'class="vb-card" id="vb-card-1"' in html and "vb-open" in html

    # the Ask tab: the table above the cards, citing the cards' own numbers
    card = dict(record["passages"][0], n=3)
    answer = render.answer_html({"question": "q", "abstained": False, "text": "x [1]", "reason": "",
                                 "passages": [dict(card, n=1, chunk_id="other"), card],
                                 "comparison": record})
    assert "<script" not in answer and "${" not in answer
    table = answer[answer.index("vb-cmp-table"):answer.index("</table>")]
    assert 'data-n="3"' in table and 'data-n="1"' not in table
    assert answer.index("vb-cmp-table") < answer.index('id="vb-card-1"')


@pytest.mark.parametrize("name", ["style.css", "answer.js", "source.js", "copy.js", "confirm_remove.js"])
def test_assets_are_read_from_the_package(name: str) -> None:
    assert read_asset(name).strip()


def test_answer_script_names_the_event_the_app_listens_to() -> None:
    """Gradio finds a gr.HTML's custom events by their quoted name in its js_on_load; the source panel also
    relies on the column id that ui/tabs/common.py replaces per tab."""
    assert "'open_source'" in read_asset("answer.js")
    assert "'vb-source-col'" in read_asset("source.js")
