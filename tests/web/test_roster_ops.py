# ruff: noqa: F811  (tests take the imported day_world fixture as an argument)
"""The dispatcher's side of the road (issue 18): the day's roster, publishing with
confirmation, left-out bookings told, stop states live, run summaries, plant differences."""

from __future__ import annotations

import re
from datetime import time, timedelta

import pytest
import sqlalchemy as sa

from lithloop import clock
from lithloop.extensions import db
from lithloop.models import (
    Booking,
    BookingDay,
    BookingEvent,
    OutboxMessage,
    Plan,
    PlanStatus,
    Role,
    Truck,
)
from lithloop.services.booking import reach
from lithloop.services.dispatch import (
    driver_stops,
    driver_work,
    live_ops,
    publishing,
    roster,
    run_report,
)
from lithloop.services.dispatch.problem import build_day_problem, park_site
from lithloop.services.errors import Conflict, Invalid
from tests.conftest import submit
from tests.factories import make_user
from tests.web.test_dispatch import (
    book_late,
    day_world,  # noqa: F401 (the fixture)
    run_to_end,
)

HTMX = {"HX-Request": "true"}  # the live panel polls itself through htmx


def _trucks() -> list[Truck]:
    return roster.active_trucks()


def _drivers(world, n=2):
    people = [make_user(world["park"], role=Role.DRIVER) for _ in range(n)]
    for i, person in enumerate(people):
        person.name = f"司机{i}号"
    db.session.commit()
    return people


def published_busiest(client, world):
    """The world's day run and published with a driver on every truck: (plan id, the route
    with the most pickups, the driver of each truck)."""
    plan_id = run_to_end(client, world)["plan_id"]
    crew = _crew(world)
    publishing.publish_plan(world["dispatcher"], plan_id)
    plan = db.session.get(Plan, plan_id)
    route = max(plan.routes, key=lambda r: sum(s.kind == "pickup" for s in r.stops))
    return plan_id, route, crew


def _crew(world) -> dict[int, object]:
    """A driver for every active truck on the world's day, through the roster."""
    trucks = _trucks()
    people = _drivers(world, len(trucks))
    roster.save_day(
        world["dispatcher"],
        world["day"],
        [roster.Assignment(t.id, d.id) for t, d in zip(trucks, people, strict=True)],
        set(),
    )
    return {t.id: d for t, d in zip(trucks, people, strict=True)}


def test_the_roster_puts_drivers_on_trucks_and_refuses_what_cannot_be(day_world):
    first, second = _trucks()[:2]
    a, b = _drivers(day_world)
    day, boss = day_world["day"], day_world["dispatcher"]
    roster.save_day(
        boss,
        day,
        [roster.Assignment(first.id, a.id, "08:00", "16:00"), roster.Assignment(second.id, b.id)],
        set(),
    )
    lines = {line.truck.id: line for line in roster.day_lines(day)}
    assert lines[first.id].driver == a and lines[first.id].shift_start == time(8)
    assert lines[second.id].shift_start == second.shift_start  # empty: the truck's own
    assert roster.trucks_of(a, day) == {first.id}
    with pytest.raises(Invalid, match=first.plate) as twice:
        roster.save_day(
            boss,
            day,
            [roster.Assignment(first.id, a.id), roster.Assignment(second.id, a.id)],
            set(),
        )
    assert twice.value.field == f"driver-{second.id}"
    with pytest.raises(Invalid, match=a.name) as on_leave:
        roster.save_day(boss, day, [roster.Assignment(first.id, a.id)], {a.id})
    assert on_leave.value.field == f"driver-{first.id}"
    assert roster.RosterDay(day).driver(first) == a  # refused: nothing half-written
    first.driver = a  # a's regular truck: on leave, nobody drives it
    db.session.commit()
    roster.save_day(boss, day, [], {a.id})
    assert roster.RosterDay(day).driver(first) is None
    assert roster.RosterDay(day + timedelta(days=1)).driver(first) == a  # the day after
    with pytest.raises(Conflict):
        roster.save_day(boss, clock.today() - timedelta(days=1), [], set())


