"""One source of road distances for quotes and plans: the configured provider and the park.

A site's quoted distance (`distance_from_park_km`) is the depot-to-site entry of the day's
plan matrices (`day_matrices`): the same provider (haversine × circuity or OSRM at
`OSRM_URL`, winter speeds) and the same park position (the park's depot site).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from flask import current_app

from lithloop import routing
from lithloop.cache import read_cache
from lithloop.extensions import db
from lithloop.geo import park_place
from lithloop.geo.matrices import RoadMatrices, haversine_matrix
from lithloop.models import Site, SiteKind
from lithloop.pricing.model import MAX_DISTANCE_KM


def park_site() -> Site | None:
    """The park's depot site, where every truck starts and unloads."""
    return db.session.scalar(sa.select(Site).where(Site.kind == SiteKind.PARK))


def park_position() -> tuple[float, float]:
    """(lon, lat) of the park's depot site; the gazetteer's park before one is stored.

    Read through the read cache (it changes when a `site` row does), so a repeat quote
    costs no query."""
    return read_cache.cached("park_position", 0, ("site",), _park_position, shared_only=True)


def _park_position() -> tuple[float, float]:
    site = park_site()
    if site is not None:
        return (float(site.lon), float(site.lat))
    place = park_place()
    return (place.lon, place.lat)


def road_matrices() -> RoadMatrices:
    """The app's distance provider (OSRM when `OSRM_URL` is set, else haversine × 1.3)."""
    return RoadMatrices(
        osrm_url=current_app.config.get("OSRM_URL") or None,
        timeout_s=float(current_app.config["OSRM_TIMEOUT_S"]),
    )


def day_matrices(lonlat, day: date | None) -> tuple[routing.Matrices, list[str]]:
    """Travel matrices of a day's plan between (lon, lat) points, the park first."""
    return road_matrices().matrices(lonlat, day)


# How far from the park a site may be, in a straight line: its road distance (at most
# 1.5 times that) stays within what a quote prices (MAX_DISTANCE_KM).
SITE_REACH_KM = int(MAX_DISTANCE_KM / Decimal("1.5"))


def straight_km_from_park(lat: float, lon: float) -> float:
    """Great-circle kilometres from the park's depot to a point (no I/O beyond the park)."""
    here = (float(lon), float(lat))
    return float(haversine_matrix([park_position(), here])[0, 1]) / 1000


def distance_from_park_km(lat: float, lon: float, day: date | None = None) -> Decimal:
    """Road distance from the park's depot to a point, to 0.1 km, as a plan drives it."""
    metres = road_matrices().distance_m(park_position(), (float(lon), float(lat)), day)
    return (Decimal(metres) / 1000).quantize(Decimal("0.1"))
