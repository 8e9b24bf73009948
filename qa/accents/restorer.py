"""Put Vietnamese accents back into text typed or OCR'd without them ("chi tieu giao quan" ->
"chỉ tiêu giao quân"), for the dense model and for people to read.

Each folded syllable can be one of several accented syllables (tieu: tiêu, tiểu, tiếu…); a trigram
model (`qa.accents.model`) scores sequences, and an exact second-order Viterbi search picks the best one per
clause. A max-marginal score per token says how sure the choice is; where the restorer is unsure it keeps
the folded form rather than invent a fluent wrong word. What it never changes: words that already carry
accents, numbers, codes ("244-KL/TU", "s6"), acronyms and roman numerals in running text, and words it
has never seen. Output has the input's length, character for character, so offsets carry over.
"""
from __future__ import annotations

import bisect
import math
import unicodedata
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from qa.accents.model import (
    BOS,
    EOS,
    GENERAL_SOURCES,
    ROMAN,
    AccentModel,
    TextSource,
    Token,
    accent_share,
    has_marks,
    lm_token,
    load_or_build,
    tokenize,
)
from qa.text.numbers import is_roman
from qa.text.vietnamese import fold

if TYPE_CHECKING:
    from qa.ingest.chunking import Chunk

__all__ = [
    "AccentRestorer",
    "MIN_CONFIDENCE",
    "QUESTION_MAX_SHARE",
    "QUESTION_MIN_CONFIDENCE",
    "RESTORED_LABEL",
    "DOCUMENT_MAX_SHARE",
    "Restoration",
    "RestoredToken",
    "cache_dir",
    "needs_restoration",
    "restoration_ranges",
    "restore_chunks",
    "restore_fragment",
    "restore_document_text",
]

QUESTION_MAX_SHARE = 0.3
"""A question is restored only when at most this share of its syllables carry accents ("almost none")."""
DOCUMENT_MAX_SHARE = 0.3
"""A document is accent-stripped below this share; clean Vietnamese text has ~0.9 (the OCR file 004: 0.15)."""
BLOCK_WORDS = 150
"""A document is judged in blocks of whole paragraphs of at least this many words (about a third of a
page), so a mixed document (some pages scanned without accents) is restored only where it lost them,
and a short line ("KET LUAN", a table row) never decides alone."""
MIN_CONFIDENCE = 0.5
"""In documents, a word restored with less confidence keeps its folded form: on the seeds this halves
the wrong accented words (1.7 % -> 0.8 % of syllables) for 0.9 points of accuracy."""
RESTORED_LABEL = "Văn bản khôi phục dấu tự động / accents restored by machine"
"""Shown with every machine-restored passage (app, CLI): the reader must know the accents are a guess."""
QUESTION_MIN_CONFIDENCE = 0.0
"""Questions always take the best reading: the person sees it ("Đã hiểu câu hỏi là: …"), the lexical
leg keeps the folded question, and on the dev questions gating only left more words folded (94.9 % ->
91.8 % of syllables right) without helping retrieval."""


class RestoredToken(NamedTuple):
    start: int
    end: int
    original: str
    restored: str
    confidence: float
    """How sure the choice is (0-1): the best path through it against the best paths through the others."""


class Restoration(NamedTuple):
    text: str
    tokens: list[RestoredToken]
    """Every word the restorer could have changed (kept or not), in text order."""


def _apply_case(form: str, surface: str) -> str:
    if len(surface) > 1 and surface.isupper():
        return form.upper()
    if surface[:1].isupper():
        return form[:1].upper() + form[1:]
    return form


class _Slot(NamedTuple):
    token: Token
    candidates: tuple[str, ...]
    """Model tokens it can be; one for a fixed token."""
    restorable: bool


