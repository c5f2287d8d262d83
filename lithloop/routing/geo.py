"""Travel matrices from coordinates: haversine × circuity, speed profile, winter, OSRM."""

from __future__ import annotations

import datetime as dt
import json
import urllib.error
import urllib.request
from dataclasses import dataclass

import numpy as np

from .model import Matrices

EARTH_RADIUS_M = 6_371_008.8
DEFAULT_CIRCUITY = 1.3


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

    def seconds(self, metres: np.ndarray, day: dt.date | None = None) -> np.ndarray:
        """Travel time in seconds for road distances in metres."""
        m = np.asarray(metres, dtype=float)
        t = np.zeros_like(m)
        lo = 0.0
        for up_to, kmh in self.bands:
            part = np.clip(m - lo, 0.0, up_to - lo)
            t += part / (kmh / 3.6)
            lo = up_to
        return t * (self.winter_factor if self.is_winter(day) else 1.0)


def haversine_matrix(lonlat) -> np.ndarray:
    """Great-circle distances in metres between all (lon, lat) pairs, vectorised."""
    a = np.radians(np.asarray(lonlat, dtype=float).reshape(-1, 2))
    lon, lat = a[:, 0], a[:, 1]
    dlat = lat[:, None] - lat[None, :]
    dlon = lon[:, None] - lon[None, :]
    h = np.sin(dlat / 2) ** 2 + np.cos(lat)[:, None] * np.cos(lat)[None, :] * np.sin(dlon / 2) ** 2
    return 2 * EARTH_RADIUS_M * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))


class OsrmError(RuntimeError):
    """The OSRM /table service could not be used."""


def osrm_table(url: str, lonlat, timeout_s: float = 10.0) -> tuple[np.ndarray, np.ndarray]:
    """Query an OSRM-compatible /table service; returns (distances m, durations s)."""
    pts = ";".join(f"{lon:.6f},{lat:.6f}" for lon, lat in np.asarray(lonlat, dtype=float))
    full = f"{url.rstrip('/')}/table/v1/driving/{pts}?annotations=duration,distance"
    if not full.startswith(("http://", "https://")):
        raise OsrmError(f"OSRM URL must be http(s): {url!r}")
    try:
        with urllib.request.urlopen(full, timeout=timeout_s) as resp:  # noqa: S310
            body = json.loads(resp.read().decode("utf-8"))
    except (urllib.error.URLError, OSError, ValueError) as exc:
        raise OsrmError(f"OSRM at {url} unavailable: {exc}") from exc
    if body.get("code") != "Ok":
        raise OsrmError(f"OSRM at {url} answered code {body.get('code')!r}: {body.get('message')}")
    n = len(pts.split(";"))
    try:
        dur = np.array(body["durations"], dtype=float)
        dist = np.array(body["distances"], dtype=float)
    except (KeyError, TypeError, ValueError) as exc:
        raise OsrmError(f"OSRM at {url}: malformed table ({exc})") from exc
    if dur.shape != (n, n) or dist.shape != (n, n) or np.isnan(dur).any() or np.isnan(dist).any():
        raise OsrmError(f"OSRM at {url}: table is not {n}x{n} or has unroutable pairs")
    return dist, dur


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
    profile = profile or SpeedProfile()
    notes: list[str] = []
    if osrm_url:
        try:
            dist, dur = osrm_table(osrm_url, lonlat, timeout_s)
            dur = dur * (profile.winter_factor if profile.is_winter(day) else 1.0)
            notes.append(f"matrices from OSRM at {osrm_url}")
            return Matrices(np.rint(dist).astype(np.int64), np.rint(dur).astype(np.int64)), notes
        except OsrmError as exc:
            notes.append(f"{exc}; fell back to haversine x circuity {circuity}")
    road = haversine_matrix(lonlat) * circuity
    dur = profile.seconds(road, day)
    return Matrices(np.rint(road).astype(np.int64), np.rint(dur).astype(np.int64)), notes
