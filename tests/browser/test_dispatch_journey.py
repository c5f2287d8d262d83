"""Dispatcher plans and publishes tomorrow; the driver confirms pickups on a phone."""

from __future__ import annotations

import re
from datetime import date

import sqlalchemy as sa

from lithloop.extensions import db
from lithloop.models import Booking, BookingStatus, Plan, PlanStop
from tests.browser.audit import check_page
from tests.browser.conftest import log_in, new_page

TOMORROW = "2026-11-28"  # the frozen clock's next open day


def sweep(browser, live, email: str, pages: dict[str, str], folder) -> None:
    """Each page at phone and desktop width, in Chinese and English: screenshot and checks.
    Logged in once, through the form; the other widths and languages take its session."""
    session = None
    for phone in (True, False):
        for lang in ("zh_CN", "en"):
            page = new_page(browser, live.url, phone=phone, lang=lang, logged_in=session)
            if session is None:
                log_in(page, email)
                session = page.context.storage_state()
            for name, url in pages.items():
                page.goto(url)
                assert "/login" not in page.url, (name, lang, page.url)  # the session held
                shown = page.evaluate("document.documentElement.lang")
                assert shown.startswith(lang[:2]), (name, lang, shown)  # the cookie's language
                check_page(page, name, folder, phone=phone)
            page.context.close()


def test_dispatcher_runs_moves_publishes_and_opens_documents(browser, live_server, screenshots):
    page = new_page(browser, live_server.url)
    log_in(page, "dispatcher@demo.lithloop")
    page.goto(f"/dispatch/?date={TOMORROW}")
    page.fill("#time_limit_s", "120")
    page.click(".run-form button[type=submit]")
    assert re.search(r"/dispatch/runs/\d+$", page.url)
    run_url = page.url
    page.locator("#progress progress").wait_for()
    finish = page.get_by_role("button", name="立即结束并保留最佳方案")
    finish.wait_for(timeout=30_000)  # offered once a worker runs it (htmx polls the panel)
    finish.click()  # two minutes asked for; the best plan so far is enough
    page.wait_for_load_state()
    open_plan = page.locator("a.button[href*='/dispatch/plans/']").first
    open_plan.wait_for(timeout=20_000)  # htmx polls the progress until the run ends
    assert "按要求在" in page.locator("#progress .run-log").text_content()
    assert page.locator("#progress progress").get_attribute("value") == "100"
    open_plan.click()
    page.wait_for_load_state()
    plan_url = page.url
    assert page.locator(".plan-map, svg, #plan-map").first.is_visible()

    with live_server.app.app_context():  # a move the plan can take whatever the run found:
        plan = db.session.get(Plan, int(re.search(r"/plans/(\d+)", plan_url).group(1)))
        route = plan.routes[0]  # its truck's first pickup, kept first (times recomputed)
        moved = str(next(s.booking_id for s in route.stops if s.kind == "pickup"))
        truck = str(route.truck_id)
        db.session.remove()
    page.select_option("#booking_id", moved)
    page.select_option("#truck_id", truck)
    page.click(".move-form button[type=submit]")
    page.wait_for_load_state()
    assert page.locator(".flash.success, .flash").first.inner_text().startswith("已调整")
    # the draft, before publishing: its publish button and roster link (after it, both go)
    sweep(browser, live_server, "dispatcher@demo.lithloop", {"plan-draft": plan_url}, screenshots)

    page.click("a[href$='/publish']")  # asks first: who will be told, which drivers
    page.wait_for_load_state()
    # each booking to be told is one line of text, not three fragments (flex items)
    lines = page.eval_on_selector_all(
        "#publish-form ul.rows li:has(span.plate)",
        "els => els.map(li => li.getBoundingClientRect().height"
        " / li.querySelector('span.plate').getBoundingClientRect().height)",
    )
    assert lines and max(lines) < 2.5, lines
    page.click("#publish-form button[type=submit]")
    page.wait_for_load_state()
    assert "计划已发布" in page.locator(".flash").first.inner_text()
    manifest = page.locator("a[href$='/manifest']").first.get_attribute("href")
    dangerous = page.locator("a[href$='/dangerous-goods']").first.get_attribute("href")
    page.goto(dangerous)
    assert "UN3480" in page.content()
    page.context.close()
    with live_server.app.app_context():
        scheduled = db.session.scalar(
            sa.select(sa.func.count(Booking.id)).where(
                Booking.pickup_date == date.fromisoformat(TOMORROW),
                Booking.status == BookingStatus.SCHEDULED,
            )
        )
        db.session.remove()
    assert scheduled >= 20
    sweep(
        browser,
        live_server,
        "dispatcher@demo.lithloop",
        {
            "dispatch-index": f"/dispatch/?date={TOMORROW}",
            "dispatch-run": run_url,
            "dispatch-plan": plan_url,
            "manifest": manifest,
            "dangerous-goods": dangerous,
        },
        screenshots,
    )


def test_driver_confirms_a_pickup_with_mass_and_codes_on_a_phone(browser, live_server, screenshots):
    page = new_page(browser, live_server.url, phone=True)
    log_in(page, "driver@demo.lithloop")
    page.goto("/driver/")
    form = page.locator(".driver-stop[open] form.pickup")  # the current stop is the open one
    stop_id = int(re.search(r"/stops/(\d+)/", form.get_attribute("action")).group(1))
    with live_server.app.app_context():
        stop = db.session.get(PlanStop, stop_id)
        codes = [c for lot in stop.booking.lots for c in lot.codes]
        booking_id, mass = stop.booking_id, stop.booking.total_mass_kg
        db.session.remove()
    form.locator("input[name=mass_kg]").fill("abc")
    form.locator("button[type=submit]").click()
    alert = page.locator(f"#stop-{stop_id} [role=alert] >> visible=true").first
    alert.wait_for()  # beside the stop (the page's check or the server's), not at the top
    form = page.locator(f"form[action$='/stops/{stop_id}/pickup']")
    form.locator("input[name=mass_kg]").fill(f"{mass:.0f}")
    form.locator("textarea[name=codes]").fill("\n".join(codes))
    form.locator("button[type=submit]").click()
    page.wait_for_url(re.compile(r"done=\d+"))
    assert page.locator(f"#msg-{stop_id} .flash").inner_text() == "已登记取货。"
    with live_server.app.app_context():
        assert db.session.get(Booking, booking_id).status is BookingStatus.PICKED_UP
        assert db.session.get(PlanStop, stop_id).picked_codes == codes
        db.session.remove()
    page.context.close()
    sweep(browser, live_server, "driver@demo.lithloop", {"driver-today": "/driver/"}, screenshots)
