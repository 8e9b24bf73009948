"""Text already read from a file by OCR, kept by the file's content hash so that indexing a folder again
(or after a crash) does not read the same scans again: OCR costs seconds a page, everything else is cheap.
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
from pathlib import Path

from qa.ingest.formats import Extracted
from qa.ingest.locations import TextLocations
from qa.versions import VERSIONS

log = logging.getLogger(__name__)


def file_key(path: Path, suffix: str) -> str:
    """The file's content hash, its suffix and the extraction version: a renamed scan is not read again,
    and a new extraction never reuses an old one's text."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return f"{digest.hexdigest()}{suffix}.v{VERSIONS.extraction}"


class ExtractionCache:
    """One JSON file per extracted file under `folder`, written atomically."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)

    def get(self, key: str) -> Extracted | None:
        """The text kept for `key`, or None when there is none (or it is damaged): read the file again."""
        path = self.folder / f"{key}.json"
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            locations = TextLocations.from_json(data["locations"]) if data.get("locations") else None
            return Extracted(data["text"], locations, data["method"])
        except FileNotFoundError:
            return None
        except (OSError, ValueError, KeyError, TypeError) as exc:
            log.warning("unreadable OCR cache entry %s (%s): reading the file again", path, exc)
            return None

    def put(self, key: str, extracted: Extracted) -> None:
        """Keep the text under `key` (written to a temporary file and renamed: never half an entry)."""
        self.folder.mkdir(parents=True, exist_ok=True)
        data = {"text": extracted.text, "method": extracted.method,
                "locations": extracted.locations.to_json() if extracted.locations is not None else None}
        tmp = self.folder / f"{key}.json.tmp"
        tmp.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, self.folder / f"{key}.json")
