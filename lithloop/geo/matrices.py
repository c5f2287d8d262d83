"""The one source of road distances: haversine x circuity or OSRM, with the season's speeds.

Quotes (a site's distance from the park) and plans (the day's travel matrices) both ask a
`RoadMatrices` provider, so a quoted distance is the planned depot-to-site distance.
The routing engine never computes distances itself: it receives `Matrices`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np

from lithloop.geo.osrm import OsrmError, osrm_table
from lithloop.routing.model import Matrices

EARTH_RADIUS_M = 6_371_008.8
DEFAULT_CIRCUITY = 1.3  # road km per great-circle km (FACTS.md §6)


#: In a matrices() note when OSRM did not answer and straight lines stood in for roads.
FALLBACK_NOTE = "fell back to haversine"


@dataclass(frozen=True)
class SpeedProfile:
    """Piecewise speeds: the first km of a leg are slow (towns), long legs are faster.

    `bands` are (up_to_m, km/h): the part of a leg up to `up_to_m` runs at that speed.
    `winter_factor` multiplies travel times on dates inside `winter` ((month, day) ranges,
    which may wrap around the new year; default Dec 1 – end of Feb, Heilongjiang roads).
    """

    bands: tuple[tuple[float, float], ...] = ((5_000, 30.0), (30_000, 50.0), (float("inf"), 70.0))
    winter_factor: float = 1.3
    winter: tuple[tuple[tuple[int, int], tuple[int, int]], ...] = (((12, 1), (2, 29)),)

    def is_winter(self, day: dt.date | None) -> bool:
        """True when `day` falls in one of the winter ranges."""
        if day is None:
            return False
        md = (day.month, day.day)
        for a, b in self.winter:
            if (a <= b and a <= md <= b) or (a > b and (md >= a or md <= b)):
                return True
        return False

    def factor(self, day: dt.date | None) -> float:
        """Multiplier of travel times on `day` (the winter factor or 1)."""
        return self.winter_factor if self.is_winter(day) else 1.0

    def seconds(self, metres: np.ndarray, day: dt.date | None = None) -> np.ndarray:
        """Travel time in seconds for road distances in metres."""
        m = np.asarray(metres, dtype=float)
        t = np.zeros_like(m)
        lo = 0.0
        for up_to, kmh in self.bands:
            part = np.clip(m - lo, 0.0, up_to - lo)
            t += part / (kmh / 3.6)
            lo = up_to
        return t * self.factor(day)


def haversine_matrix(lonlat) -> np.ndarray:
    """Great-circle distances in metres between all (lon, lat) pairs, vectorised."""
    a = np.radians(np.asarray(lonlat, dtype=float).reshape(-1, 2))
    lon, lat = a[:, 0], a[:, 1]
    dlat = lat[:, None] - lat[None, :]
    dlon = lon[:, None] - lon[None, :]
    h = np.sin(dlat / 2) ** 2 + np.cos(lat)[:, None] * np.cos(lat)[None, :] * np.sin(dlon / 2) ** 2
    return 2 * EARTH_RADIUS_M * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))


@dataclass(frozen=True)
class RoadMatrices:
    """A matrix provider: OSRM at `osrm_url` when set (falling back), else haversine × circuity."""

    circuity: float = DEFAULT_CIRCUITY
    profile: SpeedProfile = field(default_factory=SpeedProfile)
    osrm_url: str | None = None
    timeout_s: float = 10.0

    def matrices(self, lonlat, day: dt.date | None = None) -> tuple[Matrices, list[str]]:
        """Integer matrices (m, s) between all points; notes say where they came from."""
        notes: list[str] = []
        if self.osrm_url:
            try:
                dist, dur = osrm_table(self.osrm_url, lonlat, self.timeout_s)
                notes.append(f"matrices from OSRM at {self.osrm_url}")
                return _integral(dist, dur * self.profile.factor(day)), notes
            except OsrmError as exc:
                notes.append(f"{exc}; {FALLBACK_NOTE} x circuity {self.circuity}")
        road = haversine_matrix(lonlat) * self.circuity
        return _integral(road, self.profile.seconds(road, day)), notes

    def distance_m(self, origin, point, day: dt.date | None = None) -> int:
        """Road metres from `origin` to `point` ((lon, lat) each), as a plan would drive it."""
        mats, _ = self.matrices([origin, point], day)
        return int(mats.distance[0, 1])

    def for_request(self, request) -> tuple[Matrices, list[str]]:
        """Matrices for a `routing.MatrixRequest` (a VROOM problem given by coordinates)."""
        provider = RoadMatrices(
            circuity=request.circuity if request.circuity is not None else self.circuity,
            profile=self.profile
            if request.winter_factor is None
            else SpeedProfile(self.profile.bands, request.winter_factor, self.profile.winter),
            osrm_url=request.osrm_url or self.osrm_url,
            timeout_s=self.timeout_s,
        )
        return provider.matrices(request.coordinates, request.day)


def _integral(dist, dur) -> Matrices:
    return Matrices(np.rint(dist).astype(np.int64), np.rint(dur).astype(np.int64))


def build_matrices(
    lonlat,
    *,
    circuity: float = DEFAULT_CIRCUITY,
    profile: SpeedProfile | None = None,
    day: dt.date | None = None,
    osrm_url: str | None = None,
    timeout_s: float = 10.0,
) -> tuple[Matrices, list[str]]:
    """Integer matrices (m, s) from coordinates; OSRM when set, else haversine × circuity."""
    provider = RoadMatrices(circuity, profile or SpeedProfile(), osrm_url, timeout_s)
    return provider.matrices(lonlat, day)
