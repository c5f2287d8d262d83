"""A person who made several mistakes on the booking form sees every one at once, each
beside its field (the API still answers with the first field); nothing is stored."""

from __future__ import annotations

import re

from tests import worlds
from tests.conftest import api_headers, submit
from tests.route_world import open_day
from tests.web.test_bookings import body, booking_count, lot

world = worlds.dealer_at_site


def _form(world, **lot0) -> dict:
    """The booking form for the world's site two open days ahead, with lot 0's fields."""
    base = {"site_id": world["site"].id, "date": open_day(2).isoformat(), "slot": "08:00-10:00"}
    return {**base, **{f"lots-0-{k}": v for k, v in lot0.items()}}


def test_every_mistake_of_a_lot_is_shown_beside_its_field(client, auth, world):
    auth.login(world["dealer"].email)
    form = _form(
        world,
        chemistry="LFP",
        form="pack",
        count="two",  # not a number
        mass_kg="0",  # no mass
        condition="damaged",  # without the SP376 ticks
        codes="ABC\nXYZ12",  # two bad codes
    )
    page = submit(client, "/bookings/new", form, page="/bookings/new")
    html = page.get_data(as_text=True)
    assert page.status_code == 422 and booking_count() == 0
    assert re.search(r'id="lots-0-count-err">[^<]+<', html), "count"
    assert re.search(r'id="lots-0-mass_kg-err">[^<]+<', html), "mass"
    assert re.search(r'id="lots-0-damage".*?<p class="error">[^<]+</p>', html, re.S), "damage"
    codes = html[html.index('id="lots-0-codes"') :]
    assert "ABC" in codes and "XYZ12" in codes.split("</div>")[0], "both codes"
    assert html.count('id="lots-0-codes-err"') == 1  # one id, however many messages
    summary = html[html.index('id="error-summary"') :].split("</ul>")[0]
    anchors = re.findall(r'<a href="#([^"]+)">', summary)
    assert anchors == ["lots-0-count", "lots-0-mass_kg", "lots-0-damage", "lots-0-codes"]


def test_the_sites_hours_and_a_damaged_lots_day_are_told_with_the_lots_mistakes(
    client, auth, world
):
    """Walk finding: a damaged lot without its SP376 ticks, a slot outside the site's hours
    and a day too late for a damaged lot took three tries, one refusal each."""
    auth.login(world["dealer"].email)
    form = _form(world, chemistry="LFP", form="pack", count="1", mass_kg="300")
    form |= {"lots-0-condition": "damaged", "slot": "17:00-19:00", "date": open_day(6).isoformat()}
    page = submit(client, "/bookings/new", form, page="/bookings/new")
    html = page.get_data(as_text=True)
    assert page.status_code == 422 and booking_count() == 0
    assert re.search(r'id="lots-0-damage".*?<p class="error">[^<]+</p>', html, re.S), "damage"
    assert re.search(r'id="slot-err">[^<]*08:00–17:00', html), "the site's hours"
    assert re.search(r'id="date-err">[^<]+</p>', html), "a damaged lot's earliest days"


def test_the_api_still_answers_the_first_field_and_stores_nothing(client, world):
    bad = lot(mass_kg="0.001", condition="damaged", codes=["ABC"])
    response = client.post(
        "/api/v1/bookings",
        json=body(world["site"], lots=[bad]),
        headers=api_headers(client, world["dealer"]),
    )
    assert response.status_code == 422
    assert response.json["field"] == "lots[0].mass_kg"
    assert booking_count() == 0


def test_a_form_or_condition_not_on_the_list_is_said_beside_its_select(client, auth, world):
    """A value not among the options (sent by a stale page or by hand) was refused with
    nothing beside the select; with the others' mistakes, each is now beside its own."""
    auth.login(world["dealer"].email)
    form = _form(
        world, chemistry="LFP", form="barrel", count="1", mass_kg="500", condition="melted"
    )
    page = submit(client, "/bookings/new", form, page="/bookings/new")
    html = page.get_data(as_text=True)
    assert page.status_code == 422 and booking_count() == 0
    assert re.search(r'id="lots-0-form-err">[^<]+<', html)
    assert re.search(r'id="lots-0-condition-err">[^<]+<', html)
