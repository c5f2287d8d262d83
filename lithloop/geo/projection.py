"""Project coordinates onto an SVG canvas (equirectangular, corrected for latitude)."""

from __future__ import annotations

import math
from collections.abc import Sequence
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


def fit_canvas(points: Sequence[tuple[float, float]], width: int = 640) -> Canvas:
    """A canvas whose height keeps the region's true shape at its mean latitude."""
    lats = [p[0] for p in points] or [0.0]
    lons = [p[1] for p in points] or [0.0]
    min_lat, max_lat, min_lon, max_lon = min(lats), max(lats), min(lons), max(lons)
    pad_lat, pad_lon = max((max_lat - min_lat) * 0.03, 0.01), max((max_lon - min_lon) * 0.03, 0.01)
    min_lat, max_lat = min_lat - pad_lat, max_lat + pad_lat
    min_lon, max_lon = min_lon - pad_lon, max_lon + pad_lon
    shrink = math.cos(math.radians((min_lat + max_lat) / 2))
    aspect = (max_lat - min_lat) / ((max_lon - min_lon) * shrink)
    height = max(160, min(int(width * aspect), 2 * width))
    return Canvas(min_lat, max_lat, min_lon, max_lon, width, height)
