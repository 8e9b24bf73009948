"""Milvus backend (Milvus Lite, in-process): same results as FAISS, filters pushed down as expressions,
one collection per generation, switching stores embeds nothing again."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from embeddings.milvus_store import MilvusStore
from embeddings.store import FaissStore, StoreError, StoreMismatchError, read_manifest
from qa.config import Settings
from qa.errors import VanbanError
from qa.index.builder import IndexBuilder
from qa.index.filters import Filters, chunk_attributes
from qa.index.generations import current_generation
from qa.index.loaded import Index
from qa.ingest.documents import load_documents
from qa.search.query import understand
from qa.search.retrieval import Retriever
from tests.fakes import HashEmbedder

SEEDS = Path(__file__).resolve().parents[2] / "seeds"
QUESTIONS = ["chỉ tiêu giao quân năm 2022", "kim ngạch xuất khẩu quý I",
             "xây dựng Đảng và hệ thống chính trị", "thu ngân sách nhà nước", "chuyển đổi số",
             "phòng chống dịch Covid-19"]


@pytest.fixture(scope="module")
def seed_metadata():
    result = load_documents([SEEDS])
    return {d.id: d.metadata for d in result.documents}


def filter_grid(metadata) -> list[Filters]:
    years = sorted({y for m in metadata.values() for y in m.years})
    types = sorted({m.doc_type for m in metadata.values() if m.doc_type})
    grid = [Filters(doc=d) for d in metadata] + [Filters(doc_type=t) for t in types]
    grid += [Filters(doc_type=t.upper()) for t in types]  # the type is compared accent- and case-folded
    grid += [Filters(year=y) for y in years + [1999]]
    grid += [Filters(quarter=q) for q in (1, 2, 3, 4)]
    grid += [Filters(year=y, quarter=q) for y in years for q in (1, 2, 3, 4)]
    grid += [Filters(year=y, doc_type=t) for y in years for t in types]
    return grid


def test_pushed_down_filters_mean_exactly_what_filters_allows_on_every_seed(seed_metadata):
    for filters in filter_grid(seed_metadata):
        where = filters.where()
        for doc, meta in seed_metadata.items():
            assert where.matches(chunk_attributes(doc, meta)) == filters.allows(doc, meta), (filters, doc)


def test_the_milvus_expression_of_a_filter():
    where = Filters(year=2022, quarter=2, doc_type="Kết luận", doc='a"b.txt').where()
    assert where.expression() == ('doc == "a\\"b.txt" and doc_type == "ket luan"'
                                  ' and array_contains(years, 2022)'
                                  ' and array_contains(year_quarters, 20222)')
    assert Filters(quarter=3).where().expression() == "array_contains(quarters, 3)"
    assert not Filters().where()


@pytest.fixture(scope="module")
def pair(tmp_path_factory, seed_metadata):
    """The seeds' chunks as a FAISS store and a Milvus Lite store, same vectors (HashEmbedder)."""
    from qa.ingest.chunking import chunk_document
    embedder = HashEmbedder()
    docs = load_documents([SEEDS]).documents
    chunks = [c for d in docs for c in chunk_document(d)]
    ids = [c.chunk_id for c in chunks]
    vectors = embedder.embed_passages([c.index_text for c in chunks])
    attributes = [chunk_attributes(c.doc_id, seed_metadata[c.doc_id]) for c in chunks]
    uri = str(tmp_path_factory.mktemp("milvus") / "milvus.db")
    milvus = MilvusStore.build(ids, vectors, embedder.name, attributes, uri=uri, collection="pair")
    return FaissStore.build(ids, vectors, embedder.name, attributes), milvus, embedder, uri


def test_milvus_returns_what_faiss_returns_with_and_without_filters(pair, seed_metadata):
    faiss_store, milvus, embedder, _ = pair
    assert len(milvus) == len(faiss_store) and milvus.index_type == "FLAT"
    for question in QUESTIONS:
        q = embedder.embed_queries([question])[0]
        for filters in [None, *filter_grid(seed_metadata)[::3]]:
            where = filters.where() if filters else None
            want, got = faiss_store.search(q, 10, where), milvus.search(q, 10, where)
            assert [i for i, _ in got] == [i for i, _ in want], (question, filters)
            np.testing.assert_allclose([s for _, s in got], [s for _, s in want], atol=1e-5)
        ids = [i for i, _ in faiss_store.search(q, len(faiss_store))][::7]  # every id, best first
        np.testing.assert_allclose(milvus.scores(q, ids), faiss_store.scores(q, ids), atol=1e-5)


