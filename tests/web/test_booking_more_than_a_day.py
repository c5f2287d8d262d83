"""A booking heavier than the park collects in a day is refused beside its lots, saying so.

It was refused as "<day> is full. Next free days: —": the owner was sent to wait for room,
or to try each day in turn, on a booking no day could ever take.
"""

from __future__ import annotations

import sqlalchemy as sa

from lithloop.extensions import db
from lithloop.models import Booking
from tests import worlds
from tests.conftest import api_headers, submit
from tests.route_world import open_day

world = worlds.dealer_at_site


def _form(site, *masses: str) -> dict:
    form = {"site_id": site.id, "date": open_day(2).isoformat(), "slot": "10:00-12:00"}
    for i, mass in enumerate(masses):
        lot = {"chemistry": "LFP", "form": "pack", "count": "10", "mass_kg": mass}  # bus packs
        form |= {f"lots-{i}-{k}": v for k, v in {**lot, "condition": "intact"}.items()}
    return form


def _bookings() -> int:
    return db.session.scalar(sa.select(sa.func.count(Booking.id)))


def test_lots_heavier_than_a_day_are_refused_beside_them_not_as_a_full_day(
    app, client, auth, world
):
    app.config["TRUCK_TRIPS_PER_DAY"] = 1  # 2 trucks x 12 t = 24 t a day
    auth.login(world["dealer"].email)
    response = submit(client, "/bookings/new", _form(world["site"], "15000", "15000.5"))
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    said = page.split('id="lots-err">', 1)[1].split("</p>", 1)[0]
    assert "30,000.5" in said and "24,000" in said and "拆分" in said, said
    assert "已约满" not in page and "—" not in said
    assert 'href="#lots-err"' in page  # the summary at the top leads to it
    assert 'value="15000.5"' in page  # what was typed is kept
    assert _bookings() == 0


def test_the_api_refuses_it_on_the_lots_with_its_own_code(app, client, world):
    app.config["TRUCK_TRIPS_PER_DAY"] = 1
    lot = {"chemistry": "LFP", "form": "pack", "count": 1, "condition": "intact", "codes": []}
    body = {
        "site_id": world["site"].id,
        "date": open_day(2).isoformat(),
        "window": ["10:00", "12:00"],
        "lots": [  # bus packs of 2.5 t
            {**lot, "count": 8, "mass_kg": "20000"},
            {**lot, "count": 2, "mass_kg": "5000"},
        ],
    }
    response = client.post(
        "/api/v1/bookings", json=body, headers=api_headers(client, world["dealer"])
    )
    assert response.status_code == 422, response.json
    assert response.json["error"] == "more_than_a_day"
    assert response.json["field"] == "lots"
    assert _bookings() == 0


def test_lots_that_fit_a_day_are_still_booked(app, client, world):
    app.config["TRUCK_TRIPS_PER_DAY"] = 1
    lot = {"chemistry": "LFP", "form": "pack", "count": 1, "condition": "intact", "codes": []}
    body = {
        "site_id": world["site"].id,
        "date": open_day(2).isoformat(),
        "window": ["10:00", "12:00"],
        "lots": [{**lot, "count": 10, "mass_kg": "24000"}],
    }
    response = client.post(
        "/api/v1/bookings", json=body, headers=api_headers(client, world["dealer"])
    )
    assert response.status_code == 201, response.json


def test_the_quote_panel_says_so_as_the_lots_are_typed(app, client, auth, world):
    app.config["TRUCK_TRIPS_PER_DAY"] = 1
    auth.login(world["dealer"].email)
    form = _form(world["site"], "15000", "15000.5")
    panel = submit(client, "/bookings/quote", form, page="/bookings/new").get_data(as_text=True)
    assert "30,000.5" in panel and "拆分" in panel, panel
    fits = submit(client, "/bookings/quote", _form(world["site"], "15000"), page="/bookings/new")
    assert "拆分" not in fits.get_data(as_text=True)