def test_a_roster_shift_is_the_truck_shift_the_plan_is_built_with(day_world):
    first = _trucks()[0]
    a = _drivers(day_world, 1)[0]
    roster.save_day(
        day_world["dispatcher"],
        day_world["day"],
        [roster.Assignment(first.id, a.id, "09:30", "15:00")],
        set(),
    )
    day = build_day_problem(
        day_world["day"], [], _trucks(), park_site(), shifts=roster.shifts(day_world["day"])
    )
    vehicle = next(v for v in day.problem.vehicles if v.id == first.id)
    assert (vehicle.shift.start, vehicle.shift.end) == (9 * 3600 + 1800, 15 * 3600)


def test_publishing_asks_for_drivers_and_lists_who_will_be_told(client, auth, day_world):
    plan_id = run_to_end(client, day_world)["plan_id"]
    plan = db.session.get(Plan, plan_id)
    with pytest.raises(Conflict, match=plan.routes[0].truck.plate) as refused:
        publishing.publish_plan(day_world["dispatcher"], plan_id)
    assert refused.value.code == "no_driver"
    people = _drivers(day_world, len(plan.routes))
    auth.login(day_world["dispatcher"].email)
    page = client.get(f"/dispatch/plans/{plan_id}/publish").get_data(as_text=True)
    for route in plan.routes:
        assert f'name="driver-{route.truck_id}"' in page
        for stop in route.stops:
            if stop.booking:
                assert stop.booking.organisation.name in page  # who will be told
    form = {"confirmed": "1"}
    form.update(
        {f"driver-{r.truck_id}": str(d.id) for r, d in zip(plan.routes, people, strict=True)}
    )
    done = submit(client, f"/dispatch/plans/{plan_id}/publish", form)
    assert done.status_code == 302 and done.headers["Location"].endswith(f"/plans/{plan_id}")
    db.session.expire_all()
    plan = db.session.get(Plan, plan_id)
    assert plan.status is PlanStatus.PUBLISHED
    route, driver = plan.routes[0], people[0]
    assert roster.driver_of(route) == driver
    manifest = client.get(f"/routes/{route.id}/manifest").get_data(as_text=True)
    assert driver.name in manifest
    assert driver_stops.driver_routes(driver, (day_world["day"],)) == [route]
    plan_page = client.get(f"/dispatch/plans/{plan_id}").get_data(as_text=True)
    assert "/lock" not in plan_page  # lock controls only on drafts


def test_a_refused_publish_changes_no_roster(client, auth, day_world):
    """Drivers chosen on the confirmation page go on the roster only with the publish."""
    first_id = run_to_end(client, day_world)["plan_id"]
    crew = _crew(day_world)
    publishing.publish_plan(day_world["dispatcher"], first_id)
    second_id = run_to_end(client, day_world)["plan_id"]
    publishing.publish_plan(day_world["dispatcher"], second_id)  # the first is superseded
    route = db.session.get(Plan, first_id).routes[0]
    (stranger,) = _drivers(day_world, 1)
    auth.login(day_world["dispatcher"].email)
    form = {"confirmed": "1", f"driver-{route.truck_id}": str(stranger.id)}
    refused = submit(client, f"/dispatch/plans/{first_id}/publish", form)
    assert refused.status_code == 302
    db.session.expire_all()
    assert roster.driver_of(db.session.get(Plan, first_id).routes[0]) == crew[route.truck_id]
    assert db.session.get(Plan, first_id).status is PlanStatus.SUPERSEDED


