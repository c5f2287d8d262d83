"""The dispatcher's side of the road (issue 18): drivers on the roster and at publishing,
stop states and an exception arriving on the plan without a reload, and the owner of a
left-out booking offered the days that fit."""

from __future__ import annotations

import re
from datetime import date

import sqlalchemy as sa

from lithloop.extensions import db
from lithloop.models import (
    Booking,
    BookingStatus,
    OutboxMessage,
    Plan,
    PlanStatus,
    Site,
    Truck,
    User,
)
from lithloop.services.booking import bookings as booking_service
from lithloop.services.dispatch import publishing, roster, runs
from tests.browser.audit import check_page
from tests.browser.conftest import log_in, new_page

TODAY, TOMORROW, MONDAY = "2026-11-27", "2026-11-28", "2026-11-30"


def test_dispatcher_puts_a_driver_on_a_route_and_publishes_with_confirmation(
    browser, live_server, screenshots
):
    page = new_page(browser, live_server.url)
    log_in(page, "dispatcher@demo.lithloop")
    page.goto(f"/dispatch/?date={TOMORROW}")
    page.fill("#time_limit_s", "3")
    page.check("input[name=mode][value=quick]")
    page.click(".run-form button[type=submit]")
    page.locator("#progress progress").wait_for()
    summary = page.locator(".run-summary").first
    summary.wait_for(timeout=60_000)  # the run's summary appears when it ends
    assert "公里" in summary.inner_text()  # the distance column, in the page's language
    summary.locator("a.button").click()
    page.wait_for_load_state()
    plan_id = int(re.search(r"/plans/(\d+)", page.url).group(1))
    with live_server.app.app_context():
        plan = db.session.get(Plan, plan_id)
        route = plan.routes[0]
        plate, truck_id, route_id = route.truck.plate, route.truck_id, route.id
        regular = roster.driver_of(route)
        assert all(roster.driver_of(r) for r in plan.routes)  # the demo's roster covers all
        name = regular.name
        db.session.remove()

    page.goto(f"/dispatch/roster?date={TOMORROW}")  # take the driver off that truck
    page.select_option(f"#driver-{truck_id}", "")
    page.click(".roster-form button[type=submit]")
    page.wait_for_load_state()
    assert page.locator(".flash.success").is_visible()
    check_page(page, "dispatch-roster", screenshots, phone=False)

    page.goto(f"/dispatch/plans/{plan_id}")
    page.click("a[href$='/publish']")
    page.wait_for_load_state()
    assert page.locator(f"select#driver-{truck_id}").is_visible()  # no driver: choose one
    assert "通知" in page.locator("#publish-form").inner_text()  # who will be told
    check_page(page, "dispatch-publish", screenshots, phone=False)
    page.click("#publish-form button[type=submit]")  # refused: a route without a driver
    page.wait_for_load_state()
    assert plate in page.locator("#publish-form .error").first.inner_text()  # in the form
    with live_server.app.app_context():
        assert db.session.get(Plan, plan_id).status is PlanStatus.DRAFT
        db.session.remove()
    page.select_option(f"#driver-{truck_id}", label=name)  # a driver at publishing
    page.click("#publish-form button[type=submit]")
    page.wait_for_load_state()
    assert "计划已发布" in page.locator(".flash").first.inner_text()
    with live_server.app.app_context():
        plan = db.session.get(Plan, plan_id)
        assert plan.status is PlanStatus.PUBLISHED
        assert roster.driver_of(plan.routes[0]).name == name
        db.session.remove()
    manifest = page.locator(f"#route-{route_id} a[href$='/manifest']").get_attribute("href")
    page.goto(manifest)
    assert name in page.content()
    page.context.close()


