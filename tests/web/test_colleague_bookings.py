"""Colleagues share their organisation's bookings: one member's booking is listed, opened,
changed and cancelled by another member of the same dealer branch, and by nobody else's."""

from __future__ import annotations

from lithloop.extensions import db
from lithloop.models import Booking, BookingStatus
from lithloop.services.booking import bookings as booking_service
from tests import worlds
from tests.conftest import Auth, submit
from tests.factories import make_org, make_user
from tests.route_world import lot, open_day

world = worlds.dealer_at_site


def test_a_colleague_opens_changes_and_cancels_a_booking_another_member_made(client, world):
    """Bookings belong to the organisation, not to whoever booked: a colleague lists, opens,
    changes and cancels them."""
    raw = {
        "site_id": world["site"].id,
        "date": open_day(2).isoformat(),
        "window": ["09:00", "11:00"],
        "lots": [lot(mass="600")],
    }
    booking = booking_service.book_pickup(world["dealer"], raw)[0]
    booking_id = booking.id
    colleague = make_user(world["dealer"].organisation)
    Auth(client).login(colleague.email)
    assert f"/bookings/{booking_id}" in client.get("/bookings/").get_data(as_text=True)
    page = client.get(f"/bookings/{booking_id}")
    assert page.status_code == 200 and 'id="change-pickup"' in page.get_data(as_text=True)
    change = {"date": open_day(3).isoformat(), "slot": "13:00-15:00", "note": ""}
    done = submit(client, f"/bookings/{booking_id}/change", change, page=f"/bookings/{booking_id}")
    assert done.status_code == 302
    db.session.expire_all()
    assert db.session.get(Booking, booking_id).pickup_date == open_day(3)
    cancel = {"confirmed": "1", "reason": "客户改期"}
    assert submit(client, f"/bookings/{booking_id}/cancel", cancel).status_code == 302
    db.session.expire_all()
    assert db.session.get(Booking, booking_id).status is BookingStatus.CANCELLED
    # another organisation's dealer still sees none of it
    Auth(client).logout()
    Auth(client).login(make_user(make_org()).email)
    assert client.get(f"/bookings/{booking_id}").status_code == 404
