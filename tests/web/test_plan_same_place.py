"""Bookings at one place on the plan's timeline: each row says which booking it is."""

from __future__ import annotations

from lithloop.extensions import db
from lithloop.models import PlanRoute
from lithloop.services.dispatch.problem import park_site
from lithloop.web.plan_view import plan_geo, plan_map
from tests import worlds

world = worlds.published_route  # b1 and b3 at one site, 东安网点


def test_each_timeline_row_names_its_booking(client, auth, world):
    b1, b2, b3 = world["bookings"]
    route = db.session.get(PlanRoute, world["route_id"])
    auth.login(world["dispatcher"].email)
    page = client.get(f"/dispatch/plans/{route.plan_id}").get_data(as_text=True)
    timeline = page[page.index('class="timeline"') :]
    timeline = timeline[: timeline.index("</table>")]
    assert f">#{b1} 东安网点</a>" in timeline and f">#{b3} 东安网点</a>" in timeline
    assert f">#{b2} 西安网点</a>" in timeline


def test_each_row_on_the_road_names_its_booking(client, auth, world):
    b1, b2, b3 = world["bookings"]
    route = db.session.get(PlanRoute, world["route_id"])
    auth.login(world["dispatcher"].email)
    page = client.get(f"/dispatch/plans/{route.plan_id}").get_data(as_text=True)
    live = page[page.index('class="live-stops"') :]
    live = live[: live.index("</table>")]
    assert f"<td>#{b1} 东安网点</td>" in live and f"<td>#{b3} 东安网点</td>" in live
    assert f"<td>#{b2} 西安网点</td>" in live


def test_the_maps_numbers_are_the_timelines(app, world):
    """After an unloading at the park the map numbered the next pickup 3 where the
    timeline and the driver's phone say 4 (the unloading is a stop of its own there)."""
    route = db.session.get(PlanRoute, world["route_id"])
    pickups = [s for s in route.stops if s.booking_id]
    with app.test_request_context("/"):
        drawn = plan_map(route.plan, park_site(), only=route)["routes"][0]["labels"]
        geo = plan_geo(route.plan, park_site())["routes"][0]["stops"]
    assert [label["n"] for label in drawn] == [s.seq for s in pickups] == [1, 2, 4]
    assert [stop["n"] for stop in geo] == [1, 2, 4]
