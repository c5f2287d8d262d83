"""Bookings one after another at one place: pages show the truck's arrival there once, and
the later bookings' times as the start of their loading, not as arrivals of their own."""

from __future__ import annotations

from tests import worlds
from tests.route_world import shared_site_route

world = worlds.published_route


def test_the_plan_timeline_shows_one_arrival_at_a_place(client, auth, world):
    route = shared_site_route(world, 2)
    auth.login(world["dispatcher"].email)
    page = client.get(f"/dispatch/plans/{route.plan_id}").get_data(as_text=True)
    table = page[page.index(f'id="route-{route.id}"') :]
    table = table[table.index('class="timeline"') : table.index("</table>")]
    rows = table.split("<tr")[2:]  # the head's row first
    first, second, third = rows[1:4]
    assert "<td>10:02</td>" in first and "<td>11:00</td>" in third
    assert "<td>10:17</td>" not in second
    assert "同一地点，10:17 起装货" in second


def test_the_manifest_shows_one_arrival_at_a_place(client, auth, world):
    route = shared_site_route(world, 2)
    auth.login(world["dispatcher"].email)
    page = client.get(f"/routes/{route.id}/manifest").get_data(as_text=True)
    heads = [h.split("</p>")[0] for h in page.split('class="stop-head"')[1:]]
    assert '<strong class="time">10:02</strong>' in heads[0]
    assert '<strong class="time">' not in heads[1] and "同一地点，装货 10:17–10:37" in heads[1]
    assert '<strong class="time">11:00</strong>' in heads[2]


def test_the_drivers_page_shows_one_arrival_at_a_place(client, auth, world):
    route = shared_site_route(world, 2)
    auth.login(world["other_driver"].email)
    page = client.get("/driver/").get_data(as_text=True)
    first, second, third = (s for s in route.stops if s.kind == "pickup")
    head = {
        s.id: page.split(f'id="stop-{s.id}"')[1].split("</summary>")[0]
        for s in route.stops
        if s.booking_id
    }
    assert '<strong class="time">10:02</strong>' in head[first.id]
    assert "同一地点，10:17 起装货" in head[second.id]
    assert '<strong class="time">' not in head[second.id]
    assert '<strong class="time">11:00</strong>' in head[third.id]
