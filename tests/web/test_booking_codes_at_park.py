"""A pack code the park has already received (a pack in its register) is refused when a
pickup is booked with it, beside the lot's codes: its intake refuses it ("already registered
as packs") once the truck is back, so the booking could never be received."""

from __future__ import annotations

import re
from datetime import date

import sqlalchemy as sa

from lithloop.batteries import make_park_code
from lithloop.extensions import db
from lithloop.models import Booking
from tests import worlds
from tests.booking_forms import one_lot_form
from tests.conftest import submit
from tests.factories import PackFactory
from tests.web.test_bookings import body, headers, lot

world = worlds.dealer_at_site


def _received_code() -> str:
    code = make_park_code(9, chemistry_letter="B", product_type="P", produced=date(2019, 5, 4))
    PackFactory(code=code)
    db.session.commit()
    return code


def _bookings() -> int:
    return db.session.scalar(sa.select(sa.func.count(Booking.id)))


def test_the_api_refuses_a_code_the_park_has_received(client, world):
    code = _received_code()
    lots = [lot(), lot(codes=[code])]
    refused = client.post(
        "/api/v1/bookings",
        json=body(world["site"], lots=lots),
        headers=headers(client, world["dealer"]),
    )
    assert refused.status_code == 409, refused.json
    assert refused.json["field"] == "lots[1].codes"
    assert code in refused.json["message"] and "已接收" in refused.json["message"]
    assert _bookings() == 0


def test_the_form_says_it_beside_the_lots_codes(client, auth, world):
    code = _received_code()
    auth.login(world["dealer"].email)
    form = one_lot_form(world["site"], codes=code, slot="08:00-10:00")
    page = submit(client, "/bookings/new", form, page="/bookings/new")
    html = page.get_data(as_text=True)
    assert page.status_code == 422 and _bookings() == 0
    assert re.search(r'id="lots-0-codes-err">[^<]*产业园已接收', html), html
    assert code in html  # what was typed stays in the box
