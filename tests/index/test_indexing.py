"""Indexing with a fast fake embedder: incremental updates, duplicates, removal, crash safety, bad files."""
from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from qa.assistant import Assistant
from qa.config import Settings
from qa.errors import VanbanError
from qa.index.builder import IndexBuilder, Previous, plan_update
from qa.index.generations import current_generation
from qa.index.loaded import Index
from qa.ingest.documents import Document, load_documents
from tests.fakes import HashEmbedder

SEEDS = Path(__file__).resolve().parents[2] / "seeds"


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "docs"
    folder.mkdir()
    for f in sorted(SEEDS.glob("*.txt"))[:3]:
        shutil.copy(f, folder / f.name)
    return folder


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(home=tmp_path / "home", model="fake-hash")


def test_reindexing_unchanged_documents_embeds_nothing_and_adding_one_embeds_only_its_chunks(
    corpus, settings
):
    embedder = HashEmbedder()
    first = IndexBuilder(settings, embedder).update([corpus])
    assert first.new and first.embedded == first.chunks == embedder.calls > 0
    again = IndexBuilder(settings, embedder).update([corpus])
    assert again.embedded == 0 and sorted(again.unchanged) == sorted(first.new) and not again.new
    assert embedder.calls == first.chunks
    shutil.copy(sorted(SEEDS.glob("*.txt"))[3], corpus)
    added = IndexBuilder(settings, embedder).update([corpus])
    index = Index.load(settings)
    new_chunks = [c for c in index.chunks if c.doc_id == added.new[0]]
    assert added.new == [sorted(SEEDS.glob("*.txt"))[3].name]
    assert added.embedded == len(new_chunks) == embedder.calls - first.chunks


def test_same_content_under_another_name_is_indexed_once(corpus, settings, tmp_path):
    embedder = HashEmbedder()
    IndexBuilder(settings, embedder).update([corpus])
    twin = tmp_path / "ban_sao.txt"
    shutil.copy(sorted(corpus.glob("*.txt"))[0], twin)
    report = IndexBuilder(settings, embedder).update([twin])
    assert report.duplicates == [("ban_sao.txt", sorted(corpus.glob("*.txt"))[0].name)]
    assert "ban_sao.txt" not in Index.load(settings).documents


def test_a_file_deleted_from_the_folder_is_removed_and_remove_works(corpus, settings):
    embedder = HashEmbedder()
    IndexBuilder(settings, embedder).update([corpus])
    gone = sorted(corpus.glob("*.txt"))[0]
    gone.unlink()
    report = IndexBuilder(settings, embedder).update([corpus])
    assert report.removed == [gone.name]
    other = sorted(corpus.glob("*.txt"))[0].name
    IndexBuilder(settings, embedder).update(remove=[other])
    assert set(Index.load(settings).documents) == {f.name for f in corpus.glob("*.txt")} - {other}
    with pytest.raises(VanbanError):
        IndexBuilder(settings, embedder).update(remove=["khong-co.txt"])


def test_a_crash_while_writing_leaves_the_previous_index_usable(corpus, settings, monkeypatch):
    embedder = HashEmbedder()
    IndexBuilder(settings, embedder).update([corpus])
    before = current_generation(settings.home)
    shutil.copy(sorted(SEEDS.glob("*.txt"))[4], corpus)

    def crash(*args, **kwargs):
        raise KeyboardInterrupt("killed while writing")

    monkeypatch.setattr("qa.index.generations._write_text_atomic", crash)
    with pytest.raises(KeyboardInterrupt):
        IndexBuilder(settings, embedder).update([corpus])
    monkeypatch.undo()
    assert current_generation(settings.home) == before
    answer = Assistant(settings, embedder=embedder).ask("chỉ tiêu giao quân năm 2022")
    assert answer.passages
    done = IndexBuilder(settings, embedder).update([corpus])
    assert done.new == [sorted(SEEDS.glob("*.txt"))[4].name]