def test_left_out_owners_are_told_and_move_to_a_day_that_fits(client, auth, day_world):
    hazmat = db.session.scalar(sa.select(Truck).where(Truck.hazmat_certified.is_(True)))
    hazmat.hazmat_certified = False  # the damaged booking cannot go on any truck
    db.session.commit()
    plan_id = run_to_end(client, day_world)["plan_id"]
    damaged = db.session.get(Booking, day_world["bookings"][0])
    plan = db.session.get(Plan, plan_id)
    assert [u.booking_id for u in plan.unassigned] == [damaged.id]
    auth.login(day_world["dispatcher"].email)
    page = client.get(f"/dispatch/plans/{plan_id}").get_data(as_text=True)
    assert page.index('id="left-out"') < page.index("<figure")  # at the top, before the map
    publishing.publish_plan(day_world["dispatcher"], plan_id, allow_unmanned=True)
    owner = damaged.created_by.email
    told = db.session.scalars(
        sa.select(OutboxMessage).where(
            OutboxMessage.recipient == owner, OutboxMessage.subject.contains("未排入")
        )
    ).all()
    assert len(told) == 1
    detail = db.session.scalars(
        sa.select(BookingEvent.detail).where(BookingEvent.booking_id == damaged.id)
    ).all()[-1]
    assert (detail["kind"], detail["day"]) == ("left_out", day_world["day"].isoformat())
    assert detail["days"]
    auth.logout()
    auth.login(owner)
    shown = client.get(f"/bookings/{damaged.id}").get_data(as_text=True)
    assert 'id="left-out"' in shown
    later = detail["days"][0]
    assert f'value="{later}"' in shown
    before = db.session.get(BookingDay, day_world["day"]).booked_stops
    moved = submit(
        client, f"/bookings/{damaged.id}/move-day", {"date": later}, page=f"/bookings/{damaged.id}"
    )
    assert moved.status_code == 302
    db.session.expire_all()
    assert db.session.get(Booking, damaged.id).pickup_date.isoformat() == later
    assert db.session.get(BookingDay, day_world["day"]).booked_stops == before - 1
    again = submit(
        client,
        f"/bookings/{damaged.id}/move-day",
        {"date": "2199-01-01"},
        page=f"/bookings/{damaged.id}",
    )
    assert again.status_code == 302  # refused with a message, nothing changed
    assert db.session.get(Booking, damaged.id).pickup_date.isoformat() == later


def test_a_stop_picked_up_without_an_arrival_says_so_rather_than_a_dash(
    client, auth, day_world, monkeypatch
):
    """Walk finding: a driver who confirmed the pickup without tapping "arrived" left the
    live panel's actual arrival a bare "—", as for a stop not reached."""
    plan_id, route, crew = published_busiest(client, day_world)
    first = next(s for s in route.stops if s.kind == "pickup")
    monkeypatch.setattr(clock, "now", lambda: first.arrival + timedelta(minutes=5))
    mass = str(first.booking.total_mass_kg)
    driver_work.record_pickup(crew[route.truck_id], first.id, mass, "", "码稍后补")
    auth.login(day_world["dispatcher"].email)
    live = client.get(f"/dispatch/plans/{plan_id}/live", headers=HTMX).get_data(as_text=True)
    row = live.split(f'data-stop="{first.id}"')[1].split("</tr>")[0]
    assert "state-picked_up" in live and "未记录到达" in row, row


def test_the_plan_shows_stop_states_and_exceptions_as_they_happen(
    client, auth, day_world, monkeypatch
):
    plan_id, route, crew = published_busiest(client, day_world)
    first, second = [s for s in route.stops if s.kind == "pickup"][:2]
    monkeypatch.setattr(clock, "now", lambda: first.arrival + timedelta(minutes=12))
    driver = crew[route.truck_id]
    driver_work.record_arrival(driver, first.id)
    driver_work.record_exception(driver, second.id, "refused", "大门锁着")
    auth.login(day_world["dispatcher"].email)
    live = client.get(f"/dispatch/plans/{plan_id}/live", headers=HTMX).get_data(as_text=True)
    row = live.split(f'data-stop="{first.id}"')[1].split("</tr>")[0]
    assert "state-arrived" in live and "+12 分钟" in row and "min" not in row  # in words
    later = [s for s in route.stops if s.kind == "pickup"][2]  # not reached yet
    ahead = live.split(f'data-stop="{later.id}"')[1].split("</tr>")[0]
    assert "待处理" in ahead and "计划中" not in ahead  # the driver's page's word for it
    assert f'id="exception-{second.id}"' in live and "大门锁着" in live
    assert f"/bookings/{second.booking_id}/move-day" in live  # move it to another day
    assert 'hx-trigger="every 5s"' in live
    states = live_ops.stop_states(db.session.get(Plan, plan_id))
    assert states[first.id].drift_s == 12 * 60 and states[second.id].state == "exception"
    auth.logout()
    auth.login(second.booking.created_by.email)
    page = client.get(f"/bookings/{second.booking_id}").get_data(as_text=True)
    assert "大门锁着" in page.split('id="road-news"')[1].split("</dd>")[0]  # the owner follows
    owner = first.booking.created_by.email
    told = db.session.scalars(
        sa.select(OutboxMessage).where(
            OutboxMessage.recipient == owner,
            OutboxMessage.subject.contains(f"#{first.booking_id}"),
        )
    ).all()
    assert any("司机已到达" in m.subject for m in told)  # in the owner's language