class AccentRestorer:
    """Restores accents with one `AccentModel`; thread-safe (decoding keeps its scores per call; the
    shared memo of decoded segments only ever maps a key to the same value)."""

    def __init__(self, model: AccentModel, min_confidence: float = MIN_CONFIDENCE,
                 question_min_confidence: float = QUESTION_MIN_CONFIDENCE) -> None:
        for value in (min_confidence, question_min_confidence):
            if not 0.0 <= value < 1.0:
                raise ValueError("confidence thresholds must be in [0, 1)")
        self.model = model
        self.min_confidence = min_confidence
        self.question_min_confidence = question_min_confidence
        self._decoded: dict[tuple, tuple[list[str], list[float]]] = {}
        """Decoded segments: a clause met again (boilerplate, another version of a document) is free."""

    @classmethod
    def load(cls, cache_dir: Path, documents: Iterable[tuple[str, str]],
             sources: Iterable[TextSource] = GENERAL_SOURCES, **kwargs: float) -> AccentRestorer:
        """The restorer for these documents ((content hash, raw text) pairs), cached in `cache_dir`."""
        return cls(load_or_build(cache_dir, documents, sources), **kwargs)

    # ---------------------------------------------------------------------------------------------

    def _slots(self, text: str) -> list[_Slot]:
        tokens = tokenize(text)
        breaks = [i for i, ch in enumerate(text) if ch == "\n"]
        caps: dict[int, list[int]] = {}
        for t in tokens:
            if t.kind == "word" and t.end - t.start > 1:
                line = bisect.bisect_left(breaks, t.start)
                w = text[t.start : t.end]
                caps.setdefault(line, [0, 0])[0] += w.isupper()
                caps[line][1] += 1
        slots = []
        forms = self.model.forms
        for t in tokens:
            surface = text[t.start : t.end]
            fixed = lm_token(surface, t.kind)
            if t.kind != "word" or has_marks(surface):
                slots.append(_Slot(t, (fixed,), False))
                continue
            up, n = caps.get(bisect.bisect_left(breaks, t.start), (0, 0))
            caps_line = n > 0 and up >= 0.5 * n
            roman = is_roman(surface)
            if roman and surface.isupper() and not caps_line:
                slots.append(_Slot(t, (ROMAN,), False))  # khóa VI, quý II
                continue
            if surface.isupper() and not caps_line and not roman:
                slots.append(_Slot(t, (fixed,), False))  # an acronym or a label: TU, UBND, Phụ lục A
                continue
            cands = forms.get(fixed, ())
            if roman:
                cands = (*cands, ROMAN)
            if not cands:
                slots.append(_Slot(t, (fixed,), False))  # never seen: English, a name, a typo
                continue
            slots.append(_Slot(t, cands, True))
        return slots

    def _decode(self, slots: list[_Slot], logp: dict) -> tuple[list[str], list[float]]:
        """Best model tokens for one segment, and each restorable token's confidence."""
        prob = self.model.prob

        def lp(a: str, b: str, c: str) -> float:
            key = (a, b, c)
            v = logp.get(key)
            if v is None:
                v = logp[key] = math.log(prob(a, b, c))
            return v

        forward: list[dict[tuple[str, str], float]] = []
        back: list[dict[tuple[str, str], str]] = []
        states = {(BOS, BOS): 0.0}
        for slot in slots:
            new: dict[tuple[str, str], float] = {}
            bp: dict[tuple[str, str], str] = {}
            for (a, b), s in states.items():
                for c in slot.candidates:
                    sc = s + lp(a, b, c)
                    if sc > new.get((b, c), -math.inf):
                        new[(b, c)] = sc
                        bp[(b, c)] = a
            forward.append(new)
            back.append(bp)
            states = new
        # backward pass: best score from each state to the end of the segment
        beta = {st: lp(st[0], st[1], EOS) for st in states}
        best_end = max(states, key=lambda st: states[st] + beta[st])
        confidences = [1.0] * len(slots)
        betas = [beta]
        for i in range(len(slots) - 1, 0, -1):
            nxt = slots[i].candidates
            prev_beta = {}
            for (a, b) in forward[i - 1]:
                prev_beta[(a, b)] = max(lp(a, b, c) + beta.get((b, c), -math.inf) for c in nxt)
            beta = prev_beta
            betas.append(beta)
        betas.reverse()
        for i, slot in enumerate(slots):
            if not slot.restorable or len(slot.candidates) == 1:
                continue
            best: dict[str, float] = {}
            for (b, c), s in forward[i].items():
                v = s + betas[i][(b, c)]
                if v > best.get(c, -math.inf):
                    best[c] = v
            top = max(best.values())
            z = sum(math.exp(v - top) for v in best.values())
            confidences[i] = 1.0 / z  # the chosen (best) token's share
        # follow the back-pointers
        path = [best_end[1], best_end[0]]
        state = best_end
        for i in range(len(slots) - 1, 1, -1):
            a = back[i][state]
            path.append(a)
            state = (a, state[0])
        path.reverse()
        return path[-len(slots):], confidences

    def restore(self, text: str, min_confidence: float | None = None) -> Restoration:
        """Restore every restorable word of `text` (which should be NFC); others are left as they are."""
        text = unicodedata.normalize("NFC", text)
        threshold = self.min_confidence if min_confidence is None else min_confidence
        slots = self._slots(text)
        out = list(text)
        restored: list[RestoredToken] = []
        logp: dict = {}
        i = 0
        while i < len(slots):
            j = i
            while j < len(slots) and slots[j].token.segment == slots[i].token.segment:
                j += 1
            segment = slots[i:j]
            if any(s.restorable for s in segment):
                if len(logp) > 200_000:
                    logp.clear()
                key = tuple((s.candidates, s.restorable) for s in segment)
                decoded = self._decoded.get(key)
                if decoded is None:
                    if len(self._decoded) > 100_000:
                        self._decoded.clear()
                    decoded = self._decoded[key] = self._decode(segment, logp)
                choice, conf = decoded
                for slot, c, p in zip(segment, choice, conf):
                    if not slot.restorable:
                        continue
                    t = slot.token
                    surface = text[t.start : t.end]
                    form = surface if c == ROMAN or p < threshold else _apply_case(c, surface)
                    if len(form) != len(surface):  # cannot happen for NFC syllables; never shift offsets
                        form = surface
                    out[t.start : t.end] = form
                    restored.append(RestoredToken(t.start, t.end, surface, form, p))
            i = j
        return Restoration("".join(out), restored)

    def restore_question(self, question: str) -> str:
        """The question with its accents restored, or "" when it already has accents or nothing changed."""
        if accent_share(question) > QUESTION_MAX_SHARE:
            return ""
        restored = self.restore(question, self.question_min_confidence).text
        return restored if restored != question else ""


