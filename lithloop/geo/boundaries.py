"""The region's administrative boundaries and place labels, projected onto an SVG canvas.

The boundaries come from static/vendor/region-geo/heilongjiang-jilin.geojson (built by
tools/build_region_geo.py from a packaged GeoJSON); the labels from the gazetteer. Pure: no
Flask, no database; the caller says where the file is.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from lithloop.geo.gazetteer import load_places
from lithloop.geo.projection import Canvas

KM_PER_DEGREE = 111.32
NICE_STEPS = (1, 2, 5)
LABEL_KINDS = ("city", "county", "district")
#: A label's size in map units, as the maps draw them (.place: 15 px, a city's bold): a
#: Chinese character is square; Latin letters by case (measured in Chromium, DejaVu Sans).
FONT_PX = 15.0
LATIN_EM = {"upper": 0.72, "lower": 0.58, "space": 0.32}
BOLD = 1.08
ASCENT_PX, DESCENT_PX = 15.0, 5.0


def label_width(text: str, bold: bool = False) -> float:
    """The width a label takes on a map, in its units (Chinese or Latin letters)."""
    ems = 0.0
    for char in text:
        if ord(char) > 0x2E80:
            ems += 1.0
        elif char == " ":
            ems += LATIN_EM["space"]
        else:
            ems += LATIN_EM["upper" if char.isupper() else "lower"]
    return ems * FONT_PX * (BOLD if bold else 1.0)


@dataclass(frozen=True)
class Boundary:
    """One prefecture outline or county, its bounding box and its rings of (lon, lat)."""

    name: str
    level: str
    box: tuple[float, float, float, float]  # min_lon, min_lat, max_lon, max_lat
    rings: tuple[tuple[tuple[float, float], ...], ...]


@cache
def load_boundaries(path: str) -> tuple[Boundary, ...]:
    """The boundaries of a GeoJSON file of MultiPolygons (read once per process)."""
    data = json.loads(Path(path).read_text("utf-8"))
    found = []
    for feature in data["features"]:
        rings = tuple(
            tuple((float(x), float(y)) for x, y in polygon[0])
            for polygon in feature["geometry"]["coordinates"]
        )
        xs = [x for ring in rings for x, _ in ring]
        ys = [y for ring in rings for _, y in ring]
        props = feature["properties"]
        found.append(
            Boundary(props["name"], props["level"], (min(xs), min(ys), max(xs), max(ys)), rings)
        )
    return tuple(found)


def _overlaps(box, canvas: Canvas) -> bool:
    return not (
        box[2] < canvas.min_lon
        or box[0] > canvas.max_lon
        or box[3] < canvas.min_lat
        or box[1] > canvas.max_lat
    )


def boundary_paths(canvas: Canvas, boundaries: tuple[Boundary, ...]) -> list[dict]:
    """SVG path data of each boundary that reaches into the canvas (counties first)."""
    paths = []
    for boundary in sorted(boundaries, key=lambda b: b.level != "county"):
        if not _overlaps(boundary.box, canvas):
            continue
        parts = []
        for ring in boundary.rings:
            points, last = [], None
            for lon, lat in ring:
                x, y = canvas.xy(lat, lon)
                point = f"{x:.0f},{y:.0f}"
                if point != last:
                    points.append(point)
                    last = point
            if len(points) >= 3:
                parts.append("M" + "L".join(points) + "Z")
        if parts:
            paths.append({"d": "".join(parts), "level": boundary.level, "name": boundary.name})
    return paths


def place_labels(canvas: Canvas, lang: str = "zh") -> list[dict]:
    """Names of the gazetteer's cities and counties inside the canvas, largest first,
    leaving out any that would overlap a label already placed or leave the canvas."""
    placed, boxes = [], []
    places = sorted(
        (p for p in load_places() if p.kind in LABEL_KINDS), key=lambda p: -p.population
    )
    for place in places:
        if not (
            canvas.min_lat <= place.lat <= canvas.max_lat
            and canvas.min_lon <= place.lon <= canvas.max_lon
        ):
            continue
        text = place.name_zh if lang == "zh" else place.name_en.split(" (")[0]
        x, y = canvas.xy(place.lat, place.lon)
        half = label_width(text, bold=place.kind == "city") / 2
        box = (x - half, y - ASCENT_PX, x + half, y + DESCENT_PX)
        if box[0] < 0 or box[1] < 0 or box[2] > canvas.width or box[3] > canvas.height:
            continue  # cut at the map's edge
        if any(
            not (box[2] < b[0] or box[0] > b[2] or box[3] < b[1] or box[1] > b[3]) for b in boxes
        ):
            continue
        boxes.append(box)
        placed.append({"x": x, "y": y, "text": text, "kind": place.kind})
    return placed


def scale_bar(canvas: Canvas, target_px: float = 110) -> dict:
    """A scale bar of a round length (1, 2 or 5 × 10^n km) about target_px wide."""
    mid_lat = (canvas.min_lat + canvas.max_lat) / 2
    inner = canvas.width - 2 * canvas.margin
    km_wide = (canvas.max_lon - canvas.min_lon) * KM_PER_DEGREE * math.cos(math.radians(mid_lat))
    km_per_px = km_wide / inner if inner > 0 else 1.0
    want = target_px * km_per_px
    power = 10 ** math.floor(math.log10(want)) if want > 0 else 1
    km = max((s * power for s in NICE_STEPS if s * power <= want), default=NICE_STEPS[0] * power)
    length = round(km / km_per_px, 1)
    label = f"{km:g} km"
    return {
        "x": canvas.margin + 4,
        "y": canvas.height - canvas.margin - 4,
        "width": length,
        "label": label,
        "km": km,
    }


def cluster(points: list[dict], radius: float = 14.0) -> list[list[dict]]:
    """Points (dicts with x, y) grouped greedily: each joins the first group whose first
    point lies within radius pixels, in the given order."""
    groups: list[list[dict]] = []
    for point in points:
        for group in groups:
            head = group[0]
            if math.hypot(point["x"] - head["x"], point["y"] - head["y"]) <= radius:
                group.append(point)
                break
        else:
            groups.append([point])
    return groups
