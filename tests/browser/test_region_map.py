"""The plan map draws the region: county and prefecture boundaries, place names, a scale bar,
and stops that would overlap drawn as one mark with their count; offline (server-side SVG)
and on Leaflet when a tile server is configured (tiles refused here, as in a dead zone)."""

from __future__ import annotations

import re

import sqlalchemy as sa

from lithloop.extensions import db
from lithloop.geo.gazetteer import load_places
from lithloop.models import Plan, PlanStatus
from tests.browser.audit import check_page
from tests.browser.conftest import log_in, new_page


def _todays_plan(live) -> tuple[int, int]:
    with live.app.app_context():
        plan = db.session.scalar(
            sa.select(Plan)
            .where(Plan.status == PlanStatus.PUBLISHED)
            .order_by(Plan.plan_date.desc(), Plan.id.desc())
        )
        stops = sum(1 for r in plan.routes for s in r.stops if s.booking_id or s.order_id)
        db.session.remove()
    return plan.id, stops


def test_the_svg_map_draws_boundaries_labels_scale_and_clusters(browser, live_server, screenshots):
    plan_id, stops = _todays_plan(live_server)
    page = new_page(browser, live_server.url, phone=True)
    log_in(page, "dispatcher@demo.lithloop")
    page.goto(f"/dispatch/plans/{plan_id}")
    svg = page.locator("svg.route-map")
    assert svg.is_visible()
    assert svg.locator("path.boundary.prefecture").count() >= 1
    assert svg.locator("path.boundary.county").count() >= 3
    names = svg.locator("text.place").all_text_contents()
    assert names and set(names) <= {p.name_zh for p in load_places()}, names
    assert re.fullmatch(r"[\d.]+ km", svg.locator(".scale-bar text").text_content())
    marks = svg.locator("g.stop-mark")
    counted = 0
    for i in range(marks.count()):
        mark = marks.nth(i)
        lines = mark.locator("title").text_content().split("\n")
        if "cluster" in (mark.get_attribute("class") or ""):
            counted += int(mark.locator("text").text_content())
            assert len(lines) == int(mark.locator("text").text_content())
        else:
            counted += 1
    assert counted == stops  # every stop drawn once, alone or in its cluster
    check_page(page, "plan-map", screenshots, phone=True)
    page.context.close()


def test_leaflet_draws_the_same_layers_and_clusters_when_zoomed_out(browser, live_server):
    plan_id, stops = _todays_plan(live_server)
    app = live_server.app
    app.config["MAP_TILE_URL"] = "http://tiles.invalid/{z}/{x}/{y}.png"
    try:
        page = new_page(browser, live_server.url)
        page.route("http://tiles.invalid/**", lambda r: r.abort())
        log_in(page, "dispatcher@demo.lithloop")
        page.goto(f"/dispatch/plans/{plan_id}")
        page.locator("#plan-map .leaflet-control-scale-line").wait_for()
        assert re.search(r"\d+ (k?m)", page.locator(".leaflet-control-scale-line").inner_text())
        boundaries = page.locator(
            "#plan-map .leaflet-overlay-pane path:not(.leaflet-interactive):not(.place-dot)"
        )
        boundaries.first.wait_for(state="attached")
        assert boundaries.count() > 20
        labels = page.locator("#plan-map .leaflet-tooltip.place-label")
        assert labels.count() > 10
        assert page.locator("#plan-map .leaflet-tooltip.place-label *:not(span)").count() == 0
        for _ in range(4):
            page.click(".leaflet-control-zoom-out")
            page.wait_for_timeout(350)
        cluster = page.locator("#plan-map .map-cluster").first
        cluster.wait_for()
        counts = [int(t) for t in page.locator("#plan-map .map-cluster").all_text_contents()]
        assert sum(counts) <= stops and all(n >= 2 for n in counts)
        cluster.hover()
        tip = page.locator(".leaflet-tooltip:not(.place-label)").last
        tip.wait_for()
        assert len(tip.locator("div > div").all_inner_texts()) == counts[0]
        page.context.close()
    finally:
        app.config["MAP_TILE_URL"] = ""
