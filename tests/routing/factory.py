"""Small problem builders for the routing tests."""

from __future__ import annotations

import numpy as np

from lithloop.routing import Matrices, Problem, Stop, TimeWindow, Vehicle


def line_matrices(positions_km: list[float], speed_kmh: float = 60.0) -> Matrices:
    """Locations on a line: distance |a-b| km, travel time at `speed_kmh`."""
    p = np.asarray(positions_km, dtype=float) * 1000
    d = np.abs(p[:, None] - p[None, :])
    return Matrices(np.rint(d).astype(np.int64), np.rint(d / (speed_kmh / 3.6)).astype(np.int64))


def truck(id_, **kw) -> Vehicle:
    """A truck starting and ending at the park (location 0), 8:00–18:00 shift."""
    kw.setdefault("capacity", (2000, 10))
    kw.setdefault("shift", TimeWindow(8 * 3600, 18 * 3600))
    return Vehicle(id=id_, **kw)


def stop(id_, loc, kg=100, pallets=1, **kw) -> Stop:
    """A pickup stop of `kg` and `pallets`, 10 minutes service."""
    kw.setdefault("service_s", 600)
    kw.setdefault("pickup", (kg, pallets))
    return Stop(id=id_, location=loc, **kw)


def problem(vehicles, stops, positions) -> Problem:
    """Problem over locations on a line (positions in km, park first)."""
    return Problem(vehicles=tuple(vehicles), stops=tuple(stops), matrices=line_matrices(positions))
