"""What the app says about the corpus it serves (organisation, documents, example questions), read from a
TOML file so another office changes a file, not the code. The seeds' profile is the default."""
from __future__ import annotations

import logging
import tomllib
from dataclasses import dataclass
from pathlib import Path

from qa.errors import VanbanError

__all__ = ["DEFAULT_PROFILE", "Profile", "load_profile"]

logger = logging.getLogger(__name__)

DEFAULT_PROFILE = Path(__file__).resolve().parent.parent / "seeds" / "profile.toml"


@dataclass(frozen=True)
class Profile:
    organisation: str = ""
    """Shown in the page title and header ("Hải Phòng", "Tỉnh ủy Quảng Ninh")."""
    documents: str = "nghị quyết, kết luận, báo cáo, kế hoạch"
    """What the corpus holds, in the words of the welcome text."""
    ask_examples: tuple[str, ...] = ()
    compare_examples: tuple[str, ...] = ()


def load_profile(path: Path | None = None) -> Profile:
    """The profile at `path` (`VANBAN_PROFILE`), else the seeds' one; a missing default gives a neutral
    profile."""
    chosen = Path(path) if path else DEFAULT_PROFILE
    try:
        data = tomllib.loads(chosen.read_text(encoding="utf-8"))
    except FileNotFoundError:
        if path:
            raise VanbanError(f"Không tìm thấy tệp cấu hình giao diện {chosen}.",
                              f"Profile file {chosen} not found.") from None
        logger.info("no profile at %s: neutral interface text", chosen)
        return Profile()
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise VanbanError(f"Tệp cấu hình giao diện {chosen} không đọc được: {exc}",
                          f"Profile file {chosen} cannot be read: {exc}") from exc
    return Profile(organisation=str(data.get("organisation", "")),
                   documents=str(data.get("documents", Profile.documents)),
                   ask_examples=tuple(map(str, data.get("ask_examples", ()))),
                   compare_examples=tuple(map(str, data.get("compare_examples", ()))))
