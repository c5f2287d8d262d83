"""Owners in the browser: a dealer adds a site and books two lots; a fleet manager imports
the fleet and accepts a proposed booking; the booking form works with the keyboard alone."""

from __future__ import annotations

import re
from decimal import Decimal

import sqlalchemy as sa

from lithloop.extensions import db
from lithloop.models import Booking, BookingStatus, BusPack, Pack, User
from lithloop.web.fleet import SAMPLE
from tests.browser.audit import ALL_SCREENSHOTS, check_page
from tests.browser.conftest import log_in, new_page
from tests.browser.test_dispatch_journey import sweep


def _booking(live, booking_id: int) -> Booking:
    """The stored booking with its lots, read through the live app's database."""
    with live.app.app_context():
        booking = db.session.get(Booking, booking_id)
        booking.lots  # noqa: B018  (load them before the session closes)
        db.session.expunge_all()
        db.session.remove()
    return booking


def test_dealer_adds_a_site_and_books_two_lots_one_damaged(browser, live_server, screenshots):
    page = new_page(browser, live_server.url, phone=True)
    log_in(page, "dealer@demo.lithloop")
    page.goto("/sites/new")
    page.fill("#name", "东安区第二回收点")
    page.fill("#address", "牡丹江市东安区光华街18号")
    page.fill("#lat", "44.5800")
    page.fill("#lon", "129.6300")
    page.fill("#contact_name", "王伟")
    page.fill("#contact_phone", "13904530000")
    page.fill("#opens_at", "08:00")
    page.fill("#closes_at", "18:00")
    page.press("#closes_at", "Enter")  # Enter saves (it used to press "Locate")
    page.wait_for_url(re.compile(r"/sites/\d+"))
    site_url = page.url
    site_id = re.search(r"/sites/(\d+)", site_url).group(1)

    page.goto(f"/bookings/new?site_id={site_id}")
    page.select_option("#site_id", site_id)
    page.select_option("#lots-0-chemistry", "LFP")
    page.fill("#lots-0-count", "2")
    page.fill("#lots-0-mass_kg", "1200")
    page.locator("#quote .total").wait_for()  # htmx asked for the quote as the lot was typed
    first_total = page.locator("#quote .total strong").inner_text()
    page.click("button[name=add_lot]")
    page.wait_for_load_state()
    assert page.locator("#lots-0-mass_kg").input_value() == "1200"  # kept what was typed
    page.select_option("#lots-1-chemistry", "NCM523")
    page.fill("#lots-1-count", "1")
    page.fill("#lots-1-mass_kg", "300")
    page.select_option("#lots-1-condition", "damaged")
    page.locator("input[name='lots-1-damage'][value=deformed]").check()
    page.wait_for_function(
        "t => document.querySelector('#quote .total strong') &&"
        " document.querySelector('#quote .total strong').innerText !== t",
        arg=first_total,
    )
    assert page.locator("#quote details").count() == 2  # the quote shows both lots
    page.select_option("#date", index=1)  # the first open day
    page.locator("form.card button[type=submit]:not([name]):not(.default-submit)").click()
    page.wait_for_load_state()
    booking_id = int(re.search(r"/bookings/(\d+)$", page.url).group(1))
    booking = _booking(live_server, booking_id)
    assert booking.status is BookingStatus.REQUESTED and booking.hazardous
    assert [lot.condition for lot in booking.lots] == ["intact", "damaged"]
    check_page(page, "booking-show", screenshots, phone=True)
    page.context.close()
    sweep(
        browser,
        live_server,
        "dealer@demo.lithloop",
        {
            "sites-new": "/sites/new",
            "site-show": site_url,
            "booking-new": f"/bookings/new?site_id={site_id}",
            "booking-show": f"/bookings/{booking_id}",
            "bookings": "/bookings/",
        },
        screenshots,
    )