def test_the_bm25_index_is_saved_with_its_generation_and_one_without_it_still_answers(corpus, settings):
    embedder = HashEmbedder()
    IndexBuilder(settings, embedder).update([corpus])
    gen = current_generation(settings.home)
    assert (gen / "lexical" / "lexical.json").exists()
    saved = Index.load(settings).lexical.scores("chỉ tiêu giao quân năm 2022")
    assert saved.max() > 0
    shutil.rmtree(gen / "lexical")  # a generation written before the index was saved
    assert np.array_equal(Index.load(settings).lexical.scores("chỉ tiêu giao quân năm 2022"), saved)


def test_questions_during_an_update_go_to_the_loaded_generation_until_the_new_one_is_prepared(
        corpus, settings, monkeypatch):
    import threading

    import qa.assistant
    from qa.ingest.documents import Document
    embedder = HashEmbedder()
    assistant = Assistant(settings, embedder=embedder)
    assistant.build([corpus])
    assistant.prepare()
    old = assistant.index.gen_dir
    preparing, release = threading.Event(), threading.Event()
    real_prepare = qa.assistant.prepare_comparisons

    def slow_prepare(index):
        preparing.set()
        release.wait(30)
        real_prepare(index)

    monkeypatch.setattr("qa.assistant.prepare_comparisons", slow_prepare)
    note = Document(id="nuoi-yen.txt",
                    raw="THÔNG BÁO\nĐề án nuôi chim yến ở đảo Bạch Long Vĩ giao cho Sở Nông nghiệp.\n")
    builder = threading.Thread(target=lambda: assistant.build(documents=[note]))
    builder.start()
    assert preparing.wait(30)
    assert current_generation(settings.home) != old  # the new generation is current on disk ...
    during = assistant.ask("Đề án nuôi chim yến ở đảo Bạch Long Vĩ giao cho ai?")
    assert assistant.index.gen_dir == old  # ... but questions stay on the prepared one meanwhile
    assert all(p.hit.chunk.doc_id != "nuoi-yen.txt" for p in during.passages)
    release.set()
    builder.join(30)
    assert assistant.index.gen_dir == current_generation(settings.home)
    after = assistant.ask("Đề án nuôi chim yến ở đảo Bạch Long Vĩ giao cho ai?")
    assert after.passages[0].hit.chunk.doc_id == "nuoi-yen.txt"


def test_removing_every_document_leaves_an_empty_index_that_answers_not_found(corpus, settings):
    embedder = HashEmbedder()
    IndexBuilder(settings, embedder).update([corpus])
    IndexBuilder(settings, embedder).update(remove=[f.name for f in corpus.glob("*.txt")])
    assistant = Assistant(settings, embedder=embedder)
    assert assistant.documents() == []
    answer = assistant.ask("chỉ tiêu giao quân năm 2022")
    assert answer.abstained and not answer.passages


def test_asking_with_another_model_than_the_index_was_built_with_is_a_clear_error(corpus, settings):
    IndexBuilder(settings, HashEmbedder()).update([corpus])
    other = Settings(home=settings.home, model="another-model")
    with pytest.raises(VanbanError) as err:
        Assistant(other, embedder=HashEmbedder("another-model")).ask("chỉ tiêu giao quân")
    assert "--rebuild" in err.value.vi


def test_no_index_yet_is_a_clear_error(settings):
    with pytest.raises(VanbanError) as err:
        Assistant(settings, embedder=HashEmbedder()).ask("chỉ tiêu giao quân")
    assert "vanban index" in err.value.vi and err.value.exit_code == 3


