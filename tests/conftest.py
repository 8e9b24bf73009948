"""Shared fixtures: the seed documents, and the real default model loaded once per test run."""
from __future__ import annotations

from pathlib import Path

import pytest

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    return SEEDS


@pytest.fixture(scope="session")
def seed_documents():
    from qa.ingest.documents import load_documents
    result = load_documents([SEEDS])
    assert not result.errors
    return {d.id[:3]: d for d in result.documents}


@pytest.fixture(scope="session")
def seeds_home(tmp_path_factory) -> Path:
    """A data directory with the seeds indexed by the real default model (built once per test run)."""
    from qa.assistant import Assistant
    from qa.config import Settings
    home = tmp_path_factory.mktemp("vanban-home")
    Assistant(Settings(home=home)).build([SEEDS])
    return home


@pytest.fixture(scope="session")
def assistant(seeds_home):
    from qa.assistant import Assistant
    from qa.config import Settings
    return Assistant(Settings(home=seeds_home))
