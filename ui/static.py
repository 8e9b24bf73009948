"""The app's CSS and JavaScript, read once at start-up from the files in ui/assets/.

They live in files rather than Python strings so an editor, a linter or a browser's dev tools see them as what
they are; they ship with the package as package data (pyproject.toml), and importlib.resources finds them in
a source tree, an editable install and a wheel alike.
"""
from __future__ import annotations

import logging
from importlib import resources

logger = logging.getLogger(__name__)


def read_asset(name: str) -> str:
    """The text of ui/assets/`name`. A missing asset raises: an app without its script or stylesheet would
    look alive but be broken (no citations to click, no source panel), which is worse than not starting."""
    text = resources.files("ui").joinpath("assets", name).read_text(encoding="utf-8")
    logger.debug("asset %s: %d characters", name, len(text))
    return text
