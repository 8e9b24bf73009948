"""The language model behind accent restoration: syllable tokens, a Kneser-Ney trigram model, its
training text, and the on-disk cache, so the restorer (`qa.accents.restorer`) only has to decode.

Two models are mixed: an in-domain one trained on the user's own indexed documents (the most useful
text: their names, their formulas) and a general one trained on Vietnamese text that installed PyPI
packages ship. Nothing is downloaded, and no counts derived from those texts are committed: each
machine builds its model from the installed packages and its own documents, and caches it in the data
directory.

General text sources (a missing package is skipped; the model then learns from the documents alone):

=================  ==================================================  =========================
package            file                                                licence
=================  ==================================================  =========================
underthesea 9.5.0  corpus/data/Viet74K.txt (73,901 words and phrases)  package Apache-2.0; the
                                                                       list comes from Hồ Ngọc
                                                                       Đức's word list (GPL) and
                                                                       tudientv
underthesea 9.5.0  pos_tag/.../test_output.txt (2,119 VLSP-2013        package Apache-2.0; VLSP
                   sentences, first column)                            corpora are research-use
pyvi 0.1.1         models/words.txt (31,157 words and phrases)         MIT
=================  ==================================================  =========================
"""
from __future__ import annotations

import hashlib
import importlib.metadata
import importlib.util
import io
import os
import pickle
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from qa.ingest.normalize import normalize_document
from qa.text.numbers import is_roman
from qa.text.vietnamese import canonical_tones, fold, valid_folded, valid_syllable
from qa.versions import VERSIONS

MODEL_VERSION = VERSIONS.accent_model
"""Bump when tokenisation or training changes: cached models of older versions are ignored."""

BOS, EOS, NUM, CODE, ROMAN = "<s>", "</s>", "<num>", "<code>", "<rom>"

# --------------------------------------------------------------------------------------------------
# Tokens
# --------------------------------------------------------------------------------------------------

_CHUNK = re.compile(r"\S+")
_EDGE_PUNCT = "\"'“”‘’()[]{}.,;:!?…*•+–—-<>«»"
_BREAKS = frozenset(".,;:!?()[]{}\"“”…–—")
_NUMBER = re.compile(r"[\d.,/%]*\d[\d.,/%]*")


class Token(NamedTuple):
    """One token of a text, located by character offsets; `kind` is "word", "num" or "code"."""

    start: int
    end: int
    kind: str
    segment: int
    """Tokens of one segment (a clause between punctuation marks) are decoded together."""


def tokenize(text: str) -> list[Token]:
    """Words, numbers and codes ("244-KL/TU", "s6") with offsets, and the segment each belongs to.

    A segment ends at clause punctuation, at a free-standing dash and at a line break: a trigram never
    spans "2022. Quý", so the model learns what follows within a clause.
    """
    tokens: list[Token] = []
    segment = 0
    prev_end = 0
    for m in _CHUNK.finditer(text):
        if "\n" in text[prev_end : m.start()]:
            segment += 1
        prev_end = m.end()
        chunk = m.group()
        a, b = 0, len(chunk)
        while a < b and chunk[a] in _EDGE_PUNCT:
            a += 1
        while b > a and chunk[b - 1] in _EDGE_PUNCT:
            b -= 1
        if a == b:
            segment += 1
            continue
        if any(c in _BREAKS for c in chunk[:a]):
            segment += 1
        core = chunk[a:b]
        kind = "word" if core.isalpha() else "num" if _NUMBER.fullmatch(core) else "code"
        tokens.append(Token(m.start() + a, m.start() + b, kind, segment))
        if any(c in _BREAKS for c in chunk[b:]):
            segment += 1
    return tokens


def lm_token(surface: str, kind: str) -> str:
    """What the model sees for a token: the lower-case syllable in the new tone placement (hòa, ủy)."""
    if kind == "num":
        return NUM
    if kind == "code":
        return CODE
    return canonical_tones(surface.lower())


