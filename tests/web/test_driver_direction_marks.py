"""A driver's note (a failed pickup, a pickup, a failed delivery) carrying an invisible
text-direction control (U+202E) is refused beside the note, nothing written: it made the
rest of the line read backwards on the dispatcher's live panel, the booking's history and
the letters, as the platform's other free text refuses it."""

from __future__ import annotations

import re

import pytest

from lithloop.extensions import db
from tests import worlds
from tests.conftest import submit
from tests.market.test_delivery_back import _delivery_today, _fresh, _letters
from tests.web.test_driver import events, post, stops

world = worlds.published_route
TURNED = "\u202e门卫说明天再来"


def _refused_beside_the_note(response, stop_id: int, action: str) -> str:
    page = response.get_data(as_text=True)
    assert response.status_code == 422, page[:500]
    beside = re.search(rf'id="err-{stop_id}-{action}-note">([^<]*)<', page)
    assert beside and "方向" in beside.group(1), page
    return beside.group(1)


@pytest.mark.parametrize(
    ("action", "data"),
    [
        ("exception", {"reason": "closed", "note": TURNED}),
        ("pickup", {"mass_kg": "1", "codes": "", "note": TURNED}),
    ],
)
def test_a_pickup_stops_note_with_a_direction_control_is_refused(client, auth, world, action, data):
    auth.login(world["driver"].email)
    stop = stops(world)[0]
    before = [e.id for e in events(stop.booking_id)]
    _refused_beside_the_note(post(client, stop, action, data), stop.id, action)
    db.session.expire_all()
    assert [e.id for e in events(stop.booking_id)] == before
    fine = post(client, stop, "exception", {"reason": "closed", "note": "门卫说明天再来"})
    assert fine.status_code == 302


def test_a_failed_deliverys_note_with_a_direction_control_is_refused(client, auth, app):
    order, route, driver, _ = _delivery_today()
    stop = route.stops[1]
    auth.login(driver.email)
    url = f"/driver/stops/{stop.id}/exception"
    refused = submit(client, url, {"reason": "nobody_there", "note": TURNED}, page="/driver/")
    _refused_beside_the_note(refused, stop.id, "exception")
    assert not _fresh(order).events and not _letters(order)