def test_a_run_ends_with_a_summary_against_the_previous_plan(client, auth, day_world):
    first = run_to_end(client, day_world)
    second = run_to_end(client, day_world)
    run = run_report.summary(db.session.get(Plan, second["plan_id"]).run)[0]
    assert run["before_plan"].id == first["plan_id"]
    assert run["now"]["served"] + run["now"]["left_out"] == len(day_world["bookings"])
    auth.login(day_world["dispatcher"].email)
    panel = client.get(
        f"/dispatch/runs/{second['id']}/progress", headers={"HX-Request": "true"}
    ).get_data(as_text=True)
    assert f'id="summary-{second["plan_id"]}"' in panel
    # Walk finding: "Run #5" showed "Previous plan #4", a plan's number beside a run's. Plans
    # are named by the run that made them, as among the day's runs.
    before = panel.split(f'id="summary-{second["plan_id"]}"')[1].split("</table>")[0]
    assert f"上一版计划（来自运行 #{first['id']}）</a>" in before, before
    assert f"#{first['plan_id']}<" not in before or first["plan_id"] == first["id"]
    client.get("/lang/en")
    english = client.get(f"/dispatch/runs/{second['id']}/progress", headers={"HX-Request": "true"})
    assert f"Previous plan, from run #{first['id']}</a>" in english.get_data(as_text=True)
    client.get("/lang/zh")
    # One cost, the plan's, in yuan: the solver's score (route costs plus 1,000,000 per
    # left-out stop) was shown beside it as 'best cost so far 3,001,234', and a dearer plan's
    # difference had no sign ('¥12.30' beside '+1' and '-3').
    assert "best cost so far" not in panel and "目前最优成本" not in panel
    change = run["now"]["cost_fen"] - run["before"]["cost_fen"]
    cells = re.findall(r'<td class="num"><span class="money">([^<]*)</span></td></tr>', panel)
    sign = "+" if change > 0 else "-" if change < 0 else ""
    assert cells[-1] == f"{sign}¥{abs(change) / 100:,.2f}", cells
    plan = db.session.get(Plan, second["plan_id"])
    plan.run.progress = [[0.5, 90.0], [1.0, 120.0], [1.5, 80.0]]
    assert [c for _t, c in run_report.best_curve(plan.run)] == [90.0, 90.0, 80.0]
    db.session.rollback()


def test_a_site_beyond_a_shift_gets_a_warning_and_one_nearby_none(client, auth, day_world):
    park = park_site()
    assert reach.warning(park.lat + 0.1, park.lon) is None
    # Harbin: within the service region, beyond a working day (Shenyang, 768 km by road, was
    # used before; a site stored there now takes no new bookings: test_site_reach_bookings.py)
    far = reach.warning(45.8030, 126.5351)
    assert far is not None and "10.0" in far  # the demo-like trucks' 10-hour working day
    booking = book_late(day_world, "哈尔滨远方网点", (45.8030, 126.5351), "500")
    near = db.session.get(Booking, day_world["bookings"][1])
    auth.login(booking.created_by.email)
    assert 'id="reach-warning"' in client.get(f"/bookings/{booking.id}").get_data(as_text=True)
    assert 'id="reach-warning"' in client.get(f"/sites/{booking.site_id}").get_data(as_text=True)
    auth.logout()
    auth.login(near.created_by.email)
    assert 'id="reach-warning"' not in client.get(f"/bookings/{near.id}").get_data(as_text=True)


def test_dispatch_does_not_call_scheduled_bookings_to_be_planned(client, auth, day_world):
    plan_id = run_to_end(client, day_world)["plan_id"]
    publishing.publish_plan(day_world["dispatcher"], plan_id, allow_unmanned=True)
    auth.login(day_world["dispatcher"].email)
    page = client.get(f"/dispatch/?date={day_world['day']}").get_data(as_text=True)
    plan = db.session.get(Plan, plan_id)
    assert f"{len(plan.unassigned)} " in page.split("<h2>")[1].split("·")[0]


