"""Text as inert HTML, and a passage with ranges of it wrapped in <mark>: the only way text from a document
or a user gets into the app's HTML.

Which ranges to mark is qa's business (`qa.answers.highlight`: the question's words, accent-insensitive);
turning them into markup is the app's, so qa stays free of HTML and the escaping rules live in one place.
"""
from __future__ import annotations

import html
from collections.abc import Iterable

from qa.answers.highlight import match_ranges, merge_ranges

_HTML_EXTRA = str.maketrans({"{": "&#123;", "}": "&#125;", "$": "&#36;", "`": "&#96;"})
"""Template characters some HTML renderers evaluate (Svelte, Vue, JS template literals): entities, always."""


def escape_html(text: str) -> str:
    """Text as inert HTML: html.escape plus the template characters ({ } $ `) some renderers evaluate."""
    return html.escape(text, quote=True).translate(_HTML_EXTRA)


def mark_html(text: str, ranges: Iterable[tuple[int, int]], *, css_class: str = "",
              first_id: str = "") -> str:
    """`text` as escaped HTML with each range wrapped in <mark>; `first_id` goes on the first mark (the place
    the source panel scrolls to). Ranges may overlap or run past the text: they are merged and clipped."""
    parts: list[str] = []
    at = 0
    cls = f' class="{escape_html(css_class)}"' if css_class else ""
    for n, (s, e) in enumerate(merge_ranges(ranges, len(text))):
        ident = f' id="{escape_html(first_id)}"' if first_id and n == 0 else ""
        parts.append(escape_html(text[at:s]))
        parts.append(f"<mark{cls}{ident}>{escape_html(text[s:e])}</mark>")
        at = e
    parts.append(escape_html(text[at:]))
    return "".join(parts)


def highlight_html(text: str, question: str, *, css_class: str = "") -> str:
    """The passage as escaped HTML with the question's words marked, so a staffer sees at a glance why it
    was cited."""
    return mark_html(text, match_ranges(text, question), css_class=css_class)
