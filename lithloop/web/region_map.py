"""The base layers every route map draws: boundaries, place labels and a scale bar."""

from __future__ import annotations

import os

from flask import current_app
from flask_babel import get_locale

from lithloop.geo.boundaries import (
    LABEL_KINDS,
    boundary_paths,
    load_boundaries,
    place_labels,
    scale_bar,
)
from lithloop.geo.gazetteer import Place, english, load_places
from lithloop.geo.projection import Canvas

GEOJSON = os.path.join("vendor", "region-geo", "heilongjiang-jilin.geojson")


def geojson_path() -> str:
    """Where the vendored boundaries file is on disk."""
    return os.path.join(current_app.static_folder, GEOJSON)


def _lang() -> str:
    locale = get_locale()
    return "zh" if locale is None or locale.language == "zh" else "en"


def place_name(place: Place) -> str:
    """A gazetteer place's name in the page's language (English without its bracketed note)."""
    return place.name_zh if _lang() == "zh" else english(place)


def geo_places() -> list[dict]:
    """The gazetteer's cities and counties as coordinates, for the Leaflet map's labels."""
    return [
        {
            "lat": p.lat,
            "lon": p.lon,
            "text": place_name(p),
            "kind": p.kind,
        }
        for p in load_places()
        if p.kind in LABEL_KINDS
    ]


def base_layers(canvas: Canvas) -> dict:
    """Boundary paths, labels in the page's language and a scale bar for one canvas."""
    lang = _lang()
    return {
        "boundaries": boundary_paths(canvas, load_boundaries(geojson_path())),
        "places": place_labels(canvas, lang),
        "scale": scale_bar(canvas),
    }
