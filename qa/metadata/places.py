"""Vietnam's administrative units, before and after the 2025 reorganisation, from a maintained list.

The names come from the data files of the `vietnamadminunits` package (MIT; 63 provinces with their
districts before July 2025, 34 provinces after), read directly: importing the package would load its
geometry libraries. A place printed in a header ("TỈNH ỦY QUẢNG NINH", "THANH UY HAI PHONG" from an
accent-free scan) is looked up by its folded name, so it is shown the way the state writes it.
"""
from __future__ import annotations

import importlib.util
import json
import logging
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from qa.text.vietnamese import fold_lower

__all__ = ["Place", "district", "place_name", "province"]

logger = logging.getLogger(__name__)

PROVINCE = "tỉnh"
CENTRAL_CITY = "thành phố trực thuộc trung ương"


@dataclass(frozen=True)
class Place:
    name: str
    """As the state writes it: "Quảng Ninh", "Hải Phòng", "Kiến An"."""
    kind: str
    """"tỉnh", "thành phố trực thuộc trung ương", "quận", "huyện", "thị xã", "thành phố" (of a province)."""
    province: str
    """The province it belongs to (itself for a province)."""


def _key(name: str) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", fold_lower(name)))


def _data_dir() -> Path | None:
    spec = importlib.util.find_spec("vietnamadminunits")
    if spec is None or not spec.submodule_search_locations:
        logger.warning("vietnamadminunits is not installed: place names are shown as printed")
        return None
    return Path(next(iter(spec.submodule_search_locations))) / "data"


@cache
def _tables() -> tuple[dict[str, Place], dict[str, list[Place]]]:
    """(provinces by folded name, districts by folded name) over both the old and the new units."""
    provinces: dict[str, Place] = {}
    districts: dict[str, list[Place]] = {}
    folder = _data_dir()
    if folder is None:
        return provinces, districts
    for name in ("parser_legacy.json", "parser_from_2025.json"):
        try:
            data = json.loads((folder / name).read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            logger.warning("cannot read %s of vietnamadminunits (%s): place names shown as printed",
                           name, exc)
            continue
        for key, p in data["DICT_PROVINCE"].items():
            kind = CENTRAL_CITY if p["province"].startswith("Thành phố") else PROVINCE
            provinces.setdefault(_key(p["provinceShort"]),
                                 Place(p["provinceShort"], kind, p["provinceShort"]))
            for d in data.get("DICT_PROVINCE_DISTRICT", {}).get(key, {}).values():
                place = Place(d["districtShort"], d["districtType"].lower(), p["provinceShort"])
                districts.setdefault(_key(d["districtShort"]), []).append(place)
    return provinces, districts


def province(name: str) -> Place | None:
    """The province or centrally-run city of that name, any accents or case ("QUẢNG NINH", "hai phong")."""
    return _tables()[0].get(_key(name))


def district(name: str, in_province: str = "") -> Place | None:
    """The district-level unit of that name, in `in_province` when given (several provinces have a huyện
    of the same name); None when unknown or ambiguous without a province."""
    found = _tables()[1].get(_key(name), [])
    if in_province:
        found = [d for d in found if _key(d.province) == _key(in_province)]
    return found[0] if len({(d.name, d.province) for d in found}) == 1 else None


def place_name(printed: str, in_province: str = "") -> str:
    """A printed place name as the state writes it when known ("HẠ LONG" -> "Hạ Long", "hai phong" ->
    "Hải Phòng"); otherwise each word capitalised as printed."""
    printed = " ".join(printed.split()).strip(" ,.-*")
    known = province(printed) or district(printed, in_province)
    if known:
        return known.name
    return " ".join(w[:1].upper() + w[1:].lower() for w in printed.split())
