"""The offline gazetteer: 59 places around Mudanjiang shipped as CSV with the package."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources


@dataclass(frozen=True)
class Place:
    """A district, county, city or the park, with coordinates and population."""

    name_en: str
    name_zh: str
    province: str
    lat: float
    lon: float
    kind: str
    population: int


@cache
def load_places() -> tuple[Place, ...]:
    """All places of the region, in the CSV's order (the park first)."""
    text = resources.files("lithloop.data").joinpath("region_places.csv").read_text("utf-8")
    rows = csv.DictReader(text.splitlines())
    return tuple(
        Place(
            name_en=row["name_en"],
            name_zh=row["name_zh"],
            province=row["province"],
            lat=float(row["lat"]),
            lon=float(row["lon"]),
            kind=row["kind"],
            population=int(row["population_approx"]),
        )
        for row in rows
    )


def park_place() -> Place:
    """The recycling park's own row."""
    return next(p for p in load_places() if p.kind == "park")


def english(place: Place) -> str:
    """The place's English name without its note in brackets ("Xi'an District")."""
    return re.sub(r"\s*\(.*?\)", "", place.name_en)


def short_zh(name_zh: str) -> str:
    """A Chinese place name without 市/县/区, as people often write it ("鸡西")."""
    return re.sub(r"(市|县|区)$", "", name_zh)


# Cities the region lists by their urban districts only: (Chinese, English) name -> the
# district of the centre (Mudanjiang's government sits in Dong'an).
CITY_CENTRES = {("牡丹江市", "Mudanjiang"): "东安区"}


@cache
def english_names() -> dict[str, str]:
    """Chinese place names of the region (with and without 市/县/区) to English ones."""
    names = {}
    for (zh, en), _centre in CITY_CENTRES.items():
        names[zh] = names[short_zh(zh)] = en
    for place in load_places():
        names[place.name_zh] = english(place)
        names.setdefault(short_zh(place.name_zh), english(place))
    return names
