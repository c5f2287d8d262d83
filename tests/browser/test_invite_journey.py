"""A dealer invites a colleague on a phone: the colleague opens the letter's link, sets a
password, logs in and sees the bookings the dealer made (they are the branch's)."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from lithloop.extensions import db
from lithloop.models import Booking, User
from tests.browser.audit import check_page
from tests.browser.conftest import DEMO_PASSWORD, log_in, mailed_link, new_page

DEALER = "dealer@demo.lithloop"


def _dealer_bookings(live) -> set[int]:
    """The ids of the bookings the demo dealer made."""
    with live.app.app_context():
        dealer = db.session.scalar(sa.select(User).where(User.email == DEALER))
        ids = set(db.session.scalars(sa.select(Booking.id).where(Booking.created_by == dealer)))
        db.session.remove()
    return ids


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
def test_a_dealer_invites_a_colleague_who_sets_a_password_and_sees_the_bookings(
    browser, live_server, screenshots, lang
):
    email = f"invited-{lang.lower()}@example.cn"
    page = new_page(browser, live_server.url, phone=True, lang=lang)
    log_in(page, DEALER)
    page.goto("/organisation")
    check_page(page, "organisation", screenshots, phone=True)
    page.fill("#col-name", "王师傅")
    page.fill("#col-email", "not-an-address")
    page.locator("form[action$='/organisation/colleagues'] button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator("#col-email-err").is_visible()  # refused beside the field...
    assert page.locator("#col-name").input_value() == "王师傅"  # ...the name kept
    check_page(page, "organisation-refused", screenshots, phone=True)
    page.fill("#col-email", email)
    page.locator("form[action$='/organisation/colleagues'] button[type=submit]").click()
    page.wait_for_load_state()
    row = page.locator("#people li", has_text=email)
    assert row.count() == 1
    assert ("已邀请" if lang == "zh_CN" else "invited") in row.inner_text()

    colleague = new_page(browser, live_server.url, phone=True, lang=lang)
    colleague.goto(mailed_link(live_server, email, "/reset/"))
    colleague.fill("#password", DEMO_PASSWORD)
    colleague.fill("#confirm", DEMO_PASSWORD)
    colleague.locator("main form button[type=submit]").click()
    colleague.wait_for_load_state()
    assert "/login" in colleague.url
    log_in(colleague, email)
    colleague.goto("/bookings/")
    listed = {int(n) for n in re.findall(r'href="/bookings/(\d+)"', colleague.content())}
    made_by_dealer = _dealer_bookings(live_server)
    shared = listed & made_by_dealer
    assert shared, (listed, made_by_dealer)  # the dealer's bookings, on the colleague's list
    booking_id = min(shared)
    colleague.goto(f"/bookings/{booking_id}")
    assert colleague.locator("h1").inner_text().find(str(booking_id)) >= 0
    page.goto("/organisation")  # the dealer sees the colleague active now
    row = page.locator("#people li", has_text=email)
    assert ("已激活" if lang == "zh_CN" else "active") in row.inner_text()
    page.context.close()
    colleague.context.close()


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
def test_a_fleet_manager_s_people_page_fits_a_phone(browser, live_server, screenshots, lang):
    """The bus company's header has the most links of any owner's: the page still fits."""
    page = new_page(browser, live_server.url, phone=True, lang=lang)
    log_in(page, "fleet@demo.lithloop")
    page.goto("/organisation")
    assert page.locator("#people li", has_text="fleet@demo.lithloop").count() == 1
    check_page(page, "organisation-fleet", screenshots, phone=True)
    page.context.close()
