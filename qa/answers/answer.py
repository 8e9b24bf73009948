"""The extractive answer: the item the question asks for (a figure, a date, a name), stated first, then the
sentences of the retrieved passages that support it, each with a citation marker [n], and the passages.

No generative model ships offline, so the answer is made only of the documents' own words. What a document
says about itself (who signed it, its number, its date, its issuer) is answered from its metadata. A question
asking for an item that no passage about its subject holds is answered "not found", with the passages still
shown.
"""
from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from qa.answers.items import items
from qa.index.lexical import tokenize
from qa.metadata.periods import parse_periods, section_kind
from qa.metadata.types import TYPES
from qa.search.intent import Asks
from qa.search.query import Query, conference_number
from qa.search.references import resolve
from qa.search.retrieval import Hit
from qa.text.headings import heading_level
from qa.text.sentences import units
from qa.text.vietnamese import fold

MAX_ANSWER_CHARS = 300
"""The direct answer and its supporting sentences stay this short: the answer box is read, not studied."""
MAX_SENTENCES = 2
SUBJECT_SHARE = 0.5
MIN_ITEM_COVERAGE = 0.35
"""Below this share of the question's subject, no sentence holding a figure (date, name) is about what was
asked ("bao nhiêu sân bay quốc tế": port and FDI figures are no answer): "not found"."""
"""An item counts as the answer only in a sentence that holds this share of the question's subject weight."""


@dataclass
class Passage:
    """A cited passage: the chunk, its document's metadata, and its place in the raw file."""

    n: int
    hit: Hit

    def to_json(self) -> dict:
        c, m = self.hit.chunk, self.hit.meta
        period = m.period.to_json() if m and m.period else {"year": None, "quarter": None}
        return {
            "n": self.n, "doc": c.doc_id, "chunk_id": c.chunk_id, "start": c.start, "end": c.end,
            "spans": [list(s) for s in c.spans], "text": c.full_text, "section": c.section,
            "score": round(self.hit.score, 4),
            "title": m.title if m else "", "number": m.number if m else "", "date": m.date if m else "",
            "doc_type": m.doc_type if m else "", "period": period,
            # a PDF's page or a DOCX's paragraph (from 1) where the passage starts
            **(m.locations.cite(c.start) if m and m.locations is not None else {}),
            # a document that lost its accents: the machine-restored reading (spans still cite `text`)
            **({"restored_text": c.restored, "restored_section": c.restored_section,
                "restored_title": m.restored_title if m else ""} if c.restored else {}),
        }


@dataclass
class Answer:
    question: str
    abstained: bool
    text: str
    passages: list[Passage]
    reason: str = ""
    """Why the system abstained (Vietnamese), empty otherwise."""
    query: Query | None = field(default=None, repr=False)
    restored_text: str = ""
    """`text` with the sentences of documents that lost their accents in their machine-restored reading
    (shown labelled as such); "" when no sentence comes from such a document."""
    direct: str = ""
    """The item asked for, as the document writes it ("13,22%", "ngày 15/12/2023", "Trần Lưu Quang"), shown
    first and bold; "" when the question asks for no single item."""

    def to_json(self, id: str | None = None) -> dict:
        out: dict = {"id": id} if id is not None else {}
        out.update({"question": self.question, "abstained": self.abstained, "answer": self.text,
                    "passages": [p.to_json() for p in self.passages]})
        if self.reason:
            out["reason"] = self.reason
        if self.query is not None and self.query.restored:
            out["restored_question"] = self.query.restored
        if self.restored_text:
            out["restored_answer"] = self.restored_text
        if self.direct:
            out["direct_answer"] = self.direct
        return out


def _idf(df: int, n: int) -> float:
    return math.log(1 + (n - df + 0.5) / (df + 0.5))


@dataclass(order=True)
class _Unit:
    score: float
    rank: int
    order: int
    text: str = field(compare=False)
    reading: str = field(compare=False)
    direct: str = field(compare=False, default="")
    direct_reading: str = field(compare=False, default="")


