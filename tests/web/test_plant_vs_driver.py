"""Receiving at the plant against the driver's record (issue 18, item 8): where the weighing
or the codes differ from what the driver loaded, the page says what and asks for a note."""

from __future__ import annotations

from lithloop.extensions import db
from lithloop.models import Booking, BookingStatus
from lithloop.services.plant.intake_check import differences
from tests import worlds
from tests.intake_world import row_counts
from tests.web.test_plant_intake import form_of, login, receive

world = worlds.arrival


def test_a_code_the_driver_loaded_but_that_did_not_arrive_needs_a_note(client, auth, world):
    login(client, auth, world)
    page = client.get(f"/plant/bookings/{world['booking_id']}/receive").get_data(as_text=True)
    assert "Codes the driver loaded" in page
    before = row_counts()
    missing = world["codes"][1]
    refused = receive(client, world, form_of(world, codes=world["codes"][:1]))
    assert refused.status_code == 422
    text = refused.get_data(as_text=True)
    error = text.split('id="err-note"')[1].split("</p>")[0]
    assert missing in error and "not received" in error
    assert row_counts() == before  # nothing half-written
    db.session.expire_all()
    assert db.session.get(Booking, world["booking_id"]).status is BookingStatus.PICKED_UP
    noted = form_of(world, codes=world["codes"][:1], note="一个包在车上没找到")
    assert receive(client, world, noted).status_code == 302


def test_the_weighing_is_compared_with_the_driver_mass(client, auth, world):
    from lithloop.models import PlanStop

    stop = db.session.get(PlanStop, world["stop_id"])
    assert differences(stop, stop.picked_kg, world["codes"]) == []
    heavier = differences(stop, stop.picked_kg * 2, world["codes"])
    assert len(heavier) == 1 and f"{stop.picked_kg:,.2f}" in heavier[0]
    extra = differences(stop, stop.picked_kg, [*world["codes"], "X"])
    assert extra and "X" in extra[0]


def test_codes_that_differ_from_the_drivers_are_listed_the_chinese_way(app, world):
    """Trace walk: two codes received but not loaded read "CODE1, CODE2" in the Chinese
    message; a Chinese list is joined with 、."""
    from flask_babel import force_locale

    from lithloop.models import PlanStop

    stop = db.session.get(PlanStop, world["stop_id"])
    with app.test_request_context(), force_locale("zh_CN"):
        found = differences(stop, stop.picked_kg, [*world["codes"], "X1", "X2"])
    assert any("X1、X2" in line for line in found), found
