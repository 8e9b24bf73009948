"""Settings read once from the environment (and CLI flags) and passed down, never re-read deep in the code."""
from __future__ import annotations

import os
from dataclasses import dataclass, replace
from pathlib import Path

DEFAULT_HOME = Path(".vanban")
"""Data directory when `VANBAN_HOME` is not set: `.vanban/` under the current directory."""

SEEDS_DIR = Path(__file__).resolve().parent.parent / "seeds"
"""The default corpus shipped with the project."""


@dataclass(frozen=True)
class Settings:
    home: Path = DEFAULT_HOME
    model: str = "e5-small"
    store: str = "faiss"
    top_k: int = 5
    models: Path | None = None
    """Where the default model is converted to (`VANBAN_MODELS`); None: `$XDG_CACHE_HOME/vanban/models`,
    shared by every data directory of the user, like Hugging Face's cache (a conversion is ~600 MB and
    ~40 s, not worth repeating per corpus)."""
    profile: Path | None = None
    """`VANBAN_PROFILE`: the interface text and example questions (qa.profile); None: the seeds' profile."""
    milvus_uri: str = ""
    """`VANBAN_MILVUS_URI` for `store="milvus"`: a file path runs Milvus Lite in-process (one process at a
    time), `http://host:19530` a Milvus server; "" = `<home>/milvus.db`."""

    def __post_init__(self) -> None:
        if self.top_k <= 0:
            raise ValueError("top_k must be positive")
        if self.store not in ("faiss", "milvus"):
            from qa.errors import VanbanError
            raise VanbanError(f"VANBAN_STORE phải là 'faiss' hoặc 'milvus', không phải '{self.store}'.",
                              f"VANBAN_STORE must be 'faiss' or 'milvus', not '{self.store}'.")

    @property
    def milvus_location(self) -> str:
        return self.milvus_uri or str(Path(self.home) / "milvus.db")

    @classmethod
    def from_env(cls, **overrides: object) -> Settings:
        """Environment first (`VANBAN_HOME`, `VANBAN_MODEL`, `VANBAN_STORE`, `VANBAN_MODELS`,
        `VANBAN_MILVUS_URI`, `VANBAN_PROFILE`), then explicit overrides (CLI flags)."""
        base = cls(
            home=Path(os.environ.get("VANBAN_HOME") or DEFAULT_HOME),
            model=os.environ.get("VANBAN_MODEL") or "e5-small",
            store=os.environ.get("VANBAN_STORE") or "faiss",
            models=Path(os.environ["VANBAN_MODELS"]) if os.environ.get("VANBAN_MODELS") else None,
            milvus_uri=os.environ.get("VANBAN_MILVUS_URI") or "",
            profile=Path(os.environ["VANBAN_PROFILE"]) if os.environ.get("VANBAN_PROFILE") else None,
        )
        given = {k: v for k, v in overrides.items() if v is not None}
        for key in ("home", "models", "profile"):
            if key in given:
                given[key] = Path(given[key])  # type: ignore[arg-type]
        return replace(base, **given)  # type: ignore[arg-type]
