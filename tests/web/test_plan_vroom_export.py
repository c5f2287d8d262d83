"""The API's VROOM JSON of a stored plan: each step's waiting, setup and service apart, as
VROOM writes them (setup only when the truck came from another place)."""

from __future__ import annotations

import re
from datetime import time

from lithloop.extensions import db
from lithloop.models import Booking, PlanRoute, PlanStatus, PlanUnassigned
from tests import worlds
from tests.conftest import api_headers
from tests.route_world import at, book, lot, make_route

world = worlds.published_route

TIMES = [  # (arrival, departure), Beijing time
    ("07:30", "07:30"),
    ("08:45", "09:25"),  # waits 15 min for the window, 15 min setup, 10 min loading
    ("09:25", "09:35"),  # the same place: loading only
    ("10:00", "10:25"),  # another place: setup and loading
    ("11:00", "11:00"),
]


def _plan(world):
    dealer, dispatcher = world["dealer"], world["dispatcher"]
    b1, b2, _ = (db.session.get(Booking, i) for i in world["bookings"])
    here = [book(dealer, b1.site, [lot(count=10)], dispatcher) for _ in range(2)]
    there = book(dealer, b2.site, [lot(count=10)], dispatcher)
    day = db.session.get(Booking, there).pickup_date
    route = make_route(
        world["trucks"][1],
        [("start", None, "07:30"), ("pickup", here[0], "08:45"), ("pickup", here[1], "09:25")]
        + [("pickup", there, "10:00"), ("end", None, "11:00")],
        day=day,
        status=PlanStatus.DRAFT,
        by=dispatcher,
    )
    for stop, (arrival, departure) in zip(route.stops, TIMES, strict=True):
        stop.arrival, stop.departure = at(day, arrival), at(day, departure)
    assert db.session.get(Booking, here[0]).window_start == time(9, 0)
    db.session.commit()
    return route, (here[0], here[1], there)


def test_steps_have_waiting_setup_and_service_apart(client, world):
    route, ids = _plan(world)
    shown = client.get(
        f"/api/v1/plans/{route.plan_id}", headers=api_headers(client, world["dispatcher"])
    ).json["solution"]
    (out,) = [r for r in shown["routes"] if r["vehicle"] == route.truck_id]
    steps = out["steps"]
    assert [s.get("id") for s in steps] == [None, *ids, None]
    assert [s["type"] for s in steps] == ["start", "job", "job", "job", "end"]
    got = [(s["waiting_time"], s["setup"], s["service"]) for s in steps]
    assert got == [(0, 0, 0), (900, 900, 600), (0, 0, 600), (0, 900, 600), (0, 0, 0)]
    assert [s["duration"] for s in steps] == [0, 4500, 4500, 6000, 8100]  # travel so far
    assert (out["waiting_time"], out["setup"], out["service"]) == (900, 1800, 1800)
    assert steps[1]["arrival"] == 8 * 3600 + 45 * 60 and steps[1]["trip"] == 1
    assert out["description"] == route.truck.plate and steps[1]["done"] is False
    assert shown["summary"]["setup"] == sum(r["setup"] for r in shown["routes"])


def test_why_a_booking_was_left_out_is_in_the_readers_words(client, world):
    route = db.session.get(PlanRoute, world["route_id"])
    solver_said = "No truck has the required skill(s) (hazmat)."
    route.plan.unassigned.append(
        PlanUnassigned(
            booking_id=world["bookings"][-1], reason="skill_missing", message=solver_said
        )
    )
    db.session.commit()
    headers = api_headers(client, world["dispatcher"])
    shown = {}
    for language in ("zh-CN", "en"):
        answer = client.get(
            f"/api/v1/plans/{route.plan_id}", headers={**headers, "Accept-Language": language}
        )
        assert answer.status_code == 200
        (shown[language],) = answer.json["solution"]["unassigned"]
    chinese, english = shown["zh-CN"], shown["en"]
    assert chinese["reason"] == english["reason"] == "skill_missing"  # the code is data
    assert chinese["id"] == world["bookings"][-1]
    assert re.search(r"[\u4e00-\u9fff]", chinese["reason_text"]), chinese
    assert not re.search(r"[A-Za-z]{3,} [A-Za-z]{2,}", chinese["reason_text"]), chinese
    assert chinese["description"] == chinese["reason_text"]
    assert (
        english["reason_text"] == "No truck has the required skill (dangerous goods) free that day."
    )
