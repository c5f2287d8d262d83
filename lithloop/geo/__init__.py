"""Geocoding and places: the offline gazetteer of the region (geopy-backed geocoders later)."""

from lithloop.geo.gazetteer import Place, load_places, park_place

__all__ = ["Place", "load_places", "park_place"]