def test_dispatcher_sees_stop_states_and_an_exception_without_reloading(
    browser, live_server, screenshots
):
    with live_server.app.app_context():
        plan = db.session.scalar(
            sa.select(Plan).where(
                Plan.plan_date == date.fromisoformat(TODAY), Plan.status == PlanStatus.PUBLISHED
            )
        )
        driver = db.session.scalar(sa.select(User).where(User.email == "driver@demo.lithloop"))
        route = next(r for r in plan.routes if roster.driver_of(r) == driver)
        stop_id = next(
            s.id
            for s in reversed(route.stops)
            if s.kind == "pickup"
            and s.done_at is None
            and s.booking.status is BookingStatus.SCHEDULED
        )
        plan_id = plan.id
        db.session.remove()
    office = new_page(browser, live_server.url)
    log_in(office, "dispatcher@demo.lithloop")
    office.goto(f"/dispatch/plans/{plan_id}")
    office.locator("#live").wait_for()
    assert office.locator(f"#exception-{stop_id}").count() == 0
    row = office.locator(f"#live tr[data-stop='{stop_id}']")

    phone = new_page(browser, live_server.url, phone=True)
    log_in(phone, "driver@demo.lithloop")
    phone.goto("/driver/")
    stop = phone.locator(f"#stop-{stop_id}")
    if stop.get_attribute("open") is None:  # the driver's page folds all but the current stop
        phone.locator(f"#stop-{stop_id} > summary").click()
    phone.locator(f"form[action$='/stops/{stop_id}/arrive'] button[type=submit]").click()
    phone.wait_for_load_state()
    # No reload on the office's side: the panel polls itself and the state arrives.
    office.locator(f"#live tr[data-stop='{stop_id}'].state-arrived").wait_for(timeout=15_000)
    assert row.locator("td").nth(2).inner_text() != "—"  # the actual arrival, and its drift

    phone.goto("/driver/")
    report = phone.locator(f"form[action$='/stops/{stop_id}/exception']")
    with phone.expect_navigation():  # the driver's own form, folded or not on the page
        report.evaluate(
            """form => { form.reason.value = 'refused'; form.note.value = '门卫不让进';
                         form.requestSubmit(); }"""
        )
    phone.context.close()
    alert = office.locator(f"#exception-{stop_id}")
    alert.wait_for(timeout=15_000)
    assert "门卫不让进" in alert.inner_text()
    assert alert.locator("form[action$='/move-day']").count() == 1
    check_page(office, "dispatch-live", screenshots, phone=False)
    office.context.close()


def test_the_owner_of_a_left_out_booking_sees_it_and_the_days_that_fit(
    browser, live_server, screenshots
):
    with live_server.app.app_context():
        dealer = db.session.scalar(sa.select(User).where(User.email == "dealer@demo.lithloop"))
        site = db.session.scalar(
            sa.select(Site).where(Site.organisation_id == dealer.organisation_id).order_by(Site.id)
        )
        booking, _ = booking_service.book_pickup(
            dealer,
            {
                "site_id": site.id,
                "date": MONDAY,
                "window": ["09:00", "15:00"],
                "lots": [
                    {
                        "chemistry": "LFP",
                        "form": "pack",
                        "count": 1,
                        "mass_kg": "300",
                        "condition": "damaged",
                        "damage": ["deformed"],
                        "codes": [],
                    }
                ],
            },
        )
        hazmat = db.session.scalars(sa.select(Truck).where(Truck.hazmat_certified.is_(True))).all()
        for truck in hazmat:  # no certified truck that day: the damaged lot is left out
            truck.hazmat_certified = False
        db.session.commit()
        dispatcher = db.session.scalar(
            sa.select(User).where(User.email == "dispatcher@demo.lithloop")
        )
        run = runs.start_run(dispatcher, date.fromisoformat(MONDAY), 2, mode="quick")
        runs.execute_run(run.id)
        for truck in hazmat:
            truck.hazmat_certified = True
        db.session.commit()
        plan = db.session.scalar(sa.select(Plan).where(Plan.run_id == run.id))
        assert booking.id in [u.booking_id for u in plan.unassigned]
        publishing.publish_plan(dispatcher, plan.id, allow_unmanned=True)
        booking_id = booking.id
        told = db.session.scalar(
            sa.select(sa.func.count(OutboxMessage.id)).where(
                OutboxMessage.recipient == dealer.email,
                OutboxMessage.subject.contains(f"#{booking_id}"),
                OutboxMessage.subject.contains("未排入"),  # in the dealer's language
            )
        )
        db.session.remove()
    assert told == 1
    page = new_page(browser, live_server.url, phone=True)
    log_in(page, "dealer@demo.lithloop")
    page.goto(f"/bookings/{booking_id}")
    notice = page.locator("#left-out")
    assert notice.is_visible()
    days = notice.locator("input[name=date]")
    assert days.count() >= 1
    chosen = days.first.get_attribute("value")
    check_page(page, "booking-left-out", screenshots, phone=True)
    notice.locator("button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator(".flash.success").is_visible()
    with live_server.app.app_context():
        moved = db.session.get(Booking, booking_id)
        assert moved.pickup_date.isoformat() == chosen and moved.status is BookingStatus.REQUESTED
        db.session.remove()
    page.context.close()
