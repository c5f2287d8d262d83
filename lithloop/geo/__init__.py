"""Geocoding, places and road distances: the offline gazetteer, geocoders, and the one
matrix provider of quotes and plans (`lithloop.geo.matrices`, imported on its own so that
the geocoders stay free of the routing types)."""

from lithloop.geo.gazetteer import Place, english_names, load_places, park_place

__all__ = ["Place", "english_names", "load_places", "park_place"]
