"""Hard filters (document, year, quarter, type) and the per-chunk attributes that let a store apply them.

`Filters.allows` is the meaning; `chunk_attributes` + `Filters.where` restate it over scalar fields that
every store can test inside its search (FAISS on its attributes, Milvus as a boolean expression), and
tests check that the two agree on every document.
"""
from __future__ import annotations

from dataclasses import dataclass

from embeddings.vector_store import Where
from qa.metadata.document import DocumentMetadata
from qa.text.vietnamese import fold


@dataclass(frozen=True)
class Filters:
    """Hard filters from flags or app controls (the question's own words only boost)."""

    year: int | None = None
    quarter: int | None = None
    doc: str | None = None
    doc_type: str | None = None

    def allows(self, doc_id: str, meta: DocumentMetadata) -> bool:
        if self.doc and doc_id != self.doc:
            return False
        if self.doc_type and _type_key(meta.doc_type) != _type_key(self.doc_type):
            return False
        if self.year is not None and self.year not in meta.years:
            return False
        if self.quarter is not None:
            periods = meta.reviews + meta.plans
            if not any(p.quarter == self.quarter and (self.year is None or p.year == self.year)
                       for p in periods):
                return False
        return True

    def where(self) -> Where:
        """The same filter over `chunk_attributes`."""
        equals: list[tuple[str, str]] = []
        contains: list[tuple[str, int]] = []
        if self.doc:
            equals.append(("doc", self.doc))
        if self.doc_type:
            equals.append(("doc_type", _type_key(self.doc_type)))
        if self.year is not None:
            contains.append(("years", self.year))
        if self.quarter is not None:
            contains.append(("quarters", self.quarter) if self.year is None
                            else ("year_quarters", _year_quarter(self.year, self.quarter)))
        return Where(tuple(equals), tuple(contains))


def chunk_attributes(doc_id: str, meta: DocumentMetadata) -> dict[str, str | list[int]]:
    """What a store keeps beside each chunk's vector so `Filters.where` can be tested in the search."""
    periods = [p for p in meta.reviews + meta.plans if p.quarter is not None]
    return {"doc": doc_id, "doc_type": _type_key(meta.doc_type), "years": sorted(meta.years),
            "quarters": sorted({p.quarter for p in periods}),
            "year_quarters": sorted({_year_quarter(p.year, p.quarter) for p in periods})}


def _type_key(doc_type: str) -> str:
    return fold(doc_type).lower()


def _year_quarter(year: int, quarter: int) -> int:
    return year * 10 + quarter
