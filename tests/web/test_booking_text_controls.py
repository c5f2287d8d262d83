"""Control characters (ESC, BEL, backspace) in a booking's typed text: the note for the
driver (new booking, change of pickup, API), the cancel reason and a site's fields are
refused beside their field, nothing stored (dealer walk: an ESC in the note was booked,
invisible on the page and printed on the driver's manifest)."""

from __future__ import annotations

import re
from html import unescape

import pytest
import sqlalchemy as sa

from lithloop.extensions import db
from lithloop.models import Booking, BookingStatus, Site
from lithloop.services.booking import bookings as booking_service
from tests import worlds
from tests.booking_forms import one_lot_form
from tests.conftest import api_headers, submit
from tests.route_world import lot, open_day

world = worlds.dealer_at_site

CONTROLS = ["请走东门\x1b[31m", "a\x07b", "门口\x08左转"]
SAID = "含有看不见的控制字符，请删除后重试"  # in plain words, not "（如 NUL）"


def _beside(page, field: str) -> str:
    found = re.search(rf'<p class="error" id="{field}-err"[^>]*>([^<]*)</p>', page)
    return unescape(found.group(1)) if found else ""


def _count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count(model.id)))


def _book(world, note: str = "门口左转") -> int:
    raw = {
        "site_id": world["site"].id,
        "date": open_day(2).isoformat(),
        "window": ["09:00", "11:00"],
        "lots": [lot(mass="600")],
        "note": note,
    }
    return booking_service.book_pickup(world["dealer"], raw)[0].id


@pytest.mark.parametrize("note", CONTROLS)
def test_a_new_booking_note_with_a_control_character_is_refused_beside_it(
    client, auth, world, note
):
    before = _count(Booking)
    auth.login(world["dealer"].email)
    page = submit(
        client, "/bookings/new", {**one_lot_form(world["site"], slot="10:00-12:00"), "note": note}
    )
    assert page.status_code == 422
    assert SAID in _beside(page.get_data(as_text=True), "note")
    api = client.post(
        "/api/v1/bookings",
        json={
            "site_id": world["site"].id,
            "date": open_day(2).isoformat(),
            "window": ["09:00", "11:00"],
            "lots": [lot(mass="600")],
            "note": note,
        },
        headers=api_headers(client, world["dealer"]),
    )
    assert api.status_code == 422 and api.json["field"] == "note", api.json
    assert _count(Booking) == before


def test_a_changed_note_with_a_control_character_is_refused_beside_it(client, auth, world):
    booking_id = _book(world)
    auth.login(world["dealer"].email)
    form = {"date": open_day(3).isoformat(), "slot": "13:00-15:00", "note": "a\x1bb"}
    page = submit(client, f"/bookings/{booking_id}/change", form, page=f"/bookings/{booking_id}")
    assert page.status_code == 422
    html = page.get_data(as_text=True)
    note = re.search(r'id="change-note-err">([^<]*)<', html)
    assert note and SAID in unescape(note.group(1)), html
    db.session.expire_all()
    booking = db.session.get(Booking, booking_id)
    assert booking.note == "门口左转" and booking.pickup_date == open_day(2)


def test_a_cancel_reason_with_a_control_character_is_refused_beside_it(client, auth, world):
    booking_id = _book(world)
    auth.login(world["dealer"].email)
    page = submit(
        client,
        f"/bookings/{booking_id}/cancel",
        {"reason": "计划\x1b有变", "confirmed": "1"},
        page=f"/bookings/{booking_id}",
    )
    assert page.status_code == 422
    assert SAID in _beside(page.get_data(as_text=True), "reason")
    db.session.expire_all()
    assert db.session.get(Booking, booking_id).status is BookingStatus.REQUESTED


SITE = {
    "name": "海林服务站",
    "address": "海林市长安街5号",
    "city": "海林市",
    "district": "",
    "lat": "44.5940",
    "lon": "129.3800",
    "contact_name": "王伟",
    "contact_phone": "13800000000",
    "opens_at": "08:00",
    "closes_at": "17:30",
}


@pytest.mark.parametrize("field", ["name", "address", "contact_name"])
def test_a_site_field_with_a_control_character_is_refused_beside_it(client, auth, world, field):
    before = _count(Site)
    auth.login(world["dealer"].email)
    page = submit(client, "/sites/new", {**SITE, field: SITE[field] + "\x1b"})
    assert page.status_code == 422
    html = page.get_data(as_text=True)
    assert SAID in _beside(html, field), html
    assert _count(Site) == before