def _in_period(query: Query, p: Passage) -> bool:
    """A passage about the period the question names: by its place (section, document) or its own words;
    not a section that reviews the period when the question asks for its target, nor the other way round."""
    kind = section_kind(p.hit.chunk.section)
    if query.stance and kind and kind != query.stance:
        return False
    if p.hit.period_match >= 1.0:
        return True
    text = p.hit.chunk.full_text
    return any(str(w.year) in text for w in query.periods) and any(
        own.within(w) for own in parse_periods(text) for w in query.periods)


def _subject(query: Query) -> set[str]:
    """The question's words that carry its subject (single syllables): not the question words or
    years."""
    return ({t for t in tokenize(query.folded) if "_" not in t} - _QUESTION_TOKENS
            - {str(p.year) for p in query.periods})


_QUESTION_TOKENS = frozenset(tokenize(fold(
    "bao nhiêu mấy là gì ai ở đâu khi nào ngày nào thế nào như thế nào có không được đạt của trong năm quý "
    "tháng các những về cho theo và với tại thì đã sẽ phải bao giờ nào hay hoặc").lower()))


# A header's place-and-date line ("Cần Thơ, ngày 29 tháng 9 năm 2023") dates the document; it answers
# nothing.
_HEADER_LINE = re.compile(r"^[^\d,.;:]{2,40},\s*ngày\s+\d{1,2}\s+tháng"
                          r"\s+\d{1,2}\s+năm\s+\d{4}\s*$", re.IGNORECASE)

_NOTE_MARK = re.compile(r"^\[(\d{1,3})\]\s*")
_NUMBER_LINE = re.compile(r"^(?:Số|So|S[0-9])\s*:?\s*\d[^\s]*$")
_RANK_WEIGHT = (1.0, 0.55, 0.35)
"""What a sentence of the first, second and third passage is worth: [1] answers unless it plainly does not."""

_AS_CONTENT = {Asks.ISSUE_DATE: Asks.DATE, Asks.SIGNER: Asks.PERSON}
"""What a metadata question asks for when the document it names is not indexed: its date or its signer
as other documents mention them ("Nghị quyết số 30-NQ/TW, ngày 23/11/2022 của Bộ Chính trị")."""
# The type named right before "số mấy" / "số hiệu" / "ban hành ngày nào": the document whose number or date
# is asked, which may not be the one the passages come from.
_ASKED_TYPE = re.compile(r"\b(" + "|".join(sorted(TYPES, key=len, reverse=True)) + r")\s+"
                         r"(?:so (?:may|hieu|bao nhieu)|co so hieu|mang so|ban hanh (?:ngay|khi) nao)\b")