def has_marks(word: str) -> bool:
    """Whether a word carries any Vietnamese diacritic (đ counts)."""
    return fold(word) != word


def segments(text: str) -> Iterator[list[str]]:
    """Model tokens of a text, one list per segment (the sentences a model is trained on)."""
    text = unicodedata.normalize("NFC", text)
    tokens = tokenize(text)
    current: list[str] = []
    seg = None
    for t in tokens:
        if t.segment != seg and current:
            yield current
            current = []
        seg = t.segment
        surface = text[t.start : t.end]
        current.append(ROMAN if t.kind == "word" and surface.isupper() and is_roman(surface)
                       else lm_token(surface, t.kind))
    if current:
        yield current


def accent_share(text: str) -> float:
    """Share of syllable-like words that carry a diacritic: ~0.9 in Vietnamese text, 0 when stripped.

    Words that could never carry one (acronyms, roman numerals, English) are not counted.
    """
    marked = total = 0
    for t in tokenize(text):
        if t.kind != "word":
            continue
        w = text[t.start : t.end]
        if has_marks(w):
            marked += 1
            total += 1
        elif not (w.isupper() and len(w) > 1) and valid_folded(w):
            total += 1
    return marked / total if total else 0.0


# --------------------------------------------------------------------------------------------------
# Interpolated Kneser-Ney trigram model
# --------------------------------------------------------------------------------------------------


def _discount(counts: Iterable[int]) -> float:
    """Absolute discount D = n1 / (n1 + 2 n2) from the counts of counts (Ney, Essen, Kneser 1994)."""
    n = Counter(c for c in counts if c <= 2)
    n1, n2 = n.get(1, 0), n.get(2, 0)
    return n1 / (n1 + 2 * n2) if n1 + n2 else 0.5


def count_trigrams(sentences: Iterable[list[str]]) -> Counter[tuple[str, str, str]]:
    tri: Counter[tuple[str, str, str]] = Counter()
    for s in sentences:
        padded = [BOS, BOS, *s, EOS]
        for i in range(2, len(padded)):
            tri[(padded[i - 2], padded[i - 1], padded[i])] += 1
    return tri


@dataclass
class NgramLM:
    """A syllable trigram model with interpolated Kneser-Ney smoothing.

    Plain dicts of strings and ints, so it pickles small and loads without any class of ours.
    """

    tri: dict[tuple[str, str, str], int] = field(default_factory=dict)
    ctx3: dict[tuple[str, str], tuple[int, int]] = field(default_factory=dict)
    """(u, v) -> (count of u v *, number of distinct words after u v)."""
    bi: dict[tuple[str, str], int] = field(default_factory=dict)
    """(v, w) -> number of distinct words before v w (continuation count)."""
    ctx2: dict[str, tuple[int, int]] = field(default_factory=dict)
    uni: dict[str, int] = field(default_factory=dict)
    """w -> number of distinct words before w."""
    uni_total: int = 0
    d3: float = 0.5
    d2: float = 0.5
    d1: float = 0.5
    vocab: int = 1

    @classmethod
    def train(cls, sentences: Iterable[list[str]]) -> NgramLM:
        return cls.from_trigrams(count_trigrams(sentences))

    @classmethod
    def from_trigrams(cls, tri: Counter[tuple[str, str, str]]) -> NgramLM:
        """The smoothed model from trigram counts (sums of documents' counts train as their text would)."""
        lm = cls(tri=dict(tri))
        ctx3: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
        bi: Counter[tuple[str, str]] = Counter()
        for (u, v, w), c in tri.items():
            e = ctx3[(u, v)]
            e[0] += c
            e[1] += 1
            bi[(v, w)] += 1
        ctx2: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        uni: Counter[str] = Counter()
        for (v, w), c in bi.items():
            e = ctx2[v]
            e[0] += c
            e[1] += 1
            uni[w] += 1
        lm.ctx3 = {k: (a, b) for k, (a, b) in ctx3.items()}
        lm.bi = dict(bi)
        lm.ctx2 = {k: (a, b) for k, (a, b) in ctx2.items()}
        lm.uni = dict(uni)
        lm.uni_total = sum(uni.values())
        lm.d3, lm.d2, lm.d1 = _discount(tri.values()), _discount(bi.values()), _discount(uni.values())
        lm.vocab = len(uni) + 1
        return lm

    def prob(self, u: str, v: str, w: str) -> float:
        """P(w | u v), never zero."""
        if not self.uni_total:
            return 1.0 / self.vocab
        total = self.uni_total
        p = (max(self.uni.get(w, 0) - self.d1, 0.0) + self.d1 * len(self.uni) / self.vocab) / total
        c = self.ctx2.get(v)
        if c:
            p = (max(self.bi.get((v, w), 0) - self.d2, 0.0) + self.d2 * c[1] * p) / c[0]
        c = self.ctx3.get((u, v))
        if c:
            p = (max(self.tri.get((u, v, w), 0) - self.d3, 0.0) + self.d3 * c[1] * p) / c[0]
        return p

    def size(self) -> tuple[int, int, int]:
        return len(self.tri), len(self.bi), len(self.uni)


