"""A dealer changes a booking's pickup day on its page at 390 px: the form and a refusal
beside its field pass the page checks in Chinese and English, and the change shows in the
booking's history."""

from __future__ import annotations

import sqlalchemy as sa

from lithloop.extensions import db
from lithloop.models import Booking, BookingStatus, User
from tests.browser.audit import check_page
from tests.browser.conftest import log_in, new_page
from tests.browser.test_dispatch_journey import sweep

DEALER = "dealer@demo.lithloop"


def _requested_booking(live) -> tuple[int, str]:
    """A requested booking of the demo dealer's organisation, and its pickup day."""
    with live.app.app_context():
        dealer = db.session.scalar(sa.select(User).where(User.email == DEALER))
        booking = db.session.scalar(
            sa.select(Booking)
            .where(
                Booking.organisation_id == dealer.organisation_id,
                Booking.status == BookingStatus.REQUESTED,
            )
            .order_by(Booking.id)
            .limit(1)
        )
        found = (booking.id, booking.pickup_date.isoformat())
        db.session.remove()
    return found


def test_a_dealer_changes_the_pickup_day_on_a_phone(browser, live_server, screenshots):
    booking_id, booked_day = _requested_booking(live_server)
    url = f"/bookings/{booking_id}"
    page = new_page(browser, live_server.url, phone=True)
    log_in(page, DEALER)
    page.goto(url)
    page.fill("#change-note", "\u202e北门")  # a direction control: refused beside the note
    page.locator("#change-pickup button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator("#change-note-err").inner_text()
    check_page(page, "booking-change-refused", screenshots, phone=True)
    options = page.locator("#change-date option:not([disabled])")
    other = next(
        v
        for v in (options.nth(i).get_attribute("value") for i in range(options.count()))
        if v != booked_day
    )
    page.select_option("#change-date", other)
    page.fill("#change-note", "请走北门")
    page.locator("#change-pickup button[type=submit]").click()
    page.wait_for_load_state()
    assert page.url.endswith(url)
    assert f"改为 {other}" in page.locator(".history").inner_text()
    page.context.close()
    sweep(browser, live_server, DEALER, {"booking-change": url}, screenshots)


def _in_view(page, selector: str) -> bool:
    """The element is wholly within the phone's viewport (after the page's scripts ran)."""
    page.wait_for_load_state("load")
    return page.locator(selector).evaluate(
        "el => { const r = el.getBoundingClientRect();"
        " return r.height > 0 && r.top >= 0 && r.bottom <= window.innerHeight; }"
    )


def test_a_refused_change_brings_its_refusal_into_view_on_a_phone(browser, live_server):
    """Walk finding: on a 390x844 phone a change refused because the booking was changed
    meanwhile (409) opened at the top of the page, its refusal screens below: the page
    brings the refusal into view, as it does a field's error (422)."""
    booking_id, _booked_day = _requested_booking(live_server)
    url = f"/bookings/{booking_id}"
    page = new_page(browser, live_server.url, phone=True)
    log_in(page, DEALER)
    page.goto(url)
    page.fill("#change-note", "\u202e北门")  # refused beside the note (422)
    page.locator("#change-pickup button[type=submit]").click()
    page.wait_for_load_state()
    assert _in_view(page, "#change-note-err")
    page.goto(url)
    page.fill("#change-note", "请走北门")
    with live_server.app.app_context():  # a colleague changes the note meanwhile
        db.session.get(Booking, booking_id).note = "同事改过的备注"
        db.session.commit()
        db.session.remove()
    page.locator("#change-pickup button[type=submit]").click()
    page.wait_for_load_state()
    refusal = "#change-pickup .error[role=alert]"
    assert page.locator(refusal).inner_text() and page.locator("#change-now").is_visible()
    assert page.evaluate("window.scrollY") > 0  # the page did not stay at its top
    assert _in_view(page, refusal)
    page.context.close()
