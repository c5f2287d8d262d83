"""Back to the booking form after booking, and confirming again: the same booking, not a second.

The browser restores the lots, day and window typed when the person goes back, but the page
came with a new idempotency key (no browser restores a hidden field): confirming again booked
the same packs a second time. The key sent is now sent again from a page reached by back."""

from __future__ import annotations

import sqlalchemy as sa

from lithloop.extensions import db
from lithloop.models import Booking
from tests.browser.conftest import log_in, new_page

DEALER = "dealer@demo.lithloop"


def _bookings(live) -> int:
    with live.app.app_context():
        count = db.session.scalar(sa.select(sa.func.count(Booking.id)))
        db.session.remove()
    return count


def _first_open_day(page) -> None:
    day = page.eval_on_selector_all(
        "#date option", "els => els.filter(e => e.value && !e.disabled).map(e => e.value)"
    )[0]
    page.select_option("#date", day)


def _confirm(page) -> None:
    page.locator("form.card > button[type=submit]").last.click()
    page.wait_for_load_state()


def test_back_and_confirm_again_repeats_the_booking(browser, live_server):
    page = new_page(browser, live_server.url, phone=True)
    log_in(page, DEALER)
    before = _bookings(live_server)
    page.goto("/bookings/new")
    page.fill("#lots-0-count", "2")
    page.fill("#lots-0-mass_kg", "500")
    _first_open_day(page)
    _confirm(page)
    first = page.url
    assert "/bookings/new" not in first and _bookings(live_server) == before + 1
    page.go_back()
    page.wait_for_load_state()
    assert page.input_value("#lots-0-count") == "2"  # restored by the browser
    _confirm(page)
    assert page.url == first, page.url
    assert _bookings(live_server) == before + 1
    assert "不会重复预约" in page.locator(".flash").inner_text()


def test_back_and_a_changed_field_is_asked_to_check_then_books(browser, live_server):
    page = new_page(browser, live_server.url, phone=True)
    log_in(page, DEALER)
    before = _bookings(live_server)
    page.goto("/bookings/new")
    page.fill("#lots-0-count", "3")
    page.fill("#lots-0-mass_kg", "600")
    _first_open_day(page)
    _confirm(page)
    page.go_back()
    page.wait_for_load_state()
    page.fill("#lots-0-mass_kg", "650")  # another lot, meant as a new booking
    _confirm(page)
    assert "/bookings/new" in page.url and _bookings(live_server) == before + 1
    assert page.locator(".form-error").is_visible()  # "sent before with other values"
    _confirm(page)
    assert _bookings(live_server) == before + 2
