"""Geocoding, places and road distances: the offline gazetteer, geocoders, and the one
matrix provider of quotes and plans (`lithloop.geo.matrices`, imported on its own so that
the geocoders stay free of the routing types)."""

from lithloop.geo.gazetteer import (
    CITY_CENTRES,
    Place,
    english,
    english_names,
    load_places,
    park_place,
    short_zh,
)

__all__ = [
    "CITY_CENTRES",
    "Place",
    "english",
    "english_names",
    "load_places",
    "park_place",
    "short_zh",
]
