"""Server data on the Leaflet plan map is text: a site named like markup is shown, not run.

The dispatcher opens today's published plan with a tile server configured (so that
static/js/plan_map.js draws the map). A stop's site and a truck's plate carry markup with an
`onerror` handler; hovering every marker and route opens their tooltips, which must hold the
names as text, with no element made from them and no script run. The page bypasses the CSP
(new_page), so that a script the CSP would have stopped still shows up here.
"""

from __future__ import annotations

import sqlalchemy as sa

from lithloop.extensions import db
from lithloop.models import Plan, PlanStatus, Site
from tests.browser.conftest import log_in, new_page

SITE = '<img src=x onerror="window.__xss=1">站点'
PLATE = '<b onmouseover="window.__xss=2">黑C</b>'


def _published_stop():
    """The newest published plan, its first route with a pickup, and that pickup's site."""
    plan = db.session.scalar(
        sa.select(Plan)
        .where(Plan.status == PlanStatus.PUBLISHED)
        .order_by(Plan.plan_date.desc(), Plan.id.desc())
    )
    route = next(r for r in plan.routes if any(s.booking for s in r.stops))
    site = db.session.get(Site, next(s.booking.site_id for s in route.stops if s.booking))
    return plan, route, site


def test_plan_map_tooltips_show_names_as_text(browser, live_server):
    app = live_server.app
    with app.app_context():
        plan, route, site = _published_stop()
        old_name, old_plate, truck = site.name, route.truck.plate, route.truck
        site.name, truck.plate = SITE, PLATE
        db.session.commit()
        plan_id = plan.id
    app.config["MAP_TILE_URL"] = "http://tiles.invalid/{z}/{x}/{y}.png"
    try:
        page = new_page(browser, live_server.url)
        page.route("http://tiles.invalid/**", lambda r: r.abort())
        log_in(page, "dispatcher@demo.lithloop")
        page.goto(f"/dispatch/plans/{plan_id}")
        page.locator("#plan-map path.leaflet-interactive").first.wait_for(state="attached")
        box = page.locator("#plan-map .leaflet-overlay-pane > svg").bounding_box()
        assert box and box["width"] > 100 and box["height"] > 100  # not squeezed by page CSS
        page.evaluate(  # stops drawn alone are paths; stops close together one cluster mark
            """() => document.querySelectorAll(
                '#plan-map path.leaflet-interactive, #plan-map .map-cluster'
            ).forEach(p => p.dispatchEvent(new MouseEvent('mouseover', {bubbles: true})))"""
        )
        tooltips = page.locator(".leaflet-tooltip")
        texts = [tooltips.nth(i).inner_text() for i in range(tooltips.count())]
        assert any(SITE in t for t in texts), texts
        assert PLATE in texts, texts
        assert page.locator(".leaflet-tooltip img, .leaflet-tooltip b").count() == 0
        assert page.evaluate("() => window.__xss") is None
        page.context.close()
    finally:
        app.config["MAP_TILE_URL"] = ""
        with app.app_context():
            site, truck = db.session.merge(site), db.session.merge(truck)
            site.name, truck.plate = old_name, old_plate
            db.session.commit()


# Each place label and its dot (created in the same order), whether the label is shown, and
# the stop marks drawn at the dot's place (their centre within 2 px of it); every stop mark
# and the park's: boxes in px.
LABEL_BOXES = """() => {
  const box = e => { const r = e.getBoundingClientRect();
    return {left: r.left, right: r.right, top: r.top, bottom: r.bottom,
            x: (r.left + r.right) / 2, y: (r.top + r.bottom) / 2}; };
  const labels = [...document.querySelectorAll('#plan-map .leaflet-tooltip.place-label')];
  const dots = [...document.querySelectorAll('#plan-map path.place-dot')];
  const marks = [...document.querySelectorAll(
    '#plan-map path.stop-mark, #plan-map path.park-mark, #plan-map .map-cluster')].map(box);
  return {
    map: box(document.getElementById('plan-map')),
    pairs: labels.map((label, i) => {
      const dot = box(dots[i]);
      return {text: label.innerText, label: box(label), dot: dot,
              shown: getComputedStyle(label).visibility !== 'hidden',
              marks: marks.filter(m => Math.hypot(m.x - dot.x, m.y - dot.y) <= 2)};
    }),
    dots: dots.length,
    marks: marks,
  };
}"""


def _overlap(a: dict, b: dict) -> bool:
    across = a["left"] < b["right"] and b["left"] < a["right"]
    return across and a["top"] < b["bottom"] and b["top"] < a["bottom"]


def _gap(a: dict, b: dict) -> float:
    """The distance between two boxes (0 when they touch or overlap)."""
    dx = max(a["left"] - b["right"], b["left"] - a["right"], 0)
    dy = max(a["top"] - b["bottom"], b["top"] - a["bottom"], 0)
    return max(dx, dy)


def test_place_labels_sit_beside_their_dots_and_stops_at_desktop_and_phone_width(
    browser, live_server
):
    from lithloop.geo.boundaries import LABEL_KINDS
    from lithloop.geo.gazetteer import load_places

    app = live_server.app
    with app.app_context():  # a stop's site moved onto the labelled place nearest to it
        plan, _, site = _published_stop()
        old = site.lat, site.lon
        place = min(
            (p for p in load_places() if p.kind in LABEL_KINDS),
            key=lambda p: (p.lat - site.lat) ** 2 + (p.lon - site.lon) ** 2,
        )
        site.lat, site.lon = place.lat, place.lon
        db.session.commit()
        plan_id = plan.id
    app.config["MAP_TILE_URL"] = "http://tiles.invalid/{z}/{x}/{y}.png"
    try:
        for phone in (False, True):
            page = new_page(browser, live_server.url, phone=phone)
            page.route("http://tiles.invalid/**", lambda r: r.abort())
            log_in(page, "dispatcher@demo.lithloop")
            page.goto(f"/dispatch/plans/{plan_id}")
            page.locator("#plan-map .place-label >> visible=true").first.wait_for()
            found = page.evaluate(LABEL_BOXES)
            pairs = found["pairs"]
            assert pairs and len(pairs) == found["dots"], found
            shown = [p for p in pairs if p["shown"] and _overlap(p["label"], found["map"])]
            assert any(p["marks"] and p["text"] == place.name_zh for p in shown), (phone, shown)
            for pair in shown:
                label, dot = pair["label"], pair["dot"]
                # beside its own dot (centred on it across, near it along), never on it
                centred = min(abs(label["y"] - dot["y"]), abs(label["x"] - dot["x"])) < 1.5
                assert centred and _gap(label, dot) < 20, (phone, pair)
                assert not _overlap(label, dot), (phone, pair)
                for mark in pair["marks"]:  # a stop at the place: neither hides the other
                    assert not _overlap(label, mark), (phone, pair)
            covered = [
                (p["text"], m) for p in shown for m in found["marks"] if _overlap(p["label"], m)
            ]
            assert not covered, (phone, covered)  # here every name finds a side clear of stops
            page.context.close()
    finally:
        app.config["MAP_TILE_URL"] = ""
        with app.app_context():
            site = db.session.merge(site)
            site.lat, site.lon = old
            db.session.commit()
