"""What the plan page shows: routes drawn on the region map, timelines, totals."""

from __future__ import annotations

from types import SimpleNamespace

from lithloop.geo.boundaries import cluster
from lithloop.geo.projection import fit_canvas
from lithloop.models import Plan, Site
from lithloop.services.dispatch import left_deliveries, plan_solution, publishing
from lithloop.services.dispatch.problem import park_site
from lithloop.web.booking_text import reason_text
from lithloop.web.region_map import base_layers, geo_places

#: One colour a route, each next one the farthest (CIELAB) from those before it, so that a
#: day's first routes are told apart on the map (was two greens and two reds from six);
#: never the fill of a cluster of several routes' stops (app.css: circle.mixed).
COLOURS = [
    "#0b7a5a",
    "#6938ef",
    "#d92d20",
    "#dd2590",
    "#2e90fa",
    "#854d0e",
    "#f79009",
    "#088ab2",
    "#b54708",
    "#099250",
    "#7a5af8",
    "#0e9384",
    "#e04f16",
    "#c11574",
]


def swatch_class(i: int) -> str:
    """The CSS class that paints a route's key in its colour (app.css: .key.route-cN)."""
    return f"route-c{i % len(COLOURS)}"


def _order_place(order) -> SimpleNamespace:
    """Where an order is delivered, named as on the plan page (#id and its address)."""
    return SimpleNamespace(
        lat=float(order.delivery_lat),
        lon=float(order.delivery_lon),
        name=f"#{order.id} {order.delivery_address}",
    )


def left_out_places(plan: Plan) -> list:
    """Where the plan's left-out stops are: each left-out booking's site, then each left-out
    delivery's address (one without coordinates, a pickup at the park, has none)."""
    sites = [u.booking.site for u in plan.unassigned]
    return sites + [
        _order_place(d.order)
        for d in left_deliveries.left_out(plan)
        if d.order.delivery_lat is not None and d.order.delivery_lon is not None
    ]


def _site_of(stop, park: Site):
    """Where a stop is: the booking's site, a delivery address, or the park."""
    if stop.booking:
        return stop.booking.site
    if stop.order is not None and stop.order.delivery_lat is not None:
        return _order_place(stop.order)
    return park


def plan_map(plan: Plan, park: Site, only=None) -> dict:
    """Each route as a coloured polyline through its numbered stops, on an SVG canvas
    (`only`: one route of the plan, as its driver sees it, without what was left out)."""
    drawn = [only] if only is not None else list(plan.routes)
    unassigned = [] if only is not None else left_out_places(plan)
    points = [(park.lat, park.lon)] + [
        (_site_of(s, park).lat, _site_of(s, park).lon)
        for r in drawn
        for s in r.stops
        if s.booking or s.order_id
    ]
    points += [(place.lat, place.lon) for place in unassigned]
    canvas = fit_canvas(points, width=480)  # phone-sized: marks and labels stay legible
    routes = []
    for i, route in enumerate(drawn):
        path, labels = [], []
        for stop in route.stops:
            site = _site_of(stop, park)
            x, y = canvas.xy(site.lat, site.lon)
            path.append(f"{x},{y}")
            if stop.booking or stop.order_id:
                labels.append(
                    {
                        "x": x,
                        "y": y,
                        "n": stop.seq,  # the stop's number in the timeline and on the phone
                        "name": site.name,
                        "booking": stop.booking_id,
                        "order": stop.order_id,
                    }
                )
        routes.append(
            {
                "colour": COLOURS[i % len(COLOURS)],
                "swatch": swatch_class(i),
                "points": " ".join(path),
                "labels": labels,
                "plate": route.truck.plate,
                "id": route.id,
            }
        )
    px, py = canvas.xy(park.lat, park.lon)
    left_out = [
        dict(zip(("x", "y"), canvas.xy(place.lat, place.lon), strict=True), name=place.name)
        for place in unassigned
    ]
    return {
        "width": canvas.width,
        "height": canvas.height,
        "routes": routes,
        "park": {"x": px, "y": py},
        "left_out": left_out,
        "clusters": stop_clusters(routes),
        **base_layers(canvas),
    }


def stop_clusters(routes: list[dict]) -> list[dict]:
    """The numbered stops of all routes, those drawn on top of each other grouped into one
    mark with their count (its hover text lists each)."""
    points = [
        dict(label, colour=r["colour"], plate=r["plate"]) for r in routes for label in r["labels"]
    ]
    marks = []
    for group in cluster(points):
        head = group[0]
        lines = [f"{p['plate']} {p['n']}. {p['name']}" for p in group]
        marks.append(
            {
                "x": head["x"],
                "y": head["y"],
                "count": len(group),
                "text": str(head["n"]) if len(group) == 1 else f"{len(group)}",
                "colour": head["colour"] if len({p["colour"] for p in group}) == 1 else None,
                "title": "\n".join(lines),
            }
        )
    return marks


def plan_geo(plan: Plan, park: Site) -> dict:
    """The same routes as coordinates, for Leaflet on a configured tile server."""
    routes = []
    for i, route in enumerate(plan.routes):
        points = [[_site_of(s, park).lat, _site_of(s, park).lon] for s in route.stops]
        stops = [
            {
                "lat": _site_of(s, park).lat,
                "lon": _site_of(s, park).lon,
                "name": _site_of(s, park).name,
                "n": s.seq,
            }
            for s in route.stops
            if s.booking or s.order_id
        ]
        routes.append(
            {
                "colour": COLOURS[i % len(COLOURS)],
                "plate": route.truck.plate,
                "points": points,
                "stops": stops,
            }
        )
    return {
        "park": [park.lat, park.lon],
        "routes": routes,
        "left_out": [[place.lat, place.lon] for place in left_out_places(plan)],
        "places": geo_places(),
    }


def plan_vroom(plan: Plan, park: Site) -> dict:
    """The plan as it stands (kept, edited and locked routes included) in VROOM's output
    format: each step's arrival, travel, waiting, setup and service apart; why a booking
    was left out (`reason_text`, `description`) in the reader's words, as the plan page says
    it (the stored sentence is the solver's English), its `reason` code as it is."""
    out = plan_solution.as_vroom(plan, lambda stop: _site_of(stop, park))
    for left, shown in zip(plan.unassigned, out["unassigned"], strict=True):
        words = reason_text(left.reason, left.message, left.booking.site)
        shown["reason_text"] = shown["description"] = str(words)
    return out


def plan_document(plan_id: int) -> dict:
    """A stored plan with its VROOM-style routes, as the API returns it."""
    plan = publishing.get_plan(plan_id)
    return {
        "id": plan.id,
        "plan_date": plan.plan_date,
        "status": plan.status,
        "cost_fen": plan.cost_fen,
        "solution": plan_vroom(plan, park_site()),
    }
