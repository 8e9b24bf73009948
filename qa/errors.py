"""The one exception type a user can cause, with a Vietnamese message first and English after.

Caught once at the edge (CLI, app) and shown as text, never as a traceback.
"""
from __future__ import annotations


class VanbanError(Exception):
    """A problem the user can fix: bad file, empty question, missing index, wrong model."""

    def __init__(self, vi: str, en: str, *, exit_code: int = 2) -> None:
        super().__init__(f"{vi} / {en}")
        self.vi = vi
        self.en = en
        self.exit_code = exit_code
