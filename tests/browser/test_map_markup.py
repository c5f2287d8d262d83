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


def test_plan_map_tooltips_show_names_as_text(browser, live_server):
    app = live_server.app
    with app.app_context():
        plan = db.session.scalar(
            sa.select(Plan)
            .where(Plan.status == PlanStatus.PUBLISHED)
            .order_by(Plan.plan_date.desc(), Plan.id.desc())
        )
        route = next(r for r in plan.routes if any(s.booking for s in r.stops))
        site = db.session.get(Site, next(s.booking.site_id for s in route.stops if s.booking))
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
