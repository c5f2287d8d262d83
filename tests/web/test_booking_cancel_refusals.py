"""A cancel that comes too late (a second tab, a second press, a booking already picked up)
is refused saying what the booking is now, not that "a cancelled booking cannot become
cancelled"."""

from __future__ import annotations

from lithloop.models import BookingStatus, OrgKind, Role
from lithloop.services.booking import bookings as booking_service
from tests import worlds
from tests.factories import make_org, make_user
from tests.web.test_bookings import body, headers

world = worlds.dealer_at_site


def _booked(client, world) -> tuple[int, dict]:
    h = headers(client, world["dealer"])
    made = client.post("/api/v1/bookings", json=body(world["site"]), headers=h)
    assert made.status_code == 201, made.json
    return made.json["id"], h


def test_cancelling_a_cancelled_booking_says_it_is_already_cancelled(client, world):
    booking_id, h = _booked(client, world)
    assert client.post(f"/api/v1/bookings/{booking_id}/cancel", json={}, headers=h).status_code
    again = client.post(f"/api/v1/bookings/{booking_id}/cancel", json={}, headers=h)
    assert again.status_code == 409
    assert f"预约 #{booking_id} 已经取消" in again.json["message"]
    assert "不能变为" not in again.json["message"]


def test_cancelling_a_picked_up_booking_names_what_it_is_now(client, world):
    booking_id, h = _booked(client, world)
    dispatcher = make_user(make_org(OrgKind.PARK_OPERATOR), role=Role.DISPATCHER)
    booking_service.change_status(dispatcher, booking_id, BookingStatus.SCHEDULED)
    booking_service.change_status(dispatcher, booking_id, BookingStatus.PICKED_UP)
    refused = client.post(f"/api/v1/bookings/{booking_id}/cancel", json={}, headers=h)
    assert refused.status_code == 409
    assert refused.json["message"] == f"预约 #{booking_id} 已不能取消：当前状态为“已取货”。"