def test_a_saved_milvus_store_names_its_collection_and_checks_the_model(pair, tmp_path):
    _, milvus, embedder, uri = pair
    milvus.save(tmp_path / "store")
    manifest = read_manifest(tmp_path / "store")
    assert (manifest.backend, manifest.collection, manifest.count) == ("milvus", "pair", len(milvus))
    loaded = MilvusStore.load(tmp_path / "store", embedder.name, uri=uri)
    q = embedder.embed_queries(["giao quân"])[0]
    assert loaded.search(q, 5) == milvus.search(q, 5)
    with pytest.raises(StoreMismatchError):
        MilvusStore.load(tmp_path / "store", "another-model", uri=uri)
    with pytest.raises(StoreError, match="rebuild"):
        MilvusStore.load(tmp_path / "store", embedder.name, uri=str(tmp_path / "other.db"))


def test_an_unreachable_server_is_a_bilingual_error(tmp_path):
    settings = Settings(home=tmp_path / "home", model="fake-hash", store="milvus", milvus_uri="http://127.0.0.1:9")
    with pytest.raises(VanbanError) as info:
        IndexBuilder(settings, HashEmbedder()).update([sorted(SEEDS.glob("*.txt"))[0]])
    assert ("Không kết nối được máy chủ Milvus" in info.value.vi
            and "Cannot reach the Milvus server" in info.value.en)


def test_an_unknown_store_name_is_refused():
    with pytest.raises(VanbanError, match="VANBAN_STORE"):
        Settings(store="qdrant")


def test_switching_store_embeds_nothing_and_answers_the_same(tmp_path):
    embedder = HashEmbedder()
    faiss_settings = Settings(home=tmp_path / "home", model="fake-hash")
    milvus_settings = Settings(home=tmp_path / "home", model="fake-hash", store="milvus")
    first = IndexBuilder(faiss_settings, embedder).update([SEEDS])
    faiss_index = Index.load(faiss_settings)
    with pytest.raises(VanbanError) as info:  # asked with the other store before re-indexing
        Index.load(milvus_settings)
    assert info.value.exit_code == 4 and "vanban index" in info.value.en

    switched = IndexBuilder(milvus_settings, embedder).update([SEEDS])
    assert switched.embedded == 0 and embedder.calls == first.chunks  # every vector came from cache.sqlite
    milvus_index = Index.load(milvus_settings)
    assert milvus_index.store.kind == "milvus" and len(milvus_index.store) == first.chunks
    assert (tmp_path / "home" / "milvus.db").is_dir()
    for filters in [None, Filters(year=2022), Filters(doc_type="Kết luận"), Filters(year=2021, quarter=1)]:
        for question in QUESTIONS:
            a = Retriever(faiss_index, embedder).search(understand(question), 5, filters)
            b = Retriever(milvus_index, embedder).search(understand(question), 5, filters)
            assert [h.chunk.chunk_id for h in a] == [h.chunk.chunk_id for h in b], (question, filters)

    # one collection per generation: the newest two are kept, older ones are dropped with their folders
    from embeddings.milvus_store import connect
    seed = sorted(SEEDS.glob("*.txt"))[0].read_text(encoding="utf-8")
    (tmp_path / "extra.txt").write_text(seed + "\nMột dòng thêm.\n", encoding="utf-8")
    IndexBuilder(milvus_settings, embedder).update([tmp_path / "extra.txt"], sync_sources=False)
    IndexBuilder(milvus_settings, embedder).update([SEEDS], remove=["extra.txt"], sync_sources=False)
    gens = sorted((tmp_path / "home").glob("gen-*"))
    named = {read_manifest(g / "store").collection for g in gens} - {""}
    ours = {n for n in connect(milvus_settings.milvus_location).list_collections() if n.startswith("vanban_")}
    assert ours == named and len(named) == 2
    assert current_generation(tmp_path / "home") == gens[-1]


def test_a_dropped_collection_is_a_bilingual_error_not_a_traceback(tmp_path):
    embedder = HashEmbedder()
    settings = Settings(home=tmp_path / "home", model="fake-hash", store="milvus")
    IndexBuilder(settings, embedder).update([sorted(SEEDS.glob("*.txt"))[0]])
    index = Index.load(settings)
    index.store.drop()  # e.g. someone cleaned the server while the app was running
    with pytest.raises(VanbanError) as info:
        Retriever(index, embedder).search(understand("chỉ tiêu giao quân năm 2022"), 5)
    assert "Milvus" in info.value.vi and "Milvus" in info.value.en
    with pytest.raises(VanbanError, match="rebuild"):
        Index.load(settings)
