"""The read side of the index: one generation loaded for questions (chunks, documents, vectors, BM25).

`Index.load` checks that the generation was made with the model and store the settings name, so a question
never meets vectors of another model; a loaded `Index` never changes (a new generation is a new `Index`).
"""
from __future__ import annotations

import logging
from functools import cached_property
from pathlib import Path

import numpy as np

from embeddings.vector_store import VectorStore, Where, load_store
from qa.config import Settings
from qa.errors import VanbanError
from qa.index.generations import IndexedDocument, current_generation, read_chunks, read_manifest, read_raw
from qa.index.lexical import LexicalIndex
from qa.ingest.chunking import Chunk
from qa.ingest.documents import Document

log = logging.getLogger(__name__)


class Index:
    """A loaded generation: chunks, documents, vectors and the lexical index over them.

    Store errors (Milvus unreachable, a dropped collection, damaged files) are `StoreError`s, which are
    `VanbanError`s: they reach the user as a bilingual message.
    """

    def __init__(self, home: Path, gen_dir: Path, manifest: dict, chunks: list[Chunk], store: VectorStore):
        self.home = home
        self.gen_dir = gen_dir
        self.manifest = manifest
        self.chunks = chunks
        self.store = store
        self.documents = {d["id"]: IndexedDocument.from_entry(d) for d in manifest["documents"]}
        self.position = {c.chunk_id: i for i, c in enumerate(chunks)}

    @property
    def model(self) -> str:
        """The embedder name the vectors were made with."""
        return self.manifest["model"]

    @cached_property
    def lexical(self) -> LexicalIndex:
        """Saved with the generation; built from the chunks for one written before it was saved (or of
        another lexical version, or damaged)."""
        saved = LexicalIndex.load(self.gen_dir / "lexical", len(self.chunks))
        if saved is not None:
            return saved
        log.info("building the lexical index of %s from its %d chunks", self.gen_dir.name, len(self.chunks))
        return LexicalIndex.build([c.search_text for c in self.chunks])

    def dense_search(self, qvec: np.ndarray, k: int, where: Where | None = None) -> list[tuple[str, float]]:
        """The store's top k (chunk id, score), the filter applied inside the store's search."""
        return self.store.search(qvec, k, where)

    def dense_scores(self, qvec: np.ndarray, positions: np.ndarray | None = None) -> np.ndarray:
        """Exact dense scores of the chunks at `positions` (every chunk when None), read from the store."""
        chunks = self.chunks if positions is None else [self.chunks[int(i)] for i in positions]
        return self.store.scores(qvec, [c.chunk_id for c in chunks])

    def raw_text(self, doc_id: str) -> str:
        """The document's text exactly as read when it was indexed (what spans point into); "" for a
        document this generation does not hold."""
        try:
            return read_raw(self.gen_dir, doc_id)
        except FileNotFoundError:
            if doc_id in self.documents:
                log.warning("the raw text of %s is missing from %s: using \"\"", doc_id, self.gen_dir)
            return ""

    def document(self, doc_id: str) -> Document:
        return Document(id=doc_id, raw=self.raw_text(doc_id))

    @classmethod
    def load(cls, settings: Settings) -> Index:
        """The current generation, checked against the model and store `settings` name.

        Raises:
            VanbanError: no index yet (exit code 3), made with another model or store (4), damaged (2).
        """
        home = Path(settings.home)
        gen = current_generation(home)
        if gen is None:
            raise VanbanError(
                f"Chưa có chỉ mục trong {home}. Hãy chạy `vanban index` trước.",
                f"No index in {home} yet. Run `vanban index` first.", exit_code=3)
        manifest = read_manifest(gen)
        if manifest.get("model_spec") != settings.model:
            raise VanbanError(
                f"Chỉ mục được xây với mô hình '{manifest.get('model_spec')}', nhưng đang hỏi bằng "
                f"'{settings.model}'. Hãy chạy `vanban index --rebuild` với mô hình mới.",
                f"The index was built with model '{manifest.get('model_spec')}' but queried with "
                f"'{settings.model}'. Run `vanban index --rebuild` with the new model.", exit_code=4)
        chunks = read_chunks(gen)
        built = manifest.get("store", "faiss")
        if built != settings.store:
            raise VanbanError(
                f"Chỉ mục được xây với kho vectơ '{built}', nhưng VANBAN_STORE là '{settings.store}'. "
                "Hãy chạy `vanban index` (dùng lại bộ nhớ đệm embedding, không mã hóa lại văn bản).",
                f"The index was built with the '{built}' vector store but VANBAN_STORE is "
                f"'{settings.store}'. Run `vanban index` (it re-uses the embedding cache: no text is "
                "embedded again).", exit_code=4)
        store = load_store(gen / "store", manifest["model"], milvus_uri=settings.milvus_location)
        if len(store) != len(chunks):
            raise VanbanError("Chỉ mục bị hỏng: vectơ và đoạn không khớp. Hãy chạy `vanban index --rebuild`.",
                              "Index damaged: vectors and chunks disagree. Run `vanban index --rebuild`.")
        return cls(home, gen, manifest, chunks, store)