def test_bad_files_are_reported_by_name_and_the_rest_still_load(tmp_path):
    folder = tmp_path / "mixed"
    folder.mkdir()
    shutil.copy(sorted(SEEDS.glob("*.txt"))[0], folder / "good.txt")
    (folder / "empty.txt").write_bytes(b"")
    (folder / "binary.txt").write_bytes(bytes(range(256)) * 8)
    (folder / "legacy.txt").write_bytes("Nghì quyêt nãm 2022 à é".encode("cp1252"))
    (folder / "image.png").write_bytes(b"\x89PNG\r\n")
    (folder / "notes.xlsx").write_bytes(b"PK\x03\x04")
    result = load_documents([folder, tmp_path / "missing.txt"])
    assert [d.id for d in result.documents] == ["good.txt"]
    reasons = {e.path.name: e.reason_en for e in result.errors}
    assert "empty" in reasons["empty.txt"]
    assert "binary" in reasons["binary.txt"]
    assert "UTF-8" in reasons["legacy.txt"]
    assert "no such file" in reasons["missing.txt"]
    # a scan is read by OCR now: a broken one is reported (damaged, or no OCR here)
    assert reasons["image.png"]
    assert "notes.xlsx" not in reasons  # a folder lists only the formats it supports


def test_an_unsupported_file_named_directly_is_refused(tmp_path):
    path = tmp_path / "table.xlsx"
    path.write_bytes(b"PK\x03\x04")
    (err,) = load_documents([path]).errors
    assert "not supported" in err.reason_en and "table.xlsx" in str(err)


# --- the planning stage, alone (pure: no files, no model) ----------------------------------------------


def _previous(docs: list[Document], *, chunked: bool = True, sources: dict[str, str] | None = None,
              ) -> Previous:
    """A previous generation holding `docs` (one chunk each; reusable unless made by another pipeline)."""
    entries = {d.id: {"id": d.id, "content_hash": d.content_hash, "source": (sources or {}).get(d.id, ""),
                      "chunks": 1, "metadata": {}} for d in docs}
    chunks = {d.id: [] for d in docs} if chunked else {}
    return Previous(entries, {d.id: d.raw for d in docs}, chunks, "faiss")


def test_plan_sorts_documents_into_unchanged_updated_new_duplicate_and_removed():
    a, b, c = (Document(id=i, raw=f"Văn bản {i.upper()}") for i in "abc")
    previous = _previous([a, b, c])
    incoming = [Document(id="a", raw="Văn bản A"), Document(id="b", raw="Văn bản B, sửa"),
                Document(id="d", raw="Văn bản D"), Document(id="a-copy", raw="Văn bản A")]
    plan = plan_update(previous, incoming, remove=["c"])
    assert (plan.unchanged, plan.updated, plan.new, plan.removed) == (["a"], ["b"], ["d"], ["c"])
    assert plan.duplicates == [("a-copy", "a")] and not plan.stale
    assert list(plan.keep) == ["a"] and [d.id for d in plan.fresh] == ["b", "d"]
    assert plan.changes
    nothing = plan_update(previous, [Document(id="b", raw="Văn bản B")])
    assert not nothing.changes and nothing.unchanged == ["b"] and list(nothing.keep) == ["a", "b", "c"]


def test_plan_rechunks_documents_of_another_pipeline_drops_vanished_ones_and_refuses_unknown_removals():
    a, b = Document(id="a", raw="Văn bản A"), Document(id="b", raw="Văn bản B")
    previous = _previous([a, b], chunked=False, sources={"a": "/kho/a.txt"})
    plan = plan_update(previous, [], vanished={"b"})
    assert plan.removed == ["b"] and plan.stale == ["a"] and not plan.keep
    assert [(d.id, d.raw, str(d.path)) for d in plan.fresh] == [("a", "Văn bản A", "/kho/a.txt")]
    updated_elsewhere = plan_update(_previous([a, b]), [Document(id="b", raw="B mới")], vanished={"b"})
    assert updated_elsewhere.updated == ["b"] and not updated_elsewhere.removed
    with pytest.raises(VanbanError) as err:
        plan_update(previous, [], remove=["khong-co.txt"])
    assert "khong-co.txt" in err.value.vi and "khong-co.txt" in err.value.en
