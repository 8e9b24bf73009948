"""An index made by another pipeline version loses nothing when one document is added afterwards."""
from __future__ import annotations

import json
import shutil

from qa.assistant import Assistant
from qa.config import Settings
from qa.index.generations import current_generation
from tests.conftest import SEEDS
from tests.fakes import HashEmbedder


def test_adding_one_document_to_an_old_pipeline_index_rechunks_the_others(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    for name in sorted(p.name for p in SEEDS.glob("*.txt"))[:2]:
        shutil.copy(SEEDS / name, docs / name)
    settings = Settings(home=tmp_path / "home")
    Assistant(settings, embedder=HashEmbedder()).build([docs])
    manifest_path = current_generation(settings.home) / "manifest.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    manifest["pipeline"] = -1  # as if written by an older version
    manifest_path.write_text(json.dumps(manifest), encoding="utf-8")

    extra = tmp_path / "extra"
    extra.mkdir()
    third = sorted(p.name for p in SEEDS.glob("*.txt"))[2]
    shutil.copy(SEEDS / third, extra / third)
    Assistant(settings, embedder=HashEmbedder()).build([extra])
    ids = {d.id for d in Assistant(settings, embedder=HashEmbedder()).documents()}
    assert ids == {p.name for p in docs.iterdir()} | {third}
