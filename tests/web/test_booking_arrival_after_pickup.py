"""A booking's page gives the truck's expected arrival while the truck is coming, not after.

Once picked up (the driver there at 07:06, two hours before the expected 09:25–10:25) the
page still said "Expected arrival 09:25–10:25" at the top, as if the truck were yet to come
for packs already on it; a settled booking said so weeks later."""

from __future__ import annotations

from datetime import timedelta

from lithloop import clock
from lithloop.extensions import db
from lithloop.models import Booking, BookingStatus
from tests import worlds

arrival = worlds.arrival


def test_the_expected_arrival_is_shown_while_scheduled_and_gone_once_picked_up(
    client, auth, arrival
):
    picked, waiting = (db.session.get(Booking, b) for b in arrival["bookings"][:2])
    assert picked.status is BookingStatus.PICKED_UP
    assert waiting.status is BookingStatus.SCHEDULED
    for booking in (picked, waiting):  # as publishing keeps the arrival it told the owner
        booking.eta_start = clock.at(arrival["today"], 9 * 3600 + 25 * 60)
        booking.eta_end = booking.eta_start + timedelta(hours=1)
    db.session.commit()
    auth.login(arrival["dealer"].email)
    coming = client.get(f"/bookings/{waiting.id}").get_data(as_text=True)
    assert "预计到达" in coming and "09:25" in coming
    done = client.get(f"/bookings/{picked.id}").get_data(as_text=True)
    assert "已取货" in done and "预计到达" not in done and "09:25" not in done
