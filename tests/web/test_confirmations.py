"""Irreversible actions ask first, on a page that works without JS: cancelling a booking
(with a reason), settling (with a preview) and putting a price index version live (with its
effect on the public prices); refunds in tests/market/test_refund_confirmation.py. The first
POST shows the question and writes nothing; only the confirmed POST acts."""

from __future__ import annotations

import sqlalchemy as sa

from lithloop import clock
from lithloop.extensions import db
from lithloop.models import (
    Booking,
    BookingStatus,
    Grade,
    OutboxMessage,
    PackState,
    PriceIndexVersion,
    Role,
    Settlement,
)
from lithloop.services.booking import prices as price_service
from tests import worlds
from tests.conftest import Auth, submit
from tests.factories import make_org, make_user
from tests.plant_world import booked, make_pack, plant_world, receive, settle_as_shown
from tests.web.test_bookings import body

booking_world = worlds.dealer_at_site  # the fixture


def text(response) -> str:
    return response.get_data(as_text=True)


def count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def prices_table(client) -> str:
    """The public price table's markup."""
    page = text(client.get("/prices"))
    return page[page.index('<table class="prices">') : page.index("</table>")]


def test_cancelling_a_booking_asks_for_a_reason_first(client, booking_world):
    dealer = booking_world["dealer"]
    client.get("/lang/en")
    Auth(client).login(dealer.email)
    from tests.conftest import api_headers

    booking_id = client.post(
        "/api/v1/bookings", json=body(booking_world["site"]), headers=api_headers(client, dealer)
    ).json["id"]
    url, page = f"/bookings/{booking_id}/cancel", f"/bookings/{booking_id}"
    mails = count(OutboxMessage)
    asked = submit(client, url, {"reason": ""}, page=page)
    assert asked.status_code == 200
    assert f"Cancel booking #{booking_id}?" in text(asked) and 'name="confirmed"' in text(asked)
    no_reason = submit(client, url, {"confirmed": "1", "reason": "  "}, page=page)
    assert no_reason.status_code == 422 and 'id="reason-err"' in text(no_reason)
    db.session.expire_all()
    assert db.session.get(Booking, booking_id).status is BookingStatus.REQUESTED
    assert count(OutboxMessage) == mails  # nothing happened yet
    done = submit(client, url, {"confirmed": "1", "reason": "车坏了"}, page=page)
    assert done.status_code == 302
    db.session.expire_all()
    booking = db.session.get(Booking, booking_id)
    assert booking.status is BookingStatus.CANCELLED and booking.cancel_reason == "车坏了"


def test_the_cancel_question_names_the_pickup_day_and_window_as_the_booking_does(
    client, booking_world
):
    """It read "收运 2026-12-08" where the booking's page says "取货日期 2026-12-08
    10:00–12:00": another word for the same day, and no window."""
    from tests.conftest import api_headers

    dealer = booking_world["dealer"]
    Auth(client).login(dealer.email)
    made = body(booking_world["site"])
    booking_id = client.post(
        "/api/v1/bookings", json=made, headers=api_headers(client, dealer)
    ).json["id"]
    asked = text(
        submit(client, f"/bookings/{booking_id}/cancel", {}, page=f"/bookings/{booking_id}")
    )
    day = f'{made["date"]}</span> <span class="nowrap">{made["window"][0]}–{made["window"][1]}'
    assert f'<dt>取货日期</dt><dd><span class="nowrap">{day}</span></dd>' in asked, asked
    assert "收运" not in asked


def test_settling_shows_a_preview_that_matches_what_is_settled(client, app):
    world = plant_world()
    booking = booked(world)
    receive(world, booking, "610")
    make_pack(
        world["plant"],
        PackState.AGING,
        grade=Grade.A,
        soh="88",
        rated_wh=60000,
        mass="310",
        booking=booking,
        lot=booking.lots[0],
    )
    client.get("/lang/en")
    Auth(client).login(world["plant"].email)
    url = f"/settlements/{booking.id}/settle"
    preview = submit(client, url, {}, page="/settlements/")
    assert preview.status_code == 200 and f"Settle booking #{booking.id}?" in text(preview)
    assert count(Settlement) == 0
    import re

    shown = re.search(r"Settle for (-?¥[\d,.]+)", text(preview)).group(1)
    assert settle_as_shown(client, booking.id).status_code == 302
    settlement = db.session.scalar(sa.select(Settlement))
    from lithloop.i18n import money

    assert money(settlement.total_fen) == shown  # the preview said what was settled


def test_the_settle_preview_writes_the_measured_mass_as_the_statement_does(client, app):
    """Walk finding: the preview read "实测 1266.00 kg" where the statement after it reads
    "实测 1,266.00 kg"."""
    world = plant_world()
    booking = booked(world)
    receive(world, booking, "1266")
    Auth(client).login(world["plant"].email)
    url = f"/settlements/{booking.id}/settle"
    preview = text(submit(client, url, {}, page="/settlements/"))
    assert "实测 1,266.00 千克" in preview and "1266.00" not in preview


def test_a_new_price_version_shows_its_effect_before_it_goes_live(client, app):
    price_service.ensure_default_index()
    admin = make_user(make_org(), role=Role.ADMIN)
    client.get("/lang/en")
    Auth(client).login(admin.email)
    today = clock.today().isoformat()  # live at once, whatever the day the tests run
    form = {"version": "halved", "effective_date": today, "price_li2co3": "10000"}
    before = count(PriceIndexVersion)
    public_before = prices_table(client)
    preview = submit(client, "/admin/prices/new", form)
    assert preview.status_code == 200 and "Put version halved live?" in text(preview)
    assert count(PriceIndexVersion) == before  # nothing stored by the preview
    assert prices_table(client) == public_before  # the public page did not move
    page = text(preview)
    assert 'class="warning"' in page  # lithium at a fraction: prices move > 20 %
    assert 'name="price_li2co3" value="10000"' in page  # carried to the confirmation
    done = submit(client, "/admin/prices/new", {**form, "confirmed": "1"})
    assert done.status_code == 302 and count(PriceIndexVersion) == before + 1
    assert prices_table(client) != public_before  # live now


def test_rejecting_a_registration_asks_first_and_is_never_the_default(client, auth):
    """Walk finding: Reject sat in Approve's form with no question, and any POST without
    decision=approve (a missing or garbled field) rejected the organisation for good."""
    from lithloop.models import Organisation, OrgKind, OrgStatus

    auth.login(make_user(make_org(OrgKind.PARK_OPERATOR), role=Role.ADMIN).email)
    org = make_org(name="待批公交公司", kind=OrgKind.BUS_COMPANY, status=OrgStatus.PENDING)
    page = text(client.get("/admin/approvals"))
    reject_form = page[page.rindex("<form", 0, page.index('value="reject"')) :]
    assert "data-confirm=" in reject_form[: reject_form.index(">")]
    assert "js/confirm.js" in page  # the script that asks (the attribute alone asks nothing)
    approve_form = page[page.rindex("<form", 0, page.index('value="approve"')) :]
    assert "data-confirm=" not in approve_form[: approve_form.index(">")]
    for decision in ({}, {"decision": ""}, {"decision": "Reject"}):
        response = submit(client, f"/admin/approvals/{org.id}", decision, page="/admin/approvals")
        assert response.status_code == 422 and "请选择" in text(response)
    db.session.expire_all()
    assert db.session.get(Organisation, org.id).status is OrgStatus.PENDING