def test_a_route_locked_on_a_draft_is_kept_though_the_day_has_a_published_plan(client, day_world):
    first = run_to_end(client, day_world)["plan_id"]
    publishing.publish_plan(day_world["dispatcher"], first, allow_unmanned=True)
    draft = db.session.get(Plan, run_to_end(client, day_world)["plan_id"])
    route = draft.routes[-1]
    kept = (route.truck_id, [s.booking_id for s in route.stops if s.booking_id])
    publishing.set_route_lock(day_world["dispatcher"], route.id, True)  # lock controls: drafts only
    db.session.expire_all()
    after = db.session.get(Plan, run_to_end(client, day_world)["plan_id"])
    same = next(r for r in after.routes if r.truck_id == kept[0])
    assert same.locked and [s.booking_id for s in same.stops if s.booking_id] == kept[1]


def test_the_live_panel_tells_an_exception_in_words_with_or_without_a_note(
    client, auth, day_world, monkeypatch
):
    plan_id, route, crew = published_busiest(client, day_world)
    first, second = [s for s in route.stops if s.kind == "pickup"][:2]
    monkeypatch.setattr(clock, "now", lambda: first.arrival)
    driver_work.record_exception(crew[route.truck_id], first.id, "nobody_there", "")
    driver_work.record_exception(crew[route.truck_id], second.id, "closed", "周五休息")
    auth.login(day_world["dispatcher"].email)
    chinese = client.get(f"/dispatch/plans/{plan_id}/live", headers=HTMX).get_data(as_text=True)
    told = chinese.split(f'id="exception-{second.id}"')[1].split("</p>")[0]
    assert "</a>：" in told and "</a>:" not in told  # the Chinese colon after the booking
    client.get("/lang/en")
    live = client.get(f"/dispatch/plans/{plan_id}/live", headers=HTMX).get_data(as_text=True)
    one = live.split(f'id="exception-{first.id}"')[1].split("</p>")[0]
    two = live.split(f'id="exception-{second.id}"')[1].split("</p>")[0]
    assert "Nobody there" in one and "nobody_there" not in one
    assert "Site closed" in two and "周五休息" in two and "closed;" not in two


def test_a_leaking_lot_reported_by_the_driver_needs_a_dangerous_goods_truck_from_then_on(
    client, day_world, monkeypatch
):
    from lithloop.services.dispatch import problem

    plan_id, route, crew = published_busiest(client, day_world)
    stop = next(s for s in route.stops if s.kind == "pickup" and not s.booking.hazardous)
    monkeypatch.setattr(clock, "now", lambda: stop.arrival)
    driver_work.record_exception(crew[route.truck_id], stop.id, "leaking_unsafe", "外壳渗液")
    db.session.expire_all()
    booking = db.session.get(Booking, stop.booking_id)
    assert booking.hazardous  # the next plan sends a dangerous-goods truck
    assert problem.HAZMAT in problem._stop(booking, 1).skills  # only certified trucks


def test_the_roster_says_which_shift_an_empty_time_keeps(client, auth, day_world):
    """A time field shows no placeholder, so "empty keeps the truck's own shift" named no
    times: each truck's line says its own shift in words."""
    auth.login(day_world["dispatcher"].email)
    page = client.get(f"/dispatch/roster?date={day_world['day'].isoformat()}")
    text = page.get_data(as_text=True)
    for truck in _trucks():
        own = f"{truck.shift_start.strftime('%H:%M')}–{truck.shift_end.strftime('%H:%M')}"
        hint = text.split(f'id="own-shift-{truck.id}">')[1].split("</small>")[0]
        assert hint == f"留空即沿用车辆班次 {own}"


