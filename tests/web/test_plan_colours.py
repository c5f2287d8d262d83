"""The plan map's route colours: a day's first routes are told apart, and none looks like a
cluster of several routes' stops."""

from __future__ import annotations

import itertools
import re
from pathlib import Path

from lithloop.web.plan_view import COLOURS

ROOT = Path(__file__).resolve().parents[2]
DISTINCT_ROUTES = 8  # a busy demo day plans seven trucks
MIN_DELTA_E = 35  # CIE76; two reds 14 apart, or three blues 30 apart, read as one route


def _lab(colour: str) -> tuple[float, float, float]:
    """sRGB hex to CIELAB (D65)."""

    def linear(c: float) -> float:
        return ((c + 0.055) / 1.055) ** 2.4 if c > 0.04045 else c / 12.92

    r, g, b = (linear(int(colour[i : i + 2], 16) / 255) for i in (1, 3, 5))
    x = (r * 0.4124 + g * 0.3576 + b * 0.1805) / 0.95047
    y = r * 0.2126 + g * 0.7152 + b * 0.0722
    z = (r * 0.0193 + g * 0.1192 + b * 0.9505) / 1.08883

    def f(v: float) -> float:
        return v ** (1 / 3) if v > 0.008856 else 7.787 * v + 16 / 116

    return 116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))


def _delta_e(a: str, b: str) -> float:
    return sum((p - q) ** 2 for p, q in zip(_lab(a), _lab(b), strict=True)) ** 0.5


def test_a_days_first_routes_have_colours_told_apart():
    """Walk finding: a seven-truck day drew two greens and two reds (ΔE 14) on its map."""
    first = COLOURS[:DISTINCT_ROUTES]
    close = [
        (a, b, round(_delta_e(a, b), 1))
        for a, b in itertools.combinations(first, 2)
        if _delta_e(a, b) < MIN_DELTA_E
    ]
    assert close == []


def test_no_route_has_the_colour_of_a_mixed_cluster():
    """A cluster of stops of several routes is filled slate: a route's own stops must not be."""
    css = (ROOT / "static/css/app.css").read_text()
    mixed = re.search(r"\.stop-mark circle\.mixed \{ fill:(#[0-9a-fA-F]{6}); \}", css)
    assert mixed, "the mixed cluster's fill is no longer where this test reads it"
    assert mixed.group(1).lower() not in [c.lower() for c in COLOURS]
    assert len(set(COLOURS)) == len(COLOURS)