# --------------------------------------------------------------------------------------------------
# Training text
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TextSource:
    name: str
    package: str
    path: str
    kind: str
    """"lines": one word or phrase per line; "conll": a token per line, first column, blank between."""
    licence: str


GENERAL_SOURCES: tuple[TextSource, ...] = (
    TextSource("viet74k", "underthesea", "corpus/data/Viet74K.txt", "lines",
               "underthesea: Apache-2.0 (list from Hồ Ngọc Đức's word list, GPL)"),
    TextSource("pyvi-words", "pyvi", "models/words.txt", "lines", "pyvi: MIT"),
)
"""Text the general model is trained on by default: word lists whose licences allow this use. The word
lists add little to documents (pyvi's: +0.0, Viet74K: +0.1 points) but pyvi's helps questions
(93.8 % -> 94.9 % of the dev questions' syllables)."""
RESEARCH_SOURCES: tuple[TextSource, ...] = (
    TextSource("vlsp2013-sample", "underthesea",
               "pipeline/pos_tag/models/pos_crf_vlsp2013_20230303/test_output.txt", "conll",
               "underthesea: Apache-2.0 (VLSP-2013 sample, research use)"),
)
"""Not used by default: VLSP corpora are for research use. Measured for comparison only (benchmark): it
lifts leave-one-out syllable accuracy on the seeds from 97.0 % to 97.8 %."""


