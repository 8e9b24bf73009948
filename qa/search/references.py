"""Documents and articles a question names: "Kết luận số 244-KL/TU", "Nghị quyết 35/2021/QH15", "Điều 6 của
Luật Tiếp cận thông tin", "khoản 2 Điều 9 Nghị định ...". A named document that is indexed is where the
answer is, and a named article is the part of it to cite, so retrieval prefers both.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace

from qa.metadata.document import DocumentMetadata
from qa.metadata.types import DOCUMENT_NUMBER, TYPES, number_key
from qa.text.vietnamese import fold_lower

__all__ = ["Reference", "find_references", "resolve"]

_NUMBER = re.compile(rf"(?<![\w/])({DOCUMENT_NUMBER})(?![\w/])", re.IGNORECASE)
_ARTICLE = re.compile(r"\bdieu\s+(\d{1,3}[a-z]?)\b")
_CLAUSE = re.compile(r"\bkhoan\s+(\d{1,2})\b")
_TYPE = re.compile(r"\b(" + "|".join(sorted(TYPES, key=len, reverse=True)) + r")\s+([a-z]+(?:\s[a-z]+){0,7})")
_NAME_STOP = frozenset("de cap quy dinh co la ve thi gi nao dieu khoan nhu the sao bao nhieu khi ai o dau "
                       "nam quy so ngay cua duoc".split())
MIN_NAME_WORDS = 2


@dataclass(frozen=True)
class Reference:
    number: str = ""
    """A document number as `number_key` gives it ("244-kl/tu"), "" when none is named."""
    doc_type: str = ""
    """The type named before a name ("Luật" in "Luật Tiếp cận thông tin"), "" when none."""
    name: tuple[str, ...] = ()
    """The folded words that follow the type, up to a word that starts the question proper."""
    article: str = ""
    clause: str = ""


def find_references(text: str) -> tuple[Reference, ...]:
    """What the question names: document numbers, a typed name, an article and clause."""
    key = fold_lower(text)
    refs = [Reference(number=number_key(m.group(1))) for m in _NUMBER.finditer(text)]
    article = _ARTICLE.search(key)
    clause = _CLAUSE.search(key)
    named = None
    for m in _TYPE.finditer(key):
        words = []
        for w in m.group(2).split():
            if w in _NAME_STOP:
                break
            words.append(w)
        if len(words) >= MIN_NAME_WORDS:
            named = Reference(doc_type=TYPES[m.group(1)], name=tuple(words))
            break
    part = {"article": article.group(1) if article else "", "clause": clause.group(1) if clause else ""}
    if named:
        refs.append(Reference(doc_type=named.doc_type, name=named.name))
    if article and refs:  # "khoản 2 Điều 9 Nghị định 118/2024/NĐ-CP": the article of the document named
        refs[0] = replace(refs[0], **part)
    elif article:
        refs.append(Reference(**part))
    return tuple(refs)


def resolve(ref: Reference, documents: dict[str, DocumentMetadata]) -> set[str]:
    """The indexed documents a reference names: by number (issuer aside: the same number of two bodies is
    two documents, and both are candidates), else by type and the longest run of name words in the title."""
    if ref.number:
        return {d for d, m in documents.items() if m.number and number_key(m.number) == ref.number}
    if not ref.name:
        return set()
    best, found = 0, set()
    for d, m in documents.items():
        if ref.doc_type and m.doc_type != ref.doc_type:
            continue
        title = fold_lower(m.title)
        n = len(ref.name)
        while n >= MIN_NAME_WORDS and " ".join(ref.name[:n]) not in title:
            n -= 1
        if n >= MIN_NAME_WORDS and n >= best:
            found = found | {d} if n == best else {d}
            best = n
    return found


def in_article(section: str, article: str) -> bool:
    """Whether a chunk's section path is inside "Điều <article>."."""
    return bool(re.search(rf"\bdieu\s+{re.escape(article)}\s*[.:]", fold_lower(section)))