def best_units(query: Query, passages: list[Passage], df: Callable[[str], int],
               n_passages: int) -> tuple[list[_Unit], float]:
    """The sentences (or clauses of long ones) that answer best, in answer order, the first holding the
    item asked for when one does.

    Words and neighbouring-word pairs weigh by their rarity in the corpus ("giao quân" more than "năm"); a
    sentence holding an item of the kind asked ("bao nhiêu": a figure) gains, one without loses; [1] is
    preferred to [2]. When the question names a period, only passages about it answer (retrieval order).
    Also returns how much of the question's subject the best sentence holding an item of the kind asked
    covers (0 when no sentence holds one): too little, and the documents do not say."""
    kind = _AS_CONTENT.get(query.asks, query.asks)
    numbers = [r.number for r in query.references if r.number]
    eligible = passages
    if query.periods and not query.comparison:
        eligible = [p for p in passages if _in_period(query, p)] or passages
    q_tokens = set(tokenize(query.folded))
    subject = _subject(query)
    best_item_coverage = 0.0
    scored: list[_Unit] = []
    for rank, p in enumerate(eligible[:3]):
        chunk = p.hit.chunk
        text = chunk.full_text
        # words that name the document ("báo cáo sơ kết giữa nhiệm kỳ") or its body and place ("Đảng ủy xã Tân
        # Lập") pick the document, not the sentence
        meta = p.hit.meta
        title = set(tokenize(fold(f"{meta.title} {meta.issuer} {meta.province}").lower())) if meta else set()

        def weight(tokens: set[str]) -> float:
            return sum(_idf(df(t), n_passages) * (0.2 if t in title else 1.0) for t in tokens)

        subject_weight = weight(subject) or 1.0
        # another conference's document answers nothing about the one asked ("lần thứ 7" is not "lần thứ 3")
        other_meeting = query.conference is not None and meta is not None and meta.conference != "" and \
            conference_number(fold(meta.conference).lower()) != query.conference
        # a passage under a heading that matches the question ("3. Bài học kinh nghiệm") answers it with its
        # first sentences, even when they do not repeat the heading's words
        section = q_tokens.intersection(tokenize(fold(chunk.section).lower())) - title
        section_score = 0.5 * weight(section)
        notes_from = len(chunk.text)
        for order, (a, b) in enumerate(units(text)):
            sent = text[a:b].strip(" -+•\n")
            reading = (chunk.restored[a:b].strip(" -+•\n")
                       if chunk.restored and b <= len(chunk.restored) else "")
            # a footnote's own marker ("[10] Trong 02 năm ...") is no citation: it is named as a note
            sent = _NOTE_MARK.sub(r"(chú thích \1) ", sent)
            reading = _NOTE_MARK.sub(r"(chú thích \1) ", reading)
            if len(sent) < 12 or _HEADER_LINE.match(sent) or _NUMBER_LINE.match(sent) or (
                    heading_level(sent) is not None and (len(sent) < 50 or not sent.endswith((".", ";")))):
                # a heading names a part; a numbered full sentence ("1. Khu vực đồng bằng: ...") is body
                continue
            if meta is not None and len(sent) > 20 and fold(sent).lower() in fold(meta.title).lower():
                continue  # the document's own title names its subject; it answers nothing
            words = set(tokenize(fold(sent).lower()))
            overlap = q_tokens & words
            if not overlap and not section:
                continue
            score = (weight(overlap) + section_score) / (1 + 0.002 * len(sent))
            found = _precise(items(sent, kind), kind, query.folded)
            key = sent.lower().replace(" ", "")
            names_number = any(n in key for n in numbers)
            # the item right after the number named ("số 30-NQ/TW, ngày ...")
            if numbers and found and names_number:
                at = min(key.find(n) for n in numbers if n in key)
                found = [it for it in found if len(sent[:it.start].replace(" ", "")) >= at] or found
            coverage = 1.0 if names_number else (weight(subject & words) + section_score) / subject_weight
            if found:
                best_item_coverage = max(best_item_coverage, coverage)
            covers_subject = coverage >= SUBJECT_SHARE
            direct = direct_reading = ""
            if found and covers_subject:
                # the item the question's own words surround, its own words counted twice ("bao nhiêu xã":
                # "08 xã", not a deadline beside it); the first one when that ties
                best = max(found, key=lambda it: (
                    len(q_tokens & set(tokenize(fold(sent[max(0, it.start - 60):it.end]).lower())))
                    + len(q_tokens & set(tokenize(fold(it.text).lower()))),
                    -it.start))
                direct = best.text
                if reading:
                    offset = text[a:b].find(sent)
                    direct_reading = reading[best.start:best.end] if offset == 0 else ""
                score *= 1.6
            elif kind.wants_item:
                score *= 0.4
            if a >= notes_from and not direct:
                score *= 0.5  # a footnote body answers only when it holds the item asked for
            score *= 0.7 if sent[:1].islower() else 1.0
            score *= 0.3 if other_meeting else 1.0
            scored.append(_Unit(score * _RANK_WEIGHT[rank] - 0.01 * order, rank, order, sent, reading, direct,
                                direct_reading))
    scored.sort(key=lambda u: -u.score)
    chosen: list[_Unit] = []
    total = 0
    for u in scored:
        if len(chosen) == MAX_SENTENCES or (chosen and u.score < 0.5 * chosen[0].score):
            break
        if chosen and total + len(u.text) > MAX_ANSWER_CHARS:
            continue
        chosen.append(u)
        total += len(u.text)
    first = chosen[:1]
    rest = sorted(chosen[1:], key=lambda u: (u.rank, u.order))
    for u in first + rest:
        u.rank = passages.index(eligible[u.rank])
    return first + rest, best_item_coverage