def _package_file(package: str, path: str) -> Path | None:
    """A data file inside an installed package, found without importing the package."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        return None
    for root in spec.submodule_search_locations:
        p = Path(root) / path
        if p.is_file():
            return p
    return None


def _package_version(package: str) -> str:
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return ""


def source_sentences(source: TextSource) -> Iterator[list[str]]:
    """The sentences of one general source, as model tokens (nothing if its package is missing)."""
    path = _package_file(source.package, source.path)
    if path is None:
        return
    text = unicodedata.normalize("NFC", path.read_text(encoding="utf-8"))
    if source.kind == "lines":
        for line in text.splitlines():
            yield from segments(line)
        return
    sentence: list[str] = []
    for line in text.splitlines():
        word = line.split("\t", 1)[0].strip()
        if not word:
            if sentence:
                yield from segments(" ".join(sentence))
            sentence = []
        else:
            sentence.append(word.replace("_", " "))
    if sentence:
        yield from segments(" ".join(sentence))


def available_sources(sources: Iterable[TextSource] = GENERAL_SOURCES) -> list[TextSource]:
    return [s for s in sources if _package_file(s.package, s.path) is not None]


MIN_TRAINING_SHARE = 0.6
"""Documents with fewer accented words than this are not training text (clean text has ~0.9)."""


def document_sentences(raw: str) -> list[list[str]]:
    """A document's sentences for the in-domain model, or none when the document itself has lost its
    accents (an OCR with an English model): it would teach the folded forms."""
    text = normalize_document(raw).text
    return list(segments(text)) if accent_share(text) >= MIN_TRAINING_SHARE else []


# --------------------------------------------------------------------------------------------------
# The model and its cache
# --------------------------------------------------------------------------------------------------


@dataclass
class AccentModel:
    """What decoding needs: the two models, their weight, and the accented forms of each folded syllable."""

    domain: NgramLM
    general: NgramLM
    forms: dict[str, tuple[str, ...]]
    """Folded lower-case syllable -> its accented forms (new tone placement), most frequent first."""
    domain_weight: float = 0.7

    def prob(self, u: str, v: str, w: str) -> float:
        lam = self.domain_weight
        return lam * self.domain.prob(u, v, w) + (1 - lam) * self.general.prob(u, v, w)


MIN_SHARE = 0.01
"""Forms rarer than this share of their folded syllable's count are dropped (speed, no accuracy cost)."""


def candidate_forms(*lms: NgramLM, min_share: float = MIN_SHARE) -> dict[str, tuple[str, ...]]:
    """Every valid syllable seen in training, grouped by its folded form, pruned by `min_share`."""
    counts: Counter[str] = Counter()
    for lm in lms:
        for (_, _, w), c in lm.tri.items():
            counts[w] += c
    by_key: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for w, c in counts.items():
        if w.startswith("<") or not w.isalpha() or not valid_syllable(w):
            continue
        by_key[fold(w)].append((c, w))
    forms = {}
    for key, items in by_key.items():
        total = sum(c for c, _ in items)
        items.sort(key=lambda x: (-x[0], x[1]))
        forms[key] = tuple(w for c, w in items if c >= min_share * total)
    return forms


def train_general(sources: Iterable[TextSource] = GENERAL_SOURCES) -> NgramLM:
    return NgramLM.train(s for src in sources for s in source_sentences(src))


def train_domain(raw_texts: Iterable[str]) -> NgramLM:
    return NgramLM.train(s for raw in raw_texts for s in document_sentences(raw))


def build_model(raw_texts: Iterable[str], general: NgramLM | None = None, *,
                sources: Iterable[TextSource] = GENERAL_SOURCES, domain_weight: float = 0.7,
                min_share: float = MIN_SHARE) -> AccentModel:
    """A model from documents (raw file text) and the general sources; pass `general` to reuse one."""
    general = general if general is not None else train_general(sources)
    return _combined(train_domain(raw_texts), general, domain_weight, min_share)


def _combined(domain: NgramLM, general: NgramLM, domain_weight: float = 0.7,
              min_share: float = MIN_SHARE) -> AccentModel:
    return AccentModel(domain, general, candidate_forms(domain, general, min_share=min_share), domain_weight)


class _PlainUnpickler(pickle.Unpickler):
    """Loads only builtin containers and scalars: a cache file can never run code."""

    def find_class(self, module: str, name: str):  # noqa: ANN201
        raise pickle.UnpicklingError(f"unexpected object {module}.{name} in accent model cache")


def _save(path: Path, payload: dict) -> None:
    """Write atomically; a data directory that cannot be written only costs training again next time."""
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(tmp, "wb") as fh:
            pickle.dump(payload, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    except OSError:
        tmp.unlink(missing_ok=True)


def _load(path: Path) -> object:
    try:
        with open(path, "rb") as fh:
            return _PlainUnpickler(io.BytesIO(fh.read())).load()
    except (OSError, pickle.UnpicklingError, EOFError, ValueError, TypeError, AttributeError):
        return None


def _lm_to_dict(lm: NgramLM) -> dict:
    return dict(vars(lm))


def _lm_from_dict(d: object) -> NgramLM | None:
    try:
        return NgramLM(**d)  # type: ignore[arg-type]
    except TypeError:
        return None


def general_key(sources: Iterable[TextSource] = GENERAL_SOURCES) -> str:
    """Identifies the general model: changes with our model version and the source packages' versions."""
    parts = [f"v{MODEL_VERSION}"]
    parts += [f"{s.name}={_package_version(s.package)}" for s in available_sources(sources)]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:16]


