"""The region map's base layers: vendored boundaries, labels that do not collide, a round
scale bar and stops grouped when they would be drawn on top of each other."""

from __future__ import annotations

import math
from pathlib import Path

from lithloop.geo.boundaries import (
    boundary_paths,
    cluster,
    load_boundaries,
    place_labels,
    scale_bar,
)
from lithloop.geo.projection import fit_canvas

GEOJSON = str(Path(__file__).parents[2] / "static/vendor/region-geo/heilongjiang-jilin.geojson")
# the Mudanjiang area the demo plans in: the city and Ning'an to the south-west
MUDANJIANG = [(44.55, 129.63), (44.34, 129.48), (44.9, 130.5), (44.3, 129.2)]


def test_the_vendored_file_holds_both_provinces_prefectures_and_counties():
    found = load_boundaries(GEOJSON)
    prefectures = {b.name for b in found if b.level == "prefecture"}
    assert {"牡丹江", "哈尔滨", "长春", "延边朝鲜族自治州"} <= prefectures
    assert len(prefectures) == 22  # 13 in Heilongjiang, 9 in Jilin
    assert sum(b.level == "county" for b in found) > 150
    assert Path(GEOJSON).stat().st_size < 300_000


def test_only_boundaries_reaching_the_canvas_are_drawn():
    canvas = fit_canvas(MUDANJIANG, width=720)
    paths = boundary_paths(canvas, load_boundaries(GEOJSON))
    names = {p["name"] for p in paths}
    assert "牡丹江" in names and "宁安市" in names
    assert "白城" not in names  # far west of Jilin
    assert all(p["d"].startswith("M") and p["d"].endswith("Z") for p in paths)


def test_labels_are_inside_and_never_overlap():
    canvas = fit_canvas(MUDANJIANG, width=400)
    labels = place_labels(canvas, "zh")
    assert labels and all(0 <= lab["x"] <= canvas.width for lab in labels)
    texts = [lab["text"] for lab in labels]
    assert len(texts) == len(set(texts))
    for i, a in enumerate(labels):
        for b in labels[i + 1 :]:
            wide = (len(a["text"]) + len(b["text"])) * 12 / 2
            assert abs(a["x"] - b["x"]) > wide or abs(a["y"] - b["y"]) > 16


def test_the_scale_bar_is_a_round_length_true_to_the_projection():
    canvas = fit_canvas(MUDANJIANG, width=720)
    bar = scale_bar(canvas)
    digits = f"{bar['km']:g}".lstrip("0.").rstrip("0") or "0"
    assert digits[0] in "125" and set(digits[1:]) <= {"0"}
    mid = math.radians((canvas.min_lat + canvas.max_lat) / 2)
    km_wide = (canvas.max_lon - canvas.min_lon) * 111.32 * math.cos(mid)
    assert math.isclose(
        bar["width"] * km_wide / (canvas.width - 2 * canvas.margin), bar["km"], rel_tol=0.01
    )
    assert 40 <= bar["width"] <= 110


def test_stops_within_the_radius_become_one_group():
    points = [{"x": 10, "y": 10}, {"x": 15, "y": 12}, {"x": 60, "y": 10}, {"x": 11, "y": 9}]
    groups = cluster(points, radius=11)
    assert [len(g) for g in groups] == [3, 1]