_DAY = re.compile(r"\d{1,2}\s*[/.\-]\s*\d{1,2}|ngày\s+\d", re.IGNORECASE)
_MONTH = re.compile(r"tháng\s+\d|\d{1,2}\s*/\s*\d{4}|\d{1,2}\s*[/.\-]\s*\d{1,2}", re.IGNORECASE)


def _precise(found: list, kind: Asks, folded_question: str) -> list:
    """The dates precise enough for the question: a day for "ngày nào", a month for "tháng nào", any for
    "khi nào" (best first: a day, then a month, then a quarter or year)."""
    if kind is not Asks.DATE or not found:
        return found
    if "ngay nao" in folded_question or "ngay may" in folded_question or "truoc ngay" in folded_question:
        return [it for it in found if _DAY.search(it.text)]
    if "thang nao" in folded_question:
        return [it for it in found if _MONTH.search(it.text)]
    return sorted(found, key=lambda it: (not _DAY.search(it.text), not _MONTH.search(it.text)))


def _metadata_answer(query: Query, passages: list[Passage]) -> Answer | None:
    """"Ai ký ...?", "số hiệu ...?", "ban hành ngày nào?", "cơ quan nào ban hành?": from the document's own
    header or signature block; the passage that prints it is cited when it is among the passages."""
    if not passages or passages[0].hit.meta is None:
        return None
    meta = passages[0].hit.meta
    doc = passages[0].hit.chunk.doc_id
    named = [r for r in query.references if r.number or r.name]
    if named and not any(resolve(r, {doc: meta}) for r in named):
        return None  # the question names another document: what the passages say of it answers
    asked = _ASKED_TYPE.search(query.folded)
    if asked and TYPES[asked.group(1)] != meta.doc_type:
        return None  # "Nghị quyết ... xét báo cáo số mấy?": the number of the report it cites
    label = " ".join(x for x in (meta.doc_type, meta.number) if x) or meta.title or doc
    kind = query.asks
    if kind is Asks.SIGNER and meta.signer:
        role = ", ".join(x for x in (meta.signer_position, " ".join(
            x for x in (meta.authority, _capitalised(meta.signed_for)) if x)) if x)
        direct, said = meta.signer, f"{meta.signer}{f' ({role})' if role else ''} ký {label}"
    elif kind is Asks.ISSUER and meta.issuer:
        direct, said = meta.issuer, f"{label} do {meta.issuer} ban hành"
    elif kind is Asks.NUMBER and meta.number:
        direct, said = meta.number, f"{meta.doc_type or 'Văn bản'} số {meta.number}" + (
            f" ({meta.title})" if meta.title and meta.title != meta.doc_type else "")
    elif kind is Asks.ISSUE_DATE and meta.date:
        y, m, d = meta.date.split("-")
        direct = f"ngày {int(d)} tháng {int(m)} năm {y}"  # as the national format writes it in the header
        said = f"{label} ban hành {direct} ({int(d):02d}/{int(m):02d}/{y})"
    else:
        return None
    cited = next((p for p in passages if p.hit.chunk.doc_id == doc and direct.split("/")[0].split()[-1]
                  in p.hit.chunk.full_text), passages[0])
    return Answer(query.text, False, f"{direct} — {said}. [{cited.n}]", passages, "", query, direct=direct)


