"""Project coordinates onto an SVG canvas (equirectangular, corrected for latitude)."""

from __future__ import annotations

import math
import statistics
from collections.abc import Collection, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Canvas:
    """A projection from (lat, lon) into a width × height box with a margin."""

    min_lat: float
    max_lat: float
    min_lon: float
    max_lon: float
    width: int
    height: int
    margin: int = 12

    def xy(self, lat: float, lon: float) -> tuple[float, float]:
        """SVG x, y (y grows downwards) for a coordinate."""
        inner_w, inner_h = self.width - 2 * self.margin, self.height - 2 * self.margin
        x = self.margin + (lon - self.min_lon) / (self.max_lon - self.min_lon or 1) * inner_w
        y = self.margin + (self.max_lat - lat) / (self.max_lat - self.min_lat or 1) * inner_h
        return round(x, 1), round(y, 1)


MIN_SPAN_KM = 8.0  # the least a map spans each way (a district around one site)


def fit_canvas(points: Sequence[tuple[float, float]], width: int = 640) -> Canvas:
    """A canvas whose height keeps the region's true shape at its mean latitude."""
    lats = [p[0] for p in points] or [0.0]
    lons = [p[1] for p in points] or [0.0]
    min_lat, max_lat, min_lon, max_lon = min(lats), max(lats), min(lons), max(lons)
    pad_lat, pad_lon = max((max_lat - min_lat) * 0.03, 0.01), max((max_lon - min_lon) * 0.03, 0.01)
    min_lat, max_lat = min_lat - pad_lat, max_lat + pad_lat
    min_lon, max_lon = min_lon - pad_lon, max_lon + pad_lon
    shrink = math.cos(math.radians((min_lat + max_lat) / 2))
    # one site (or a few close together) is shown in its district, not alone in a blank
    # 2 km box whose scale reads "0.2 km" (a new dealer's one site was a speck)
    grow_lat = max(0.0, MIN_SPAN_KM / KM_PER_DEGREE - (max_lat - min_lat)) / 2
    grow_lon = max(0.0, MIN_SPAN_KM / (KM_PER_DEGREE * shrink) - (max_lon - min_lon)) / 2
    min_lat, max_lat = min_lat - grow_lat, max_lat + grow_lat
    min_lon, max_lon = min_lon - grow_lon, max_lon + grow_lon
    aspect = (max_lat - min_lat) / ((max_lon - min_lon) * shrink)
    height = max(160, min(int(width * aspect), 2 * width))
    return Canvas(min_lat, max_lat, min_lon, max_lon, width, height)


FAR_FACTOR = 4  # a point this many times the group's median distance from its middle...
FAR_MIN_KM = 30.0  # ...and at least this far is drawn at the edge of the group's map
KM_PER_DEGREE = 111.2


def main_group(points: Sequence[tuple[float, float]], always: Collection[int] = ()) -> list[bool]:
    """Which points (lat, lon) the map is fitted to (True) and which lie far outside the
    main group, so far that fitting them too would squeeze the others into a blob. Points
    whose index is in `always` (the park) are in the group."""
    if len(points) < 3:
        return [True] * len(points)
    lat0 = statistics.median(p[0] for p in points)
    lon0 = statistics.median(p[1] for p in points)
    shrink = math.cos(math.radians(lat0))
    km = [math.hypot(p[0] - lat0, (p[1] - lon0) * shrink) * KM_PER_DEGREE for p in points]
    limit = max(FAR_FACTOR * statistics.median(km), FAR_MIN_KM)
    inside = [i in always or d <= limit for i, d in enumerate(km)]
    return inside if sum(inside) >= 2 else [True] * len(points)


def at_edge(canvas: Canvas, x: float, y: float) -> tuple[float, float]:
    """A point outside the canvas moved onto its edge (where it lies from the map)."""
    low, high_x, high_y = canvas.margin, canvas.width - canvas.margin, canvas.height - canvas.margin
    return min(max(x, low), high_x), min(max(y, low), high_y)
