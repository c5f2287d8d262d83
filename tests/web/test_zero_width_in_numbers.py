"""A number with a zero-width character pasted inside ("1\u200b2", from a chat or a
spreadsheet) reads as the number it shows (12), on a form and in the API; a direction
control (U+202E) inside one is still refused."""

from __future__ import annotations

import sqlalchemy as sa

from lithloop.extensions import db
from lithloop.models import Booking
from tests import worlds
from tests.conftest import api_headers, submit
from tests.route_world import open_day

world = worlds.dealer_at_site


def _form(site, count: str, mass: str) -> dict:
    lot = {"chemistry": "LFP", "form": "pack", "count": count, "mass_kg": mass}
    form = {"site_id": site.id, "date": open_day(2).isoformat(), "slot": "10:00-12:00"}
    return form | {f"lots-0-{k}": v for k, v in {**lot, "condition": "intact"}.items()}


def _only_booking() -> Booking:
    return db.session.scalars(sa.select(Booking)).one()


def test_the_booking_form_reads_a_number_with_a_zero_width_character(client, auth, world):
    auth.login(world["dealer"].email)
    sent = submit(client, "/bookings/new", _form(world["site"], "1\u200b2", "\ufeff8\u200d00"))
    assert sent.status_code == 302, sent.get_data(as_text=True)[:300]
    booking = _only_booking()
    assert booking.lots[0].pack_count == 12 and booking.total_mass_kg == 800


def test_a_direction_control_inside_a_number_is_still_refused(client, auth, world):
    auth.login(world["dealer"].email)
    sent = submit(client, "/bookings/new", _form(world["site"], "1\u202e2", "800"))
    assert sent.status_code == 422
    assert "请输入整数" in sent.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(Booking.id))) == 0


def test_the_api_reads_a_number_with_a_zero_width_character(client, world):
    lot = {"chemistry": "LFP", "form": "pack", "condition": "intact", "codes": []}
    body = {
        "site_id": world["site"].id,
        "date": open_day(2).isoformat(),
        "window": ["10:00", "12:00"],
        "lots": [{**lot, "count": "1\u200b2", "mass_kg": "8\u200b00"}],
    }
    headers = api_headers(client, world["dealer"])
    response = client.post("/api/v1/bookings", json=body, headers=headers)
    assert response.status_code == 201, response.json
    booking = _only_booking()
    assert booking.lots[0].pack_count == 12 and booking.total_mass_kg == 800
