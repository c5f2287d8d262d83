"""What the plan page shows: routes drawn on the region map, timelines, totals."""

from __future__ import annotations

from lithloop.geo.projection import fit_canvas
from lithloop.models import Plan, Site

COLOURS = ["#0b7a5a", "#2e90fa", "#d92d20", "#f79009", "#7a5af8", "#e04f16", "#099250",
           "#c11574", "#155eef", "#b54708", "#344054", "#6938ef", "#0e9384", "#dd2590"]


def swatch_class(i: int) -> str:
    """The CSS class that paints a route's key in its colour (app.css: .key.route-cN)."""
    return f"route-c{i % len(COLOURS)}"


def _site_of(stop, park: Site) -> Site:
    return stop.booking.site if stop.booking else park


def plan_map(plan: Plan, park: Site) -> dict:
    """Each route as a coloured polyline through its numbered stops, on an SVG canvas."""
    points = [(park.lat, park.lon)] + [(s.booking.site.lat, s.booking.site.lon)
                                        for r in plan.routes for s in r.stops if s.booking]
    points += [(u.booking.site.lat, u.booking.site.lon) for u in plan.unassigned]
    canvas = fit_canvas(points, width=720)
    routes = []
    for i, route in enumerate(plan.routes):
        path, labels, n = [], [], 0
        for stop in route.stops:
            site = _site_of(stop, park)
            x, y = canvas.xy(site.lat, site.lon)
            path.append(f"{x},{y}")
            if stop.booking:
                n += 1
                labels.append({"x": x, "y": y, "n": n, "name": site.name,
                               "booking": stop.booking_id})
        routes.append({"colour": COLOURS[i % len(COLOURS)], "swatch": swatch_class(i),
                       "points": " ".join(path),
                       "labels": labels, "plate": route.truck.plate, "id": route.id})
    px, py = canvas.xy(park.lat, park.lon)
    left_out = [dict(zip(("x", "y"), canvas.xy(u.booking.site.lat, u.booking.site.lon),
                         strict=True), name=u.booking.site.name) for u in plan.unassigned]
    return {"width": canvas.width, "height": canvas.height, "routes": routes,
            "park": {"x": px, "y": py}, "left_out": left_out}


def plan_geo(plan: Plan, park: Site) -> dict:
    """The same routes as coordinates, for Leaflet on a configured tile server."""
    routes = []
    for i, route in enumerate(plan.routes):
        points = [[_site_of(s, park).lat, _site_of(s, park).lon] for s in route.stops]
        stops = [{"lat": s.booking.site.lat, "lon": s.booking.site.lon, "name": s.booking.site.name}
                 for s in route.stops if s.booking]
        routes.append({"colour": COLOURS[i % len(COLOURS)], "plate": route.truck.plate,
                       "points": points, "stops": stops})
    return {"park": [park.lat, park.lon], "routes": routes,
            "left_out": [[u.booking.site.lat, u.booking.site.lon] for u in plan.unassigned]}
