"""A lot's codes by its form. Black mass (a powder) carries no GB/T 34014 codes (dealer
walk: a pack's code was taken for a black-mass lot and its quote said "1 pack without a
code: the park will code it on arrival" of a powder): codes are refused beside the codes
box, on the form and in the API, and no lot of black mass is told of packs without a code.
Modules and cells without a code are named as modules and cells, not packs."""

from __future__ import annotations

import re
from html import unescape

import pytest
import sqlalchemy as sa

from lithloop.extensions import db
from lithloop.models import Booking
from tests import worlds
from tests.booking_forms import one_lot_form
from tests.conftest import api_headers, submit
from tests.pack_builders import pack_code
from tests.route_world import lot, open_day

world = worlds.dealer_at_site


def _black_mass(world, codes="", slot=None) -> dict:
    form = one_lot_form(world["site"], count=1, mass_kg="50", codes=codes, slot=slot)
    return form | {"lots-0-form": "black_mass"}


def _text(page) -> str:
    return " ".join(unescape(page.get_data(as_text=True)).split())


def test_a_black_mass_quote_tells_of_no_uncoded_packs(client, auth, world):
    auth.login(world["dealer"].email)
    page = submit(client, "/bookings/quote", _black_mass(world), page="/bookings/new")
    said = _text(page)
    assert page.status_code == 200 and "¥" in said
    assert "没有编码" not in said, said


def test_codes_on_a_black_mass_lot_are_refused_beside_the_codes(client, auth, world):
    before = db.session.scalar(sa.select(sa.func.count(Booking.id)))
    auth.login(world["dealer"].email)
    page = submit(client, "/bookings/new", _black_mass(world, [pack_code()], slot="10:00-12:00"))
    assert page.status_code == 422
    beside = re.search(
        r'<p class="error" id="lots-0-codes-err"[^>]*>([^<]*)</p>', page.get_data(as_text=True)
    )
    assert beside and "黑粉没有电池编码" in unescape(beside.group(1)), _text(page)
    api = client.post(
        "/api/v1/bookings",
        json={
            "site_id": world["site"].id,
            "date": open_day(2).isoformat(),
            "window": ["09:00", "11:00"],
            "lots": [lot(form="black_mass", mass="50", codes=[pack_code()])],
        },
        headers=api_headers(client, world["dealer"]),
    )
    assert api.status_code == 422 and api.json["field"] == "lots[0].codes", api.json
    assert db.session.scalar(sa.select(sa.func.count(Booking.id))) == before


def test_a_black_mass_lot_without_codes_is_booked(client, auth, world):
    auth.login(world["dealer"].email)
    page = submit(client, "/bookings/new", _black_mass(world, slot="10:00-12:00"))
    assert page.status_code == 302, _text(page)


@pytest.mark.parametrize(
    ("form", "chinese", "english"),
    [
        ("cell", "第 1 批：3 个电芯没有编码", "Lot 1: 3 cells without a code"),
        ("module", "第 1 批：3 个模组没有编码", "Lot 1: 3 modules without a code"),
        ("pack", "第 1 批：3 个电池包没有编码", "Lot 1: 3 packs without a code"),
    ],
)
def test_uncoded_items_are_named_as_the_lots_form(client, auth, world, form, chinese, english):
    """walk: a lot of cells read "3 个电池包没有编码" (3 packs without a code)."""
    auth.login(world["dealer"].email)
    typed = one_lot_form(world["site"], count=3, mass_kg="50") | {"lots-0-form": form}
    assert chinese in _text(submit(client, "/bookings/quote", typed, page="/bookings/new"))
    client.get("/lang/en")
    assert english in _text(submit(client, "/bookings/quote", typed, page="/bookings/new"))