def test_fleet_manager_imports_the_fleet_and_accepts_a_proposal(browser, live_server, screenshots):
    page = new_page(browser, live_server.url)
    log_in(page, "fleet@demo.lithloop")
    page.goto("/fleet/packs")
    page.set_input_files("#file", str(SAMPLE))
    page.locator("form[enctype] button[type=submit]").click()
    page.wait_for_load_state()
    page.locator("form[action$='/packs/confirm'] button").click()
    page.wait_for_load_state()
    assert page.locator(".flash").first.is_visible()
    page.goto("/fleet/forecast")
    proposals = page.locator("form.accept")
    assert proposals.count() >= 1
    proposals.first.locator("button[type=submit]").click()
    page.wait_for_load_state()
    booking_id = int(re.search(r"/bookings/(\d+)", page.url).group(1))
    booking = _booking(live_server, booking_id)
    assert booking.status is BookingStatus.REQUESTED
    with live_server.app.app_context():
        linked = db.session.scalar(
            sa.select(sa.func.count(BusPack.id)).where(BusPack.booking_id == booking_id)
        )
        booked = db.session.scalar(sa.select(BusPack.id).where(BusPack.booking_id == booking_id))
        fleet_org = db.session.scalar(
            sa.select(User.organisation_id).where(User.email == "fleet@demo.lithloop")
        )
        unbooked = db.session.scalar(  # open to change: not booked, not at the park
            sa.select(BusPack.id).where(
                BusPack.organisation_id == fleet_org,
                BusPack.booking_id.is_(None),
                sa.or_(BusPack.pack_code.is_(None), BusPack.pack_code.not_in(sa.select(Pack.code))),
            )
        )
        db.session.remove()
    assert linked == sum(lot.pack_count for lot in booking.lots) >= 1
    # a pack of the register changed by hand: a new SoH reading
    page.goto(f"/fleet/packs/{unbooked}")
    page.fill("#soh_pct", "77.5")
    page.locator("form.card button[type=submit]").click()
    page.wait_for_load_state()
    assert page.url.endswith(f"/fleet/packs#pack-{unbooked}")  # back at its row
    assert page.locator(f"#pack-{unbooked}").is_visible()
    with live_server.app.app_context():
        assert db.session.get(BusPack, unbooked).soh_pct == Decimal("77.5")
        db.session.remove()
    page.context.close()
    sweep(
        browser,
        live_server,
        "fleet@demo.lithloop",
        {
            "fleet-packs": "/fleet/packs",
            "fleet-forecast": "/fleet/forecast",
            "fleet-pack": f"/fleet/packs/{unbooked}",
            "fleet-pack-booked": f"/fleet/packs/{booked}",
        },
        screenshots,
    )


def test_booking_form_can_be_completed_with_the_keyboard_alone(browser, live_server):
    page = new_page(browser, live_server.url, lang="en")
    log_in(page, "dealer@demo.lithloop")
    page.goto("/bookings/new")
    page.focus("#site_id")
    keys = page.keyboard
    keys.press("Tab")  # chemistry: keep LFP
    keys.press("Tab")  # form: keep pack
    keys.press("Tab")
    keys.type("3")  # number of packs
    keys.press("Tab")
    keys.type("900")  # mass
    for _ in range(30):  # on to the day, past condition, damage boxes, codes, add-lot button
        keys.press("Tab")
        if page.evaluate("document.activeElement.id") == "date":
            break
    assert page.evaluate("document.activeElement.id") == "date"
    keys.press("ArrowDown")
    while page.evaluate("document.activeElement.id") != "note":
        keys.press("Tab")
    keys.type("keyboard only")
    keys.press("Enter")  # submits the form
    page.wait_for_url(re.compile(r"/bookings/\d+$"))
    booking = _booking(live_server, int(page.url.rsplit("/", 1)[1]))
    assert (booking.total_mass_kg, booking.note) == (900, "keyboard only")


BOX_JS = """el => { const b = el.getBoundingClientRect();
  return {top: b.top, bottom: b.bottom, height: window.innerHeight}; }"""


