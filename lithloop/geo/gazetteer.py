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


# Cities the region lists by their urban districts only, by the names people type.
CITIES_BY_DISTRICTS = {"牡丹江": "Mudanjiang", "牡丹江市": "Mudanjiang"}


@cache
def english_names() -> dict[str, str]:
    """Chinese place names of the region (with and without 市/县/区) to English ones."""
    names = dict(CITIES_BY_DISTRICTS)
    for place in load_places():
        english = re.sub(r"\s*\(.*?\)", "", place.name_en)
        names[place.name_zh] = english
        names.setdefault(re.sub(r"(市|县|区)$", "", place.name_zh), english)
    return names
