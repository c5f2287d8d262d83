"""Bookings at one place on the plan's timeline: each row says which booking it is."""

from __future__ import annotations

from lithloop.extensions import db
from lithloop.models import PlanRoute
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
