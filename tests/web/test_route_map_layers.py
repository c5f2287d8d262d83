"""The server-drawn route map: what is painted over what (later SVG elements cover earlier)."""

from __future__ import annotations


def test_stops_at_the_park_are_drawn_over_the_park(app):
    """Six stops in the park's city cluster on the park's mark: drawn beneath it, their
    count was hidden by the park's square (the demo's Mudanjiang stops)."""
    at_park = {"x": 240.0, "y": 240.0, "count": 6, "text": "6", "colour": "#7a5af8"}
    plan_map = {
        "width": 480,
        "height": 480,
        "boundaries": [],
        "places": [],
        "routes": [],
        "left_out": [],
        "park": {"x": 240.0, "y": 240.0},
        "clusters": [dict(at_park, title="1. A")],
        "scale": {"x": 16, "y": 470, "width": 60, "label": "50 km"},
    }
    with app.test_request_context("/"):
        route_map = app.jinja_env.get_template("_route_map.html").module.route_map
        svg = str(route_map(plan_map, "map"))
    assert svg.index('class="park-mark"') < svg.index('class="stop-mark cluster"')


def test_the_drawing_is_cut_at_the_maps_edge(app):
    """A map taller than wide is letterboxed on a wide screen (max-height): the boundaries
    beyond the map's edge were drawn across the white margins beside it."""
    plan_map = {
        "width": 480,
        "height": 935,
        "boundaries": [{"d": "M-400,0L900,900", "level": "county", "name": "x"}],
        "places": [],
        "routes": [],
        "left_out": [],
        "park": {"x": 240.0, "y": 240.0},
        "clusters": [],
        "scale": {"x": 16, "y": 920, "width": 60, "label": "0.2 km"},
    }
    with app.test_request_context("/"):
        route_map = app.jinja_env.get_template("_route_map.html").module.route_map
        svg = str(route_map(plan_map, "map"))
    frame = svg.index('<svg width="480" height="935" class="map-frame">')
    assert frame < svg.index('class="boundary') < svg.index("</svg>") < svg.rindex("</svg>")
