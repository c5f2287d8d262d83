"""Bookings held from planning (their organisation awaits approval or is suspended): a run's
log says how many were held on each day, which and why; a run whose days hold nothing but
such bookings is refused saying so and where an admin lets them be planned."""

from __future__ import annotations

import dataclasses

import pytest
from flask_babel import force_locale

from lithloop import routing
from lithloop.extensions import db
from lithloop.models import OrgStatus, RunStatus
from lithloop.services.dispatch import day_work, planning
from lithloop.services.errors import Invalid
from lithloop.web.dispatch.run_log import held_lines, run_log
from tests.factories import BookingFactory, make_org, make_park, make_user
from tests.route_world import open_day, quick_run

pytestmark = pytest.mark.parametrize("backend", ["sqlite"])  # no locking involved


def _booking(day, status: OrgStatus):
    """A requested booking of the day by a new organisation of that status."""
    return BookingFactory(pickup_date=day, created_by=make_user(make_org(status=status)))


def _stopped_at_first_plan(monkeypatch) -> None:
    """Each day's solve ends at its first plan (a quick run's stop, without its wait)."""
    solve = routing.solve

    def first_plan(problem, time_limit_s, **kwargs):
        found = solve(problem, time_limit_s=time_limit_s, **{**kwargs, "stop": lambda b=None: True})
        return dataclasses.replace(found, wall_s=0.0)

    monkeypatch.setattr(planning.routing, "solve", first_plan)


def test_the_run_log_says_how_many_bookings_were_held_which_and_why(app, monkeypatch):
    busy, held_only = open_day(1), open_day(2)
    make_park(trucks=1)
    planned = BookingFactory(pickup_date=busy)
    pending = [_booking(busy, OrgStatus.PENDING) for _ in range(2)]
    suspended = _booking(busy, OrgStatus.SUSPENDED)
    later = _booking(held_only, OrgStatus.SUSPENDED)
    run = quick_run(busy, seconds=2, days=2)
    _stopped_at_first_plan(monkeypatch)
    planning.solve_and_store(run)
    assert run.status is RunStatus.SUCCEEDED
    stops = [s.booking_id for r in run.plans[0].routes for s in r.stops if s.booking_id]
    planned_ids = {u.booking_id for u in run.plans[0].unassigned} | set(stops)
    assert planned_ids == {planned.id}  # the held ones are in no plan
    assert [p.plan_date for p in run.plans] == [busy]  # the day of held bookings is skipped
    p1, p2 = (b.id for b in pending)
    with app.test_request_context("/"), force_locale("zh_CN"):
        chinese = held_lines(run.held)
        told = run_log(run.log, run.held).lines
    assert chinese == [
        f"{busy}：3 个预约暂不排入路线。所属机构待产业园审核：#{p1}、#{p2}。"
        f"所属机构已被暂停：#{suspended.id}。管理员可在“管理 → 审核”中批准待审核的机构。"
        "管理员可在“管理 → 机构”中恢复被暂停的机构。",
        f"{held_only}：1 个预约暂不排入路线。所属机构已被暂停：#{later.id}。"
        "管理员可在“管理 → 机构”中恢复被暂停的机构。",
    ]
    assert chinese[0] in told and chinese[1] in told  # with the log's other lines too
    with app.test_request_context("/"), force_locale("en"):
        english = held_lines(run.held)
    assert english[0] == (
        f"{busy}: 3 bookings were held from planning. Their organisation awaits the park's "
        f"approval: #{p1}, #{p2}. Their organisation is suspended: #{suspended.id}. An admin "
        "approves a pending organisation under Admin → Approvals. An admin reactivates a "
        "suspended organisation under Admin → Organisations."
    )
    assert english[1].startswith(f"{held_only}: 1 booking was held from planning. ")


def test_the_run_records_the_held_bookings_as_data_not_as_a_log_line(app, monkeypatch):
    busy, held_only = open_day(1), open_day(2)
    make_park(trucks=1)
    BookingFactory(pickup_date=busy)
    pending = _booking(busy, OrgStatus.PENDING)
    rejected = _booking(busy, OrgStatus.REJECTED)
    later = _booking(held_only, OrgStatus.SUSPENDED)
    run = quick_run(busy, seconds=2, days=2)
    _stopped_at_first_plan(monkeypatch)
    planning.solve_and_store(run)
    db.session.expire_all()  # what was stored, not what the session holds
    assert run.held == [
        {
            "date": busy.isoformat(),
            "pending": [pending.id],
            "suspended": [],
            "rejected": [rejected.id],
        },
        {"date": held_only.isoformat(), "pending": [], "suspended": [later.id], "rejected": []},
    ]
    assert "held" not in run.log and f"#{pending.id}" not in run.log  # no line to read back
    with app.test_request_context("/"), force_locale("en"):
        told = run_log(run.log, run.held).lines
    first_busy = next(i for i, t in enumerate(told) if t.startswith(f"{busy}:"))
    assert told[first_busy].startswith(f"{busy}: 2 bookings were held from planning. ")
    first_later = next(i for i, t in enumerate(told) if t.startswith(f"{held_only}:"))
    assert told[first_later].startswith(f"{held_only}: 1 booking was held from planning. ")


def test_a_day_of_nothing_but_held_bookings_is_refused_saying_so(app):
    day = open_day(1)
    pending = _booking(day, OrgStatus.PENDING)
    suspended = _booking(day, OrgStatus.SUSPENDED)
    db.session.commit()
    with pytest.raises(Invalid) as refused:
        day_work.require_work(day, 1)
    assert refused.value.code == "bookings_held" and refused.value.field == "date"
    with app.test_request_context("/"), force_locale("zh_CN"):
        said = str(refused.value.message)
    assert said == (
        f"{day} 没有可以规划的内容：当天有 2 个预约，都暂不排入路线。"
        f"所属机构待产业园审核：#{pending.id}。所属机构已被暂停：#{suspended.id}。"
        "管理员可在“管理 → 审核”中批准待审核的机构。管理员可在“管理 → 机构”中恢复被暂停的机构。"
    )
    with app.test_request_context("/"), force_locale("en"):
        said = str(refused.value.message)
    assert said.startswith(
        f"Nothing to plan on {day}: 2 bookings are due, and all are held from planning. "
    )


def test_several_days_of_one_held_booking_name_it_and_where_to_approve_it(app):
    first = open_day(1)
    pending = _booking(open_day(2), OrgStatus.PENDING)
    db.session.commit()
    with pytest.raises(Invalid) as refused:
        day_work.require_work(first, 3)
    with app.test_request_context("/"), force_locale("en"):
        said = str(refused.value.message)
    assert said == (
        f"Nothing to plan on the 3 open days from {first} to {open_day(3)}: 1 booking is due, "
        f"and it is held from planning. Their organisation awaits the park's approval: "
        f"#{pending.id}. An admin approves a pending organisation under Admin → Approvals."
    )


def test_a_day_with_no_bookings_at_all_is_still_nothing_to_plan(app):
    with pytest.raises(Invalid) as refused:
        day_work.require_work(open_day(1), 1)
    assert refused.value.code == "nothing_to_plan"