def _per_period(query: Query, passages: list[Passage], df: Callable[[str], int],
                n_passages: int) -> Answer | None:
    """A comparison of named periods ("năm 2023 và năm 2024"): each period's best sentence, its figure first,
    in time order ("năm 2023: 7,5 - 8% — ... [2]; năm 2024: 7 - 7,5% — ... [1]"); None when fewer than two
    periods have a passage of their own."""
    parts, readings = [], []
    for period in sorted(set(query.periods)):
        # a comparison looks for the figures first ("so sánh chỉ tiêu tăng trưởng năm 2023 và 2024")
        alone = replace(query, periods=(period,), comparison=False,
                        asks=Asks.QUANTITY if query.asks is Asks.OTHER else query.asks)
        own = [p for p in passages if _in_period(alone, p)]
        if not own:
            continue
        units_, _ = best_units(alone, own, df, n_passages)
        if not units_:
            continue
        u = units_[0]
        n = own[u.rank].n
        lead = f"{u.direct} — " if u.direct else ""
        parts.append(f"{period.label}: {lead}{u.text} [{n}]")
        readings.append(f"{period.label}: {lead}{u.reading or u.text} [{n}]" if u.reading else "")
    if len(parts) < 2:
        return None
    restored = "; ".join(r or p for r, p in zip(readings, parts)) if any(readings) else ""
    return Answer(query.text, False, "; ".join(parts), passages, "", query, restored)


def _capitalised(printed: str) -> str:
    """"BAN THƯỜNG VỤ" -> "Ban Thường vụ": a body printed in capitals, as a sentence names it."""
    words = printed.split()
    return " ".join(w[:1] + w[1:].lower() if i < 2 else w.lower() for i, w in enumerate(words)) \
        if printed.isupper() else printed


def compose(query: Query, hits: list[Hit], reason: str | None, df: Callable[[str], int],
            n_passages: int) -> Answer:
    passages = [Passage(i + 1, h) for i, h in enumerate(hits)]
    if reason:
        return Answer(query.text, True, f"Không tìm thấy câu trả lời trong các văn bản. {reason}",
                      passages, reason, query)
    if query.asks.from_metadata and (answer := _metadata_answer(query, passages)):
        return answer
    if query.comparison and len(query.periods) >= 2 \
            and (answer := _per_period(query, passages, df, n_passages)):
        return answer
    chosen, item_coverage = best_units(query, passages, df, n_passages)
    kind = _AS_CONTENT.get(query.asks, query.asks)
    if kind.wants_item and passages and item_coverage < MIN_ITEM_COVERAGE:
        reason = _NOT_STATED[kind]
        return Answer(query.text, True, f"Không tìm thấy câu trả lời trong các văn bản. {reason}",
                      passages, reason, query)
    if not chosen and passages:
        chunk = passages[0].hit.chunk

        def clip(t: str) -> str:  # spaces sit at the same places in the restored reading
            return t[:MAX_ANSWER_CHARS].rsplit(" ", 1)[0] + "…" if len(t) > MAX_ANSWER_CHARS else t

        chosen = [_Unit(0.0, 0, 0, clip(chunk.full_text), clip(chunk.restored) if chunk.restored else "")]
    direct = chosen[0].direct if chosen else ""
    lead = f"{direct} — " if direct else ""
    text = lead + " ".join(f"{u.text} [{passages[u.rank].n}]" for u in chosen)
    restored = ""
    if any(u.reading for u in chosen):
        lead_r = f"{chosen[0].direct_reading or direct} — " if direct else ""
        restored = lead_r + " ".join(f"{u.reading or u.text} [{passages[u.rank].n}]" for u in chosen)
    return Answer(query.text, False, text, passages, "", query, restored, direct=direct)


_NOT_STATED = {
    Asks.QUANTITY: "Các đoạn văn bản liên quan không nêu con số được hỏi.",
    Asks.DATE: "Các đoạn văn bản liên quan không nêu thời điểm được hỏi.",
    Asks.PERSON: "Các đoạn văn bản liên quan không nêu tên người được hỏi.",
}