def test_the_publish_preview_counts_the_notices_publishing_sends(client, auth, day_world):
    """A route kept as published (locked, same truck and times) tells its owners nothing new
    when the next plan is published: the confirmation listed each of them as told their
    arrival again, and counted them in "publish and send N notices"."""
    from lithloop.models import OutboxMessage
    from lithloop.services.dispatch import publish_preview
    from tests.web.test_dispatch import run_to_end

    first = db.session.get(Plan, run_to_end(client, day_world)["plan_id"])
    publishing.publish_plan(day_world["dispatcher"], first.id, allow_unmanned=True)
    kept = first.routes[0]
    kept_ids = {s.booking_id for s in kept.stops if s.booking_id}
    publishing.set_route_lock(day_world["dispatcher"], kept.id, True)
    second = db.session.get(Plan, run_to_end(client, day_world)["plan_id"])
    shown = publish_preview.preview(second)
    assert kept_ids and not kept_ids & {x["booking"].id for x in shown.scheduled}
    assert shown.not_told >= len(kept_ids)
    auth.login(day_world["dispatcher"].email)
    page = client.get(f"/dispatch/plans/{second.id}/publish").get_data(as_text=True)
    assert f'id="not-told">计划中有 {shown.not_told} 个站点不再通知' in page
    assert f"发布并发送 {shown.told} 条通知" in page
    before = db.session.scalar(sa.select(sa.func.max(OutboxMessage.id))) or 0
    publishing.publish_plan(day_world["dispatcher"], second.id, allow_unmanned=True)
    subjects = db.session.scalars(
        sa.select(OutboxMessage.subject).where(OutboxMessage.id > before)
    ).all()
    told = {int(m.group(1)) for s in subjects if (m := re.search(r"#(\d+)", s))}
    assert not kept_ids & told
    assert {x["booking"].id for x in shown.scheduled} <= told


def test_a_shift_start_that_is_not_a_time_is_marked_beside_the_start(client, auth, day_world):
    """Walk finding: a bad start time was told beside "Shift ends"."""
    auth.login(day_world["dispatcher"].email)
    truck = _trucks()[0]
    url = f"/dispatch/roster?date={day_world['day'].isoformat()}"
    answer = submit(client, url, {f"start-{truck.id}": "25:99"}, page=url)
    text = answer.get_data(as_text=True)
    start = text.split(f'id="start-{truck.id}"')[1].split("</div>")[0]
    end = text.split(f'id="end-{truck.id}"')[1].split("</div>")[0]
    assert f'id="start-{truck.id}-err"' in start and "HH:MM" in start, start
    assert 'class="error"' not in end, end


def test_a_past_days_roster_is_shown_read_only(client, auth, day_world):
    """Walk finding: a past day's roster offered every field and "Save the roster", only to
    answer "is over; its roster stays as it was" once the dispatcher had changed it."""
    auth.login(day_world["dispatcher"].email)
    past = clock.today() - timedelta(days=3)
    text = client.get(f"/dispatch/roster?date={past.isoformat()}").get_data(as_text=True)
    form = text.split('class="card roster-form"')[1].split("</form>")[0]
    assert f"{past.isoformat()} 已过去" in form.split('id="roster-past">')[1].split("</p>")[0]
    assert 'type="submit"' not in form
    fields = re.findall(r"<(?:select|input)\b[^>]*>", form)
    shown = [f for f in fields if 'type="hidden"' not in f]
    assert shown and all(" disabled" in f for f in shown), shown
    ahead = client.get(f"/dispatch/roster?date={day_world['day'].isoformat()}")
    assert 'id="roster-past"' not in ahead.get_data(as_text=True)
    assert " disabled" not in ahead.get_data(as_text=True).split('class="card roster-form"')[1]


def test_the_dispatch_pages_put_no_half_width_brackets_beside_chinese(client, auth, day_world):
    """Walk finding: "9,567 千克 (80% 的运力)" on the plan, "计划 (已发布)" among the day's
    runs and "上一版计划 #3 (草稿)" in a run's summary: half-width brackets on Chinese pages."""
    first = run_to_end(client, day_world)
    second = run_to_end(client, day_world)
    auth.login(day_world["dispatcher"].email)
    day = day_world["day"].isoformat()
    pages = {
        "plan": client.get(f"/dispatch/plans/{second['plan_id']}"),
        "day": client.get(f"/dispatch/?date={day}"),
        "summary": client.get(f"/dispatch/runs/{second['id']}/progress", headers=HTMX),
    }
    texts = {name: page.get_data(as_text=True) for name, page in pages.items()}
    assert ' · <span class="nowrap">占运力 ' in texts["plan"] and "的运力" not in texts["plan"]
    assert re.search(r"计划 · 草稿</a>", texts["day"]), texts["day"]
    assert re.search(rf"#{first['id']}）</a> · 草稿", texts["summary"])
    for name, text in texts.items():
        seen = re.findall(r"[\u4e00-\u9fff]</a> \(|[\u4e00-\u9fff] \(|\d%\) ", text)
        assert not seen, (name, seen)
    client.get("/lang/en")
    assert "% of capacity</span> · " in client.get(f"/dispatch/plans/{second['plan_id']}").get_data(
        as_text=True
    )
