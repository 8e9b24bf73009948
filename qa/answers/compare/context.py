"""What every comparison over one loaded generation shares, computed once and owned by that generation.

Placing 7,200 chunks in time took 5 s and tokenising them 1.7 s, which every comparison used to pay again;
normalising a quoted document up to 0.15 s. `ComparisonContext` keeps the per-generation work and is
dropped with its generation; `NormalizedTexts` keeps documents' normalised texts by content hash, so it
outlives generations (an upload does not normalise the unchanged documents again).
"""
from __future__ import annotations

import logging
import threading
from collections import OrderedDict

from qa.answers.compare.placement import Placement, passage_placement
from qa.index.lexical import tokenize
from qa.index.loaded import Index
from qa.ingest.normalize import NormalizedText
from qa.search.retrieval import Retriever
from qa.text.vietnamese import fold_lower

logger = logging.getLogger(__name__)

NORMALIZED_KEPT = 256
"""Documents whose normalised text stays in memory (~0.3 MB for 20,000 characters with its offset map): a
comparison over 250 documents quotes from ~40 of them, each taking up to 0.15 s to normalise again."""


class NormalizedTexts:
    """The most recently used documents' normalised texts, by content hash, to map a quoted sentence back
    to the raw file. Shared by the generations of one assistant: the first comparison after an upload spent
    5.6 s of its 9 s normalising documents the previous generation already had (7,200 chunks)."""

    def __init__(self, kept: int = NORMALIZED_KEPT) -> None:
        self.kept = kept
        self._texts: OrderedDict[str, NormalizedText] = OrderedDict()
        self._lock = threading.Lock()
        """Held only to look up and store, never while normalising: one slow document delays no other."""

    def get(self, index: Index, doc_id: str) -> NormalizedText:
        """The normalised text of `doc_id` in `index`, normalised now if no generation has it kept."""
        key = index.documents[doc_id].content_hash
        with self._lock:
            if key in self._texts:
                self._texts.move_to_end(key)
                return self._texts[key]
        norm = index.document(doc_id).normalized
        with self._lock:
            self._texts[key] = norm
            while len(self._texts) > self.kept:
                self._texts.popitem(last=False)
        return norm


class ComparisonContext:
    """One generation's comparison state: its retriever, every chunk's tokens and period placement, and
    the shared normalised texts. Made when the generation is loaded; its lock is its own, so a comparison
    on the generation being served never waits while the next one is prepared."""

    def __init__(self, retriever: Retriever, texts: NormalizedTexts | None = None) -> None:
        self.retriever = retriever
        self.index = retriever.index
        self.texts = texts if texts is not None else NormalizedTexts()
        self._lock = threading.Lock()
        """One thread computes the tokens or placements; the others wait for them rather than repeat the
        work (four comparisons arriving together after an upload each spent 4x as long doing it at once)."""
        self._tokens: list[frozenset[str]] | None = None
        self._placements: list[Placement] | None = None

    def tokens(self) -> list[frozenset[str]]:
        """Every chunk's folded words and word pairs, its section path included."""
        with self._lock:
            if self._tokens is None:
                self._tokens = [frozenset(tokenize(fold_lower(c.index_text))) for c in self.index.chunks]
            return self._tokens

    def placements(self) -> list[Placement]:
        """Every chunk's period placement: it depends on the chunk and its document only."""
        with self._lock:
            if self._placements is None:
                docs = self.index.documents
                self._placements = [passage_placement(c.section, docs[c.doc_id].metadata, c.full_text)
                                    for c in self.index.chunks]
            return self._placements

    def normalized(self, doc_id: str) -> NormalizedText:
        """A document's normalised text, to map a quoted sentence back to the raw file."""
        return self.texts.get(self.index, doc_id)


def prepare(context: ComparisonContext) -> None:
    """Compute what every comparison over the context's generation shares (1.7 s + 1.3 s at 7,200
    chunks), ahead of the first one."""
    context.tokens()
    context.placements()
    logger.debug("comparisons prepared over %s (%d chunks)", context.index.gen_dir, len(context.index.chunks))
