"""A dropdown's id sent changed (a tampered form): a huge, negative, zero, garbled or
another organisation's id reads as "no such …" beside the field, never a number's range or
"enter a whole number", and nothing is stored."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from lithloop.extensions import db
from lithloop.models import Booking, Plan
from lithloop.services.dispatch import publishing
from tests import worlds
from tests.booking_forms import one_lot_form
from tests.conftest import submit
from tests.factories import make_org, make_site
from tests.web import test_dispatch
from tests.web.test_dispatch import run_to_end

day_world = test_dispatch.day_world

world = worlds.dealer_at_site

#: What a changed select may send instead of one of its options' ids.
TAMPERED = ["1" * 20, "-5", "0", "abc", "2147483648", "99999", "１２"]


def _beside(html: str, field: str) -> str:
    found = re.search(rf'id="{field}-err"[^>]*>(.*?)</', html, re.S)
    assert found, html
    return re.sub(r"\s+", " ", found.group(1)).strip()


@pytest.mark.parametrize("backend", ["sqlite"])  # the form's words: one backend
def test_a_booking_forms_changed_site_reads_no_such_site_beside_it(client, auth, world):
    other_site = make_site(make_org(name="别家经销店"), name="别家网点")
    db.session.commit()
    auth.login(world["dealer"].email)
    for lang, expected in (("zh", "没有该取货地点"), ("en", "No such")):
        client.set_cookie("lang", lang, domain="lithloop.test")
        for typed in [*TAMPERED, str(other_site.id)]:
            form = one_lot_form(world["site"], slot="08:00-10:00") | {"site_id": typed}
            page = submit(client, "/bookings/new", form, page="/bookings/new")
            html = page.get_data(as_text=True)
            assert page.status_code in (404, 422), (typed, page.status_code)
            words = _beside(html, "site_id")
            assert expected in words, (typed, words)
            assert not re.search(r"whole number|整数|between|之间|too large|过大", words), words
    assert db.session.scalar(sa.select(sa.func.count(Booking.id))) == 0


def _move_refusal(client, plan_id: int, form: dict) -> str:
    response = submit(
        client,
        f"/dispatch/plans/{plan_id}/move",
        form,
        page=f"/dispatch/plans/{plan_id}",
        follow_redirects=True,
    )
    page = response.get_data(as_text=True)
    return page.split('id="move-err">')[1].split("</p>")[0]


@pytest.mark.parametrize("backend", ["sqlite"])  # the form's words: one backend
def test_a_plans_move_form_with_a_changed_booking_or_truck_reads_no_such(client, auth, day_world):
    """The move form's booking and truck are selects: a changed one read "between 0 and
    2,147,483,647", "too large" or "digits 0-9"; it reads as any id not in the plan."""
    plan = db.session.get(Plan, run_to_end(client, day_world)["plan_id"])
    booking = day_world["bookings"][1]
    truck = next(r.truck_id for r in plan.routes for s in r.stops if s.booking_id == booking)
    before = {r.truck_id: [s.booking_id for s in r.stops] for r in plan.routes}
    auth.login(day_world["dispatcher"].email)
    for typed in TAMPERED:
        asked = {"booking_id": typed, "truck_id": truck, "position": 1}
        assert _move_refusal(client, plan.id, asked) == "该预约不在此计划中。", typed
        asked = {"booking_id": booking, "truck_id": typed, "position": 1}
        assert _move_refusal(client, plan.id, asked) == "没有该车辆。", typed
    db.session.expire_all()
    plan = db.session.get(Plan, plan.id)
    assert {r.truck_id: [s.booking_id for s in r.stops] for r in plan.routes} == before


@pytest.mark.parametrize("backend", ["sqlite"])  # the form's words: one backend
def test_an_urgent_insert_with_a_changed_booking_reads_no_such_booking(client, auth, day_world):
    plan = db.session.get(Plan, run_to_end(client, day_world)["plan_id"])
    publishing.publish_plan(day_world["dispatcher"], plan.id, allow_unmanned=True)
    auth.login(day_world["dispatcher"].email)
    client.set_cookie("lang", "en", domain="lithloop.test")
    for typed in TAMPERED:
        response = submit(
            client,
            f"/dispatch/plans/{plan.id}/urgent",
            {"booking_id": typed},
            page=f"/dispatch/?date={day_world['day'].isoformat()}",
            follow_redirects=True,
        )
        page = response.get_data(as_text=True)
        assert "No such booking on this day." in page, typed
        assert not re.search(r"whole number|between|too large", page), typed
    assert db.session.scalar(sa.select(sa.func.count(Plan.id))) == 1  # no draft made
