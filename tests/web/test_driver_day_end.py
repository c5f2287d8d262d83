"""The end of the driver's day: all done only when every stop is done."""

from __future__ import annotations

from lithloop import clock
from lithloop.extensions import db
from lithloop.models import PlanRoute
from tests import worlds
from tests.conftest import submit

world = worlds.published_route  # of `driver`, three pickups over two trips

ALL_DONE = "All stops of today are done."


def _finish_all_but(world, left) -> None:
    route = db.session.get(PlanRoute, world["route_id"])
    for stop in route.stops:
        if stop.kind != "start" and stop.id != left.id:
            stop.done_at = clock.now()
    db.session.commit()


def _open_pickup(world):
    route = db.session.get(PlanRoute, world["route_id"])
    return [s for s in route.stops if s.kind == "pickup"][1]


def test_a_stop_with_an_exception_is_not_called_done(client, auth, world):
    auth.login(world["driver"].email)
    client.get("/lang/en")
    stop = _open_pickup(world)
    data = {"reason": "refused", "note": "no forklift"}
    assert (
        submit(client, f"/driver/stops/{stop.id}/exception", data, page="/driver/").status_code
        == 302
    )
    _finish_all_but(world, stop)
    page = client.get("/driver/").get_data(as_text=True)
    assert ALL_DONE not in page
    assert "1 stop is not done: an exception was reported and it waits for the dispatcher." in page
    client.get("/lang/zh")
    page = client.get("/driver/").get_data(as_text=True)
    assert "今天的站点已全部完成" not in page
    assert "有 1 个站点未完成：已上报异常，等待调度员处理。" in page


def test_all_done_is_said_when_every_stop_is_done(client, auth, world):
    auth.login(world["driver"].email)
    client.get("/lang/en")
    stop = _open_pickup(world)
    _finish_all_but(world, stop)
    assert ALL_DONE not in client.get("/driver/").get_data(as_text=True)  # one still to do
    stop = _open_pickup(world)
    stop.done_at = clock.now()
    db.session.commit()
    page = client.get("/driver/").get_data(as_text=True)
    assert ALL_DONE in page and "waits for the dispatcher" not in page
