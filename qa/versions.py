"""One record of the versions of everything qa/ keeps on disk, so a change that makes old files wrong is
one edit here, next to what bumping it costs.

Each field versions one kind of file; the code that writes the file records the number and the code that
reads it ignores (and rebuilds) a file of another number. Bump a field when its files would be read wrong
by the new code; the docstrings say what is then redone.

Not here, on purpose: the `embeddings` package's own formats (`embeddings.store_base.FORMAT` for a saved
vector store, `embeddings.convert.CONVERTER_VERSION` for the converted model folder), because that package
knows nothing of qa/; the converter version is part of the embedder's name, so bumping it re-embeds every
chunk, as a model change does.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Versions:
    pipeline: int = 5
    """Normalisation and chunking (`qa.text`, `qa.ingest.normalize`, `qa.ingest.chunking`). Bumping it makes
    the next `vanban index` (or upload) re-chunk every indexed document from the raw text its generation
    keeps; vectors come back from the embedding cache wherever a chunk's text is unchanged."""

    index_manifest: int = 1
    """Layout of a generation's `manifest.json` and `chunks.jsonl` (`qa.index.generations`). Recorded in each
    manifest; nothing reads it yet, so a bump must come with a check in `Index.load` that asks for
    `vanban index --rebuild`."""

    lexical: int = 1
    """What a saved BM25 index holds: tokenizer and fields (`qa.index.lexical`). Bumping it makes each
    generation's saved lexical index be ignored and rebuilt from the chunks whenever it is loaded, until the
    next `vanban index` saves a new one (~5 s per load at 7,200 chunks)."""

    extraction: int = 1
    """What text extraction returns for a file (`qa.ingest.formats`). Part of the key of the OCR cache under
    `<home>/extracted`: bumping it reads every scan again (seconds a page)."""

    accent_model: int = 1
    """Tokenisation and training of the accent restorer's model (`qa.accents.model`). Cached models under
    `<home>/accents` of another version are ignored: the general model and the corpus model are trained
    again (~15 s at 250 documents)."""


VERSIONS = Versions()
"""The versions this code writes and reads."""
