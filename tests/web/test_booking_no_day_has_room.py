"""A booking that fits a day, when no day of the booking horizon has room for it, is told
so plainly with what to do (call the park, or book a smaller part), never offered an empty
list ("Next free days: —")."""

from __future__ import annotations

import re
from datetime import timedelta

import sqlalchemy as sa

from lithloop import clock
from lithloop.extensions import db
from lithloop.models import Booking, BookingDay, Site, SiteKind
from lithloop.services.booking import bookings as booking_service
from lithloop.services.booking import capacity
from tests import worlds
from tests.conftest import api_headers, submit
from tests.route_world import open_day

world = worlds.dealer_at_site

PHONE = "0453-6999999"


def _every_day_nearly_full(app) -> None:
    """Each day from today to past the horizon keeps 100 kg free: a 500 kg lot fits a day's
    capacity but no day's room."""
    most = capacity.day_capacity_kg()
    horizon = app.config["BOOKING_HORIZON_DAYS"]
    for n in range(horizon + 2):
        day = clock.today() + timedelta(days=n)
        db.session.merge(BookingDay(day=day, booked_kg=most - 100, booked_stops=1))
    park = db.session.scalar(sa.select(Site).where(Site.kind == SiteKind.PARK))
    park.contact_phone = PHONE
    db.session.commit()


def _form(site) -> dict:
    lot = {"chemistry": "LFP", "form": "pack", "count": "1", "mass_kg": "500"}
    return {"site_id": site.id, "date": open_day(2).isoformat(), "slot": "10:00-12:00"} | {
        f"lots-0-{k}": v for k, v in {**lot, "condition": "intact"}.items()
    }


def test_the_form_says_no_day_has_room_and_whom_to_call(app, client, auth, world):
    _every_day_nearly_full(app)
    auth.login(world["dealer"].email)
    response = submit(client, "/bookings/new", _form(world["site"]))
    page = response.get_data(as_text=True)
    assert response.status_code == 422, re.findall(r'class="error"[^>]*>([^<]*)', page)
    horizon = app.config["BOOKING_HORIZON_DAYS"]
    assert f"未来 {horizon} 天内没有哪一天还能容纳这些批次" in page
    assert PHONE in page and "较小的一部分" in page
    assert "最近的空闲日期：—" not in page and "最近的空闲日期" not in page
    assert db.session.scalar(sa.select(sa.func.count(Booking.id))) == 0


def test_the_api_says_it_in_english(app, client, world):
    _every_day_nearly_full(app)
    lot = {"chemistry": "LFP", "form": "pack", "count": 1, "condition": "intact", "codes": []}
    body = {
        "site_id": world["site"].id,
        "date": open_day(2).isoformat(),
        "window": ["10:00", "12:00"],
        "lots": [{**lot, "mass_kg": "500"}],
    }
    headers = api_headers(client, world["dealer"]) | {"Accept-Language": "en"}
    response = client.post("/api/v1/bookings", json=body, headers=headers)
    assert response.status_code == 409, response.json
    said = str(response.json)
    horizon = app.config["BOOKING_HORIZON_DAYS"]
    assert f"No day in the next {horizon} days has room" in said, said
    assert PHONE in said and "smaller part" in said and "—" not in said


def test_moving_a_booking_to_a_full_day_says_it_too(app, client, auth, world):
    lot = {"chemistry": "LFP", "form": "pack", "count": 1, "condition": "intact", "codes": []}
    raw = {
        "site_id": world["site"].id,
        "date": open_day(1).isoformat(),
        "window": ["10:00", "12:00"],
        "lots": [{**lot, "mass_kg": "500"}],
    }
    booking_id = booking_service.book_pickup(world["dealer"], raw)[0].id
    _every_day_nearly_full(app)
    auth.login(world["dealer"].email)
    page = f"/bookings/{booking_id}"
    sent = submit(client, f"{page}/move-day", {"date": open_day(3).isoformat()}, page=page)
    assert sent.status_code == 302
    said = client.get(page).get_data(as_text=True)
    horizon = app.config["BOOKING_HORIZON_DAYS"]
    whole = f'<span class="nowrap">{horizon} 天</span>'  # a day count kept on one line
    assert f"未来 {whole}内没有哪一天还能容纳这些批次" in said and PHONE in said
    assert "最近的空闲日期" not in said
    db.session.expire_all()
    assert db.session.get(Booking, booking_id).pickup_date == open_day(1)