def _drop_others(cache_dir: Path, pattern: str, keep: Path) -> None:
    for old in cache_dir.glob(pattern):
        if old != keep:
            try:
                old.unlink(missing_ok=True)
            except OSError:
                pass


def load_or_train_general(cache_dir: Path, sources: Iterable[TextSource] = GENERAL_SOURCES) -> NgramLM:
    """The general model from `cache_dir`, trained and saved there on first use (~2 s)."""
    cache_dir = Path(cache_dir)
    sources = tuple(sources)
    path = cache_dir / f"general-{general_key(sources)}.pkl"
    lm = _lm_from_dict(_load(path))
    if lm is None:
        lm = train_general(sources)
        _save(path, _lm_to_dict(lm))
        _drop_others(cache_dir, "general-*.pkl", path)
    return lm


def load_or_build(cache_dir: Path, documents: Iterable[tuple[str, str]],
                  sources: Iterable[TextSource] = GENERAL_SOURCES) -> AccentModel:
    """The model for a set of documents, given as (content hash, raw text) pairs, cached in `cache_dir`.

    The general part is shared by every document set; the in-domain part is keyed by the documents'
    hashes, so re-indexing the same documents reuses it, and is summed from each document's own trigram
    counts (`documents/<hash>.pkl`), so another document set counts only its new documents. A cache file
    that cannot be read is trained again.
    """
    cache_dir = Path(cache_dir)
    docs = sorted(documents)
    sources = tuple(sources)
    general = load_or_train_general(cache_dir, sources)
    key = hashlib.sha256("|".join([general_key(sources), *(h for h, _ in docs)]).encode()).hexdigest()[:16]
    path = cache_dir / f"domain-{key}.pkl"
    cached = _load(path)
    if isinstance(cached, dict) and isinstance(cached.get("forms"), dict):
        domain = _lm_from_dict(cached.get("domain"))
        if domain is not None:
            return AccentModel(domain, general, cached["forms"], float(cached.get("domain_weight", 0.7)))
    counts: Counter[tuple[str, str, str]] = Counter()
    for content_hash, raw in docs:
        counts.update(_document_trigrams(cache_dir / "documents", content_hash, raw))
    model = _combined(NgramLM.from_trigrams(counts), general)
    _save(path, {"domain": _lm_to_dict(model.domain), "forms": model.forms,
                 "domain_weight": model.domain_weight})
    _drop_others(cache_dir, "domain-*.pkl", path)
    kept = {f"{h}.pkl" for h, _ in docs}
    for old in (cache_dir / "documents").glob("*.pkl"):  # documents no longer indexed
        if old.name not in kept:
            old.unlink(missing_ok=True)
    return model


def _document_trigrams(directory: Path, content_hash: str, raw: str) -> dict[tuple[str, str, str], int]:
    """One document's trigram counts, cached by its content hash: after an upload only the new document is
    normalised and counted (retraining on 251 documents took ~20 s, nearly all of it re-reading the 250)."""
    path = directory / f"{content_hash}.pkl"
    cached = _load(path)
    if isinstance(cached, dict) and cached.get("version") == MODEL_VERSION:
        if isinstance(cached.get("tri"), dict):
            return cached["tri"]
    tri = dict(count_trigrams(document_sentences(raw)))
    _save(path, {"version": MODEL_VERSION, "tri": tri})
    return tri
