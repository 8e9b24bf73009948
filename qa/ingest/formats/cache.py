"""Text already read from a file by OCR, kept by the file's content hash so that indexing a folder again
(or after a crash) does not read the same scans again: OCR costs seconds a page, everything else is cheap.
"""
from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from qa.ingest.formats import Extracted
from qa.ingest.locations import TextLocations

VERSION = 1
"""Bumped when extraction changes what it returns for the same file."""


def file_key(path: Path, suffix: str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return f"{digest.hexdigest()}{suffix}.v{VERSION}"


class ExtractionCache:
    """One JSON file per extracted file under `folder`, written atomically."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)

    def get(self, key: str) -> Extracted | None:
        try:
            data = json.loads((self.folder / f"{key}.json").read_text(encoding="utf-8"))
            locations = TextLocations.from_json(data["locations"]) if data.get("locations") else None
            return Extracted(data["text"], locations, data["method"])
        except (OSError, ValueError, KeyError, TypeError):
            return None  # missing or damaged: read the file again

    def put(self, key: str, extracted: Extracted) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        data = {"text": extracted.text, "method": extracted.method,
                "locations": extracted.locations.to_json() if extracted.locations is not None else None}
        tmp = self.folder / f"{key}.json.tmp"
        tmp.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, self.folder / f"{key}.json")
