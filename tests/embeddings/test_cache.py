"""Content-hash embedding cache: unchanged text is never embedded twice, and models never share vectors."""
from __future__ import annotations

import hashlib
import sqlite3
import threading

import numpy as np
import pytest

from embeddings.cache import EmbeddingCache, content_hash, embed_with_cache
from tests.fakes import HashEmbedder

TEXTS = [
    "Hoàn thành 100% chỉ tiêu giao quân năm 2022.",
    "Tổng sản phẩm trên địa bàn (GRDP) ước tăng 13,22%.",
    "Thu ngân sách nhà nước đạt 35% dự toán.",
]


@pytest.fixture
def cache(tmp_path):
    with EmbeddingCache(tmp_path / "cache" / "embeddings.sqlite") as c:
        yield c


def test_content_hash_is_sha256_of_the_exact_text():
    assert content_hash("abc") == hashlib.sha256(b"abc").hexdigest()
    assert content_hash("Đảng") == hashlib.sha256("Đảng".encode()).hexdigest()
    assert content_hash("a ") != content_hash("a")


def test_second_embed_of_same_texts_embeds_nothing(cache):
    embedder = HashEmbedder()
    first, n_first = embed_with_cache(embedder, TEXTS, cache)
    second, n_second = embed_with_cache(embedder, TEXTS, cache)
    assert (n_first, n_second) == (3, 0)
    assert embedder.calls == 3
    np.testing.assert_array_equal(first, second)
    np.testing.assert_array_equal(first, HashEmbedder().embed_passages(TEXTS))


def test_adding_one_text_embeds_one(cache):
    embedder = HashEmbedder()
    embed_with_cache(embedder, TEXTS, cache)
    vectors, n = embed_with_cache(embedder, [*TEXTS, "Một đoạn mới."], cache)
    assert n == 1
    assert embedder.calls == 4
    assert vectors.shape == (4, 64)


def test_other_model_name_does_not_reuse_vectors(cache):
    embed_with_cache(HashEmbedder(), TEXTS, cache)
    other = HashEmbedder(name="fake-hash-v2")
    _, n = embed_with_cache(other, TEXTS, cache)
    assert n == 3 and other.calls == 3
    assert cache.count("fake-hash") == cache.count("fake-hash-v2") == 3


def test_duplicates_are_embedded_once_and_order_is_kept(cache):
    embedder = HashEmbedder()
    texts = [TEXTS[1], TEXTS[0], TEXTS[1], TEXTS[1]]
    vectors, n = embed_with_cache(embedder, texts, cache)
    assert n == 2 and embedder.calls == 2
    expected = HashEmbedder().embed_passages(texts)
    np.testing.assert_allclose(vectors, expected, atol=1e-7)


def test_empty_input(cache):
    vectors, n = embed_with_cache(HashEmbedder(), [], cache)
    assert vectors.shape == (0, 64) and n == 0


def test_cache_survives_reopening(tmp_path):
    path = tmp_path / "e.sqlite"
    with EmbeddingCache(path) as c:
        embed_with_cache(HashEmbedder(), TEXTS, c)
    embedder = HashEmbedder()
    with EmbeddingCache(path) as c:
        _, n = embed_with_cache(embedder, TEXTS, c)
    assert n == 0 and embedder.calls == 0


def test_get_many_returns_only_known_hashes_as_float32(cache):
    v = np.arange(4, dtype=np.float64)
    cache.put_many("m", {"h1": v})
    got = cache.get_many("m", ["h1", "h2"])
    assert list(got) == ["h1"]
    assert got["h1"].dtype == np.float32
    np.testing.assert_array_equal(got["h1"], v.astype(np.float32))


def test_get_many_handles_more_hashes_than_sqlite_parameters(cache):
    items = {f"h{i}": np.full(2, i, dtype=np.float32) for i in range(2500)}
    cache.put_many("m", items)
    got = cache.get_many("m", list(items))
    assert len(got) == 2500 and got["h2499"][0] == 2499


def test_put_many_is_one_transaction(cache):
    cache.put_many("m", {"a": np.ones(2, dtype=np.float32)})
    bad = {"b": np.ones(2, dtype=np.float32), None: np.ones(2, dtype=np.float32)}  # 2nd row breaks NOT NULL
    with pytest.raises(sqlite3.IntegrityError):
        cache.put_many("m", bad)  # type: ignore[dict-item]
    assert set(cache.get_many("m", ["a", "b"])) == {"a"}
    cache.put_many("m", {"b": np.ones(2, dtype=np.float32)})  # the connection is usable afterwards
    assert set(cache.get_many("m", ["a", "b"])) == {"a", "b"}


def test_an_interrupted_run_keeps_what_it_embedded(cache, monkeypatch):
    import embeddings.cache as cache_module

    monkeypatch.setattr(cache_module, "COMMIT_EVERY", 2)

    class Crashing(HashEmbedder):
        def embed_passages(self, texts, **kw):
            if self.calls >= 2:
                raise KeyboardInterrupt
            return super().embed_passages(texts, **kw)

    with pytest.raises(KeyboardInterrupt):
        embed_with_cache(Crashing(), TEXTS, cache)
    resumed = HashEmbedder()
    _, n = embed_with_cache(resumed, TEXTS, cache)
    assert n == 1


def test_progress_counts_only_texts_embedded_now(cache, monkeypatch):
    import embeddings.cache as cache_module

    monkeypatch.setattr(cache_module, "COMMIT_EVERY", 2)
    embed_with_cache(HashEmbedder(), TEXTS[:1], cache)
    seen: list[tuple[int, int]] = []
    embed_with_cache(HashEmbedder(), [*TEXTS, "bốn", "năm"], cache, progress=lambda d, t: seen.append((d, t)))
    assert seen[-1] == (4, 4)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)


def test_threads_can_share_a_cache(cache):
    errors: list[BaseException] = []

    def work(i: int) -> None:
        try:
            embed_with_cache(HashEmbedder(), [f"văn bản {i} {j}" for j in range(20)], cache)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert cache.count("fake-hash") == 80


def test_file_is_plain_sqlite(tmp_path):
    path = tmp_path / "e.sqlite"
    with EmbeddingCache(path) as c:
        c.put_many("m", {"h": np.ones(3, dtype=np.float32)})
    rows = sqlite3.connect(path).execute("SELECT model, hash, dim, length(vector) FROM embeddings").fetchall()
    assert rows == [("m", "h", 3, 12)]
