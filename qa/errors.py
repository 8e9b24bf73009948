"""The one error hierarchy: every problem a user can cause or fix is a `VanbanError`, with a Vietnamese
message first and English after.

Caught once at each edge (the CLI's `main`, the app's handlers) and shown as text with its exit code, never
as a traceback. The embedding package's errors subclass it (`embeddings.base.EmbedderError`,
`embeddings.store_base.StoreError`), as does `qa.ingest.formats.ExtractError`; so this module imports
nothing, and `embeddings` may depend on it without depending on the rest of `qa`.
"""
from __future__ import annotations


class VanbanError(Exception):
    """A problem the user can fix: bad file, empty question, missing index, wrong model.

    Exit codes (README): 2 bad input (the default), 3 no index yet, 4 index built with another model or
    store; 1 is the CLI's own "some files or lines failed".
    """

    def __init__(self, vi: str, en: str, *, exit_code: int = 2) -> None:
        super().__init__(f"{vi} / {en}")
        self.vi = vi
        self.en = en
        self.exit_code = exit_code