def test_the_running_quote_stays_above_the_confirm_button_on_a_phone(
    browser, live_server, screenshots
):
    for lang in ("zh_CN", "en"):
        page = new_page(browser, live_server.url, phone=True, lang=lang)
        log_in(page, "dealer@demo.lithloop")
        page.goto("/bookings/new")
        page.fill("#lots-0-count", "2")
        page.fill("#lots-0-mass_kg", "1200")
        page.locator("#quote .total strong").wait_for()
        bar = page.locator("#quote-bar")
        bar.locator("strong.money").wait_for()  # swapped in with the quote (out of band)
        total = page.locator("#quote .total strong").inner_text()
        assert bar.locator("strong.money").inner_text() == total
        page.focus("#lots-0-mass_kg")  # typing the first lot, far above the button:
        box = bar.evaluate(BOX_JS)
        assert 0 <= box["top"] and box["bottom"] <= box["height"], (lang, box)  # bar in sight
        submit = page.locator("form.card > button[type=submit]:not([name]):not(.default-submit)")
        submit.scroll_into_view_if_needed()
        button, box = submit.evaluate(BOX_JS), bar.evaluate(BOX_JS)
        assert 0 <= button["top"] and button["bottom"] <= button["height"], (lang, button)
        assert 0 <= box["top"] and box["bottom"] <= button["top"] + 1, (lang, box, button)
        if ALL_SCREENSHOTS:
            page.screenshot(path=str(screenshots / f"booking-quote-bar-390-{lang}.png"))
        page.fill("#lots-0-mass_kg", "2400")  # a new quote reaches the bar too
        page.wait_for_function(
            "t => document.querySelector('#quote-bar strong') &&"
            " document.querySelector('#quote-bar strong').innerText !== t",
            arg=total,
        )
        assert (
            bar.locator("strong.money").inner_text()
            == page.locator("#quote .total strong").inner_text()
        )
        page.context.close()


def test_the_quotes_problems_appear_beside_their_fields_as_the_lot_is_typed(browser, live_server):
    page = new_page(browser, live_server.url, phone=True)
    log_in(page, "dealer@demo.lithloop")
    page.goto("/bookings/new")
    page.fill("#lots-0-count", "x")
    page.fill("#lots-0-mass_kg", "-1")
    page.wait_for_function(  # swapped in beside the field (out of band) with the quote
        "() => document.querySelector('#lots-0-mass_kg-errs').innerText.includes('40,000')"
    )
    assert page.locator("#lots-0-count-errs .error").inner_text()  # both at once
    page.fill("#lots-0-count", "2")
    page.fill("#lots-0-mass_kg", "1200")
    page.locator("#quote .total strong").wait_for()
    assert page.locator("#lots-0-count-errs .error, #lots-0-mass_kg-errs .error").count() == 0
    page.context.close()


def test_a_new_bus_companys_forecast_says_there_is_nothing_yet(browser, live_server, screenshots):
    """New user's walk: a bus company with no packs saw twelve rows of zeros; now a line that
    says there is nothing to forecast and a link to the import, at phone and desktop width."""
    from lithloop.models import Organisation, OrgKind, OrgStatus, Role, User
    from lithloop.services.accounts.passwords import hash_password
    from tests.browser.conftest import DEMO_PASSWORD

    with live_server.app.app_context():
        org = Organisation(name="绥芬河新公交", kind=OrgKind.BUS_COMPANY, status=OrgStatus.ACTIVE)
        email = "new-fleet@example.cn"
        db.session.add(
            User(
                email=email,
                name="赵新",
                password_hash=hash_password(DEMO_PASSWORD),
                role=Role.FLEET_MANAGER,
                organisation=org,
            )
        )
        db.session.commit()
        db.session.remove()
    sweep(browser, live_server, email, {"fleet-forecast-empty": "/fleet/forecast"}, screenshots)
    page = new_page(browser, live_server.url, phone=True)
    log_in(page, email)
    page.goto("/fleet/forecast")
    assert page.locator("#forecast-empty").is_visible()
    assert page.locator(".fleet-table").count() == 0
    page.locator("#forecast-empty a.button").click()
    page.wait_for_load_state()
    assert page.url.endswith("/fleet/packs")
    page.context.close()


def test_an_import_problem_reads_from_the_left_in_its_phone_card(browser, live_server, tmp_path):
    """First-journey walk: at 390 px a long problem sat right-aligned in its card."""
    bad = tmp_path / "fleet.csv"
    bad.write_text(
        "vehicle_plate,pack_code,chemistry,rated_kwh,mass_kg,in_service_since,soh_pct\n"
        "黑C·D3367,,UNOBTAINIUM,295,2225,2016-12-21,75.2\n",
        encoding="utf-8",
    )
    page = new_page(browser, live_server.url, phone=True)
    log_in(page, "fleet@demo.lithloop")
    page.goto("/fleet/packs")
    page.set_input_files("#file", str(bad))
    page.locator("form[enctype] button[type=submit]").click()
    page.wait_for_load_state()
    problem = page.locator("table.issues.cards td:last-child").first
    style = problem.evaluate(
        "td => [getComputedStyle(td).textAlign, getComputedStyle(td).justifyContent]"
    )
    assert style == ["left", "flex-start"], style
    page.context.close()
