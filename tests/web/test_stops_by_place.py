"""The manifest and the driver's page count stops by place: three bookings at one site are
one stop of the truck, told apart from the bookings."""

from __future__ import annotations

from lithloop.extensions import db
from tests import worlds
from tests.route_world import shared_site_route

world = worlds.published_route


def test_the_manifest_counts_stops_and_bookings(client, auth, world):
    route = shared_site_route(world, 3)
    auth.login(world["dispatcher"].email)
    page = client.get(f"/routes/{route.id}/manifest").get_data(as_text=True)
    assert "<dt>站点</dt><dd>2</dd>" in page and "<dt>预约</dt><dd>4</dd>" in page
    total = page[page.index('class="trip-total"') :].split("</p>")[0]
    assert "2 个站点 · 4 个预约" in total


def test_the_manifest_in_english(client, auth, world):
    route = shared_site_route(world, 3)
    auth.login(world["dispatcher"].email)
    client.set_cookie("lang", "en", domain="lithloop.test")
    page = client.get(f"/routes/{route.id}/manifest").get_data(as_text=True)
    total = page[page.index('class="trip-total"') :].split("</p>")[0]
    assert "2 stops · 4 bookings" in total
    assert "<dt>Stops</dt><dd>2</dd>" in page and "<dt>Bookings</dt><dd>4</dd>" in page


def _facts(client, route) -> str:
    page = client.get("/driver/").get_data(as_text=True)
    facts = page[page.index(f'data-route="{route.id}"') :]
    return facts[facts.index('class="route-facts"') :].split("</p>")[0]


def test_the_drivers_page_counts_stops_and_bookings(client, auth, world):
    route = shared_site_route(world, 3)
    auth.login(world["other_driver"].email)
    facts = _facts(client, route)
    # the park at the end is a stop too
    assert "3 个站点" in facts and "4 个预约" in facts and "已完成 0 个" in facts
    first, second, third, _ = (s for s in route.stops if s.kind == "pickup")
    first.done_at = second.done_at = first.arrival
    db.session.commit()
    assert "已完成 0 个" in _facts(client, route)  # one booking at the place is still to do
    third.done_at = third.arrival
    db.session.commit()
    assert "已完成 1 个" in _facts(client, route)