def cache_dir(home: Path) -> Path:
    """Where a data directory keeps its accent models (`<home>/accents/`)."""
    return Path(home) / "accents"


def needs_restoration(text: str) -> bool:
    """Whether a document (or page) has lost its accents: too few of its syllables carry one."""
    return accent_share(text) < DOCUMENT_MAX_SHARE


def restore_document_text(text: str, restorer: AccentRestorer) -> tuple[str, list[RestoredToken]]:
    """A machine-restored reading of an accent-stripped document, and the confidence of each word.

    The few marks such a document has are mostly OCR noise ("nhiém" for nhiệm, "dé" for để), so every
    word is folded first and restored as a whole. Same length as `text`, character for character, so a
    chunk's offsets into the normalised text are its offsets into the restored text too. Words the
    restorer is unsure of keep their folded form.
    """
    r = restorer.restore(fold(text))
    return r.text, r.tokens


def restoration_ranges(text: str) -> list[tuple[int, int]]:
    """The [start, end) ranges of a normalised document that lost their accents, in text order: none for
    clean text, the whole text for an accent-stripped document, the stripped blocks of a mixed one."""
    lines: list[tuple[int, int]] = []
    pos = 0
    for line in text.split("\n"):
        lines.append((pos, pos + len(line)))
        pos += len(line) + 1
    blocks: list[list[int]] = []  # [start, end, words]
    for a, b in lines:
        words = sum(t.kind == "word" for t in tokenize(text[a:b]))
        if blocks and blocks[-1][2] < BLOCK_WORDS:
            blocks[-1][1], blocks[-1][2] = b, blocks[-1][2] + words
        else:
            blocks.append([a, b, words])
    if len(blocks) > 1 and blocks[-1][2] < BLOCK_WORDS:  # a short tail is judged with the block before it
        tail = blocks.pop()
        blocks[-1][1], blocks[-1][2] = tail[1], blocks[-1][2] + tail[2]
    ranges: list[tuple[int, int]] = []
    for a, b, _ in blocks:
        if not needs_restoration(text[a:b]):
            continue
        if ranges and ranges[-1][1] + 1 >= a:
            ranges[-1] = (ranges[-1][0], b)
        else:
            ranges.append((a, b))
    # a block across the border of a stripped part was judged as a whole: take its stripped lines too
    starts, ends = [a for a, _ in lines], [b for _, b in lines]

    def stripped_line(k: int) -> bool:
        return needs_restoration(text[starts[k] : ends[k]])

    for n, (a, b) in enumerate(ranges):
        i, j = bisect.bisect_left(starts, a), bisect.bisect_left(ends, b)
        while i > 0 and (n == 0 or ranges[n - 1][1] < starts[i - 1]) and stripped_line(i - 1):
            i -= 1
        while (j + 1 < len(lines) and (n + 1 == len(ranges) or ends[j + 1] < ranges[n + 1][0])
               and stripped_line(j + 1)):
            j += 1
        ranges[n] = (starts[i], ends[j])
    return ranges


def restore_fragment(text: str, restorer: AccentRestorer) -> str:
    """A heading, footnote or title of a restored part: restored when it lacks accents itself."""
    return restore_document_text(text, restorer)[0] if text and needs_restoration(text) else text


def restore_chunks(text: str, chunks: list[Chunk], restorer: AccentRestorer) -> bool:
    """Give the chunks of one document (cut from its normalised `text`) their restored reading where
    the document lost its accents (`Chunk.restored`, `Chunk.restored_section`); whether any was.

    The restored text has the normalised text's length, so each chunk's range cuts its reading out
    of it; a chunk outside every stripped block is left as it is.
    """
    ranges = restoration_ranges(text)
    if not ranges:
        return False
    restored = text
    for a, b in ranges:
        restored = restored[:a] + restore_document_text(text[a:b], restorer)[0] + restored[b:]
    for c in chunks:
        a, b = c.norm_range
        inside = any(a < e and s < b for s, e in ranges) or (a == b and c.footnotes)
        if not inside:
            continue
        body = [restored[a:b]] if c.text else []
        notes = [f"[{f.label}] {restore_fragment(f.text, restorer)}" for f in c.footnotes]
        reading = "\n".join(body + notes)
        if reading != c.full_text:
            c.restored = reading
            # each heading on its own, as in the text (an all-capitals title beside a sentence-case one
            # would pass for an acronym)
            c.restored_section = " > ".join(restore_fragment(h, restorer) for h in c.section.split(" > "))
    return any(c.restored for c in chunks)
