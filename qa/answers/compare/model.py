"""The result of a comparison: its groups (a period, a span or a document each) with their passages,
figures and best sentences, rendered as Markdown, terminal text or JSON.

These are the objects the CLI, the app and `Assistant.ask` hand on; their JSON is part of the CLI contract.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from qa.answers.answer import Answer, Passage
from qa.answers.compare.placement import Placement
from qa.metadata.periods import Period


@dataclass
class Fact:
    """A figure quoted from a passage, with where it lies in the raw file."""

    text: str
    context: str
    """The sentence it comes from (normalised text)."""
    doc: str
    spans: list[tuple[int, int]]
    """Raw-file ranges of the figure itself when the offset map allows, else of the whole passage."""
    passage: int
    exact: bool = True

    def to_json(self) -> dict:
        return {"text": self.text, "context": self.context, "doc": self.doc,
                "start": min(s for s, _ in self.spans), "end": max(e for _, e in self.spans),
                "spans": [list(s) for s in self.spans], "passage": self.passage, "exact": self.exact}


@dataclass
class Highlight:
    """The sentence of a period that says most about the topic, with its raw-file spans."""

    text: str
    doc: str
    spans: list[tuple[int, int]]
    passage: int
    restored: str = ""
    """The sentence in its machine-restored reading when its document lost its accents, else ""."""

    def to_json(self) -> dict:
        return {"text": self.text, "doc": self.doc, "start": min(s for s, _ in self.spans),
                "end": max(e for _, e in self.spans), "spans": [list(s) for s in self.spans],
                "passage": self.passage, **({"restored": self.restored} if self.restored else {})}


@dataclass
class Group:
    """One column of the comparison: a period, a multi-year span, or a document."""

    kind: str
    """"period", "span" (a term report's stretch it does not break down by year) or "document"."""
    label: str
    period: Period | None = None
    span: tuple[Period, Period] | None = None
    doc: str | None = None
    """The document, for a document or span group; for a period group, the one document cited, if one."""
    passages: list[Passage] = field(default_factory=list)
    placements: list[Placement] = field(default_factory=list)
    facts: list[Fact] = field(default_factory=list)
    highlights: list[Highlight] = field(default_factory=list)
    order: tuple = field(default=(), repr=False)

    @property
    def mentioned(self) -> bool:
        """Whether any passage of this group speaks of the topic (else it says "không đề cập")."""
        return bool(self.passages)

    @property
    def docs(self) -> list[str]:
        """The documents its passages come from, in passage order."""
        return list(dict.fromkeys(p.hit.chunk.doc_id for p in self.passages))

    def to_json(self) -> dict:
        passages = []
        for p, place in zip(self.passages, self.placements):
            j = p.to_json()
            j["placed"] = [q.to_json() for q in place.periods]
            passages.append(j)
        return {
            "kind": self.kind, "label": self.label, "period": self.period.to_json() if self.period else None,
            "span": [p.to_json() for p in self.span] if self.span else None,
            "doc": self.doc, "docs": self.docs, "mentioned": self.mentioned,
            "passages": passages, "facts": [f.to_json() for f in self.facts],
            "highlights": [h.to_json() for h in self.highlights],
        }


NOT_MENTIONED = "không đề cập"


def _md(text: str) -> str:
    """Document text made inert for Markdown (tables, emphasis, links, HTML)."""
    text = " ".join(text.split())
    return re.sub(r"([\\`*_\[\]<>|#~])", r"\\\1", text)


@dataclass
class Comparison:
    """One topic across periods: the groups in time order, a period that never mentions it included."""

    question: str
    topic: str
    """What was searched for: the question without its comparison and period words."""
    by: str
    """"named" (the periods the question names), "quarter", "year" or "document"."""
    groups: list[Group]

    def to_json(self) -> dict:
        return {"question": self.question, "topic": self.topic, "by": self.by,
                "groups": [g.to_json() for g in self.groups]}

    def _facts_line(self, g: Group, limit: int = 4) -> str:
        """A group's line in the terminal overview: its figures, else the gist of its best sentence."""
        if not g.mentioned:
            return NOT_MENTIONED
        if g.facts:
            return "; ".join(f"{f.text} [{f.passage}]" for f in g.facts[:limit])
        if g.highlights:
            return f"{_clip(g.highlights[0].text, 90)} [{g.highlights[0].passage}]"
        return "—"

    def to_markdown(self) -> str:
        """A table of the periods side by side (figures with passage numbers), then each period's passages."""
        lines = [f"**So sánh:** {_md(self.topic)}", "", "| Kỳ | Số liệu chính | Nội dung | Nguồn |",
                 "|---|---|---|---|"]
        for g in self.groups:
            facts = "; ".join(f"{_md(f.text)} \\[{f.passage}\\]" for f in g.facts[:4]) if g.facts else "—"
            gist = (f"{_md(_clip(g.highlights[0].text, 160))} \\[{g.highlights[0].passage}\\]"
                    if g.highlights else "—")
            src = ", ".join(f"\\[{p.n}\\] {_md(_short_source(p))}" for p in g.passages[:3])
            if not g.mentioned:
                facts, gist, src = f"*{NOT_MENTIONED}*", "", ""
            lines.append(f"| {_md(g.label)} | {facts} | {gist} | {src} |")
        for g in self.groups:
            lines += ["", f"### {_md(g.label)}"]
            if not g.mentioned:
                lines.append(f"*{NOT_MENTIONED}*")
                continue
            for p in g.passages:
                j = p.to_json()
                lines.append(f"- \\[{p.n}\\] {_md(_short_source(p))}, {_md(j['doc'])} "
                             f"\\[{j['start']}:{j['end']}\\] — Mục: {_md(j['section'] or '—')}")
                lines.append(f"  > {_md(_clip(j['text'], 400))}")
        return "\n".join(lines)

    def to_text(self) -> str:
        """The same for a terminal: one block per period, figures first."""
        out = [f"So sánh: {self.topic}", ""]
        width = max((len(g.label) for g in self.groups), default=0)
        for g in self.groups:
            out.append(f"  {g.label:<{width}}  {self._facts_line(g)}")
        for g in self.groups:
            out += ["", f"== {g.label}" + ("" if g.mentioned else f": {NOT_MENTIONED}")]
            for h in g.highlights:
                out.append(f"   • {_clip(h.text, 300)} [{h.passage}]")
            for p in g.passages:
                j = p.to_json()
                out.append(f"  [{p.n}] {j['doc']} [{j['start']}:{j['end']}] — {_short_source(p)}")
                out.append(f"      Mục: {j['section'] or '—'}")
        return "\n".join(out)


def _clip(text: str, n: int) -> str:
    """At most n characters of text, cut at a word, spaces collapsed."""
    text = " ".join(text.split())
    return text if len(text) <= n else text[:n].rsplit(" ", 1)[0] + "…"


def _short_source(p: Passage) -> str:
    """"Kết luận 123-KL/TU 08/04/2022": how a staffer names the document a passage comes from."""
    m = p.hit.meta
    if not m:
        return p.hit.chunk.doc_id
    parts = [m.doc_type, m.number, vn_date(m.date)]
    return " ".join(x for x in parts if x) or p.hit.chunk.doc_id


def vn_date(iso: str) -> str:
    """An ISO date as Vietnamese documents write it (2022-04-08 -> 08/04/2022); "" for none."""
    if not iso:
        return ""
    y, mo, d = iso.split("-")
    return f"{d}/{mo}/{y}"


@dataclass
class ComparedAnswer(Answer):
    """An answer to a comparison question, carrying the comparison as well (`comparison` in its JSON)."""

    comparison: Comparison | None = field(default=None, repr=False)

    def to_json(self, id: str | None = None) -> dict:
        out = super().to_json(id)
        if self.comparison is not None:
            out["comparison"] = self.comparison.to_json()
        return out


def with_comparison(answer: Answer, comparison: Comparison | None) -> Answer:
    """The answer as a ComparedAnswer carrying `comparison`, or unchanged when there is none."""
    if comparison is None:
        return answer
    return ComparedAnswer(answer.question, answer.abstained, answer.text, answer.passages, answer.reason,
                          answer.query, answer.restored_text, comparison=comparison)
