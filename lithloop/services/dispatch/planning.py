"""What an optimisation run plans, day by day: the routing problem of each open day (what
is due: day_work.py; the routes kept: route_keeping.py), the solve (stopped and followed
by run_control.py), and the plan stored. Starting and following runs is runs.py."""

from __future__ import annotations

import logging
from datetime import date

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from lithloop import clock, routing
from lithloop.extensions import db
from lithloop.models import (
    Booking,
    Plan,
    PlanRun,
    RunStatus,
    Site,
    Truck,
    User,
)
from lithloop.services.accounts import policies
from lithloop.services.dispatch import (
    left_deliveries,
    plan_store,
    roster,
    run_control,
    run_progress,
    run_report,
    shipped,
    under_way,
)
from lithloop.services.dispatch.day_work import (
    due_bookings,
    due_deliveries,
    has_work,
    held_bookings,
    horizon,
    shipped_on_trucks,
)
from lithloop.services.dispatch.held_from_planning import held_entry
from lithloop.services.dispatch.problem import build_day_problem, on_board_id, park_site
from lithloop.services.dispatch.problem import seconds as seconds_of_day
from lithloop.services.dispatch.route_keeping import (
    dropped_lines,
    ended_stops,
    going_on,
    kept_routes,
    pinned_stops,
    shortened_routes,
    still_kept,
    stranded_lines,
)
from lithloop.services.dispatch.run_control import (
    DAY_LINE,
    FINISHED_LINE,
    FINISHING_DAY_S,
    RESULT_LINE,
    SKIPPED_LINE,
)

log = logging.getLogger(__name__)


PLANNERS = policies.PLANNERS


def require_planner(user: User) -> None:
    """Refuse anyone who is not a dispatcher or an admin."""
    policies.require(user, PLANNERS, _l("Only dispatchers plan routes."))


def solve_and_store(run: PlanRun) -> None:
    """Plan each open day of a running run (what does not fit moves to the next) and mark
    it succeeded; a cancel ends it without a plan (runs.execute_run records failures). A
    "finish now" keeps the best plan of the day being searched; later days get a short search.
    A day with nothing to plan (day_work.has_work) is skipped and said so in the log."""
    park = park_site()
    active = list(
        db.session.scalars(sa.select(Truck).where(Truck.active.is_(True)).order_by(Truck.id))
    )
    if park is None or not active:
        raise RuntimeError("no park depot or no active trucks to plan with")
    days = horizon(run)
    budgets = run_control.DayBudgets(run.time_limit_s, len(days))
    carried: list[Booking] = []
    for i, day in enumerate(days):
        # bookings of organisations not approved: left out, and the run records which (by
        # status); a new list, as a JSON column does not see a list changed in place
        if held := held_entry(day, held_bookings(day)):
            run.held = [*(run.held or []), held]
        if not carried and not has_work(day):  # no empty plan stored for it
            run.log = "\n".join(filter(None, [run.log, SKIPPED_LINE.format(day=day)]))
            db.session.commit()
            continue
        seconds = budgets.take(i)
        finishing = run.finish_requested
        budget = min(seconds, FINISHING_DAY_S) if finishing else seconds
        stored, used_s = _plan_one_day(run, day, park, active, carried, budget, finishing)
        if stored is None:  # cancelled
            return
        budgets.give_back(seconds, used_s)
        carried = [u.booking for u in stored.unassigned if u.reason == "day_full"]
    run.status, run.finished_at, run.heartbeat_at = RunStatus.SUCCEEDED, clock.now(), clock.now()
    db.session.commit()


def _plan_one_day(
    run: PlanRun,
    day: date,
    park: Site,
    active: list[Truck],
    carried: list[Booking],
    seconds: int,
    finishing: bool = False,
) -> tuple[Plan | None, float]:
    """The day's plan stored (None when the run was cancelled) and the seconds its search
    took."""
    going = going_on(day)
    kept = kept_routes(day, going)
    ended = ended_stops(kept, day)
    dropped = {s.id for s in ended}
    kept = [r for r in kept if still_kept(r, dropped)]
    not_before = seconds_now() if going else None  # a day under way: not in the past
    reshaped = shortened_routes(kept, dropped, day, not_before)
    kept_trucks = {r.truck_id for r in kept}
    # a booking taken off a kept route is planned again if still due (its window changed)
    kept_bookings = {s.booking_id for r in kept for s in r.stops if s.booking_id}
    kept_bookings -= {s.booking_id for s in ended}
    kept_bookings |= {b for g in going for b in g.booking_ids}
    # a delivery taken off a kept route is planned again if still due (shipped on a truck)
    kept_orders = {s.order_id for r in kept for s in r.stops if s.order_id and s.id not in dropped}
    kept_orders |= {o for g in going for o in g.order_ids}
    bookings = [b for b in due_bookings(day) if b.id not in kept_bookings]
    orders = [o for o in due_deliveries(day) if o.id not in kept_orders]
    bookings += [b for b in carried if b.id not in {x.id for x in bookings}]
    trucks = [t for t in active if t.id not in kept_trucks]
    trucks += [g.route.truck for g in going if g.truck_id not in {t.id for t in trucks}]
    ships = [(o, t) for o, t in shipped_on_trucks(day).values() if o.id not in kept_orders]
    placed = shipped.place(ships, {t.id for t in trucks}, kept, day, dropped, not_before)
    reshaped.update(placed.reshaped)
    on_trucks = placed.on_trucks
    orders += [o for o, _t in ships if o.id in on_trucks]
    pinned = pinned_stops(day, {t.id for t in trucks})
    problem = build_day_problem(
        day,
        bookings,
        trucks,
        park,
        pinned=pinned,
        orders=orders,
        shifts=roster.shifts(day),
        starts=under_way.starts(going),
        not_before=not_before,
        order_trucks=on_trucks,
    )
    run.log = "\n".join(
        filter(
            None,
            [
                run.log,
                DAY_LINE.format(
                    day=day,
                    bookings=len(bookings),
                    carried=len(carried),
                    orders=len(orders),
                    trucks=len(trucks),
                    kept=len(kept),
                    going=len(going),
                ),
                *dropped_lines(day, ended),
                *stranded_lines(day, placed.stranded),
                *problem.problem.notes,
            ],
        )
    )
    db.session.commit()
    outside = run_progress.outside_cost_yuan(kept, going)
    progress = run_progress.ProgressRecorder(run, outside, day)
    solution = routing.solve(
        problem.problem,
        time_limit_s=seconds,
        seed=run.id,
        on_progress=progress,
        stop=run_control.stop_for(run, finishing),
    )
    _check(solution, [*problem.bookings, *problem.orders, *map(on_board_id, starts_of(going))])
    db.session.refresh(run)
    if run.cancel_requested:
        run.status, run.finished_at = RunStatus.CANCELLED, clock.now()
        db.session.commit()
        return None, solution.wall_s
    with db.session.no_autoflush:
        plan = plan_store.plan_from(
            run, problem, solution, kept, frozenset(pinned), going, frozenset(dropped), reshaped
        )
        plan.solution = left_deliveries.add_left_out(
            plan.solution, [s.entry() for s in placed.stranded]
        )
    progress.settle(plan.cost_fen, solution.cost)
    if run.finish_requested and not finishing:
        # the run's own clock, as its page shows it (the solve alone is a little shorter)
        seconds = f"{run_report.elapsed_s(run):.0f}"
        run.log += "\n" + FINISHED_LINE.format(day=day, seconds=seconds)
    run.log += "\n" + RESULT_LINE.format(
        day=day, status=solution.status, left=len(solution.unassigned)
    )
    db.session.commit()
    return plan, solution.wall_s


def seconds_now() -> int:
    """The park's clock now, in seconds after midnight: on a day under way, the trucks not yet
    on the road leave no earlier."""
    return seconds_of_day(clock.local(clock.now()).time())


def starts_of(going) -> list[int]:
    """The trucks under way (their on-board pickups are in the problem)."""
    return [g.truck_id for g in going]


def _check(solution: routing.Solution, stop_ids: list) -> None:
    """Every stop is routed once or unassigned with a reason; anything else is a bug."""
    routed = [s.stop_id for r in solution.routes for s in r.steps if s.type == "job"]
    unassigned = [u.stop_id for u in solution.unassigned]
    if sorted(map(str, routed + unassigned)) != sorted(map(str, stop_ids)):
        raise RuntimeError("the solver's answer does not account for every booking once")
    if any(not u.reason for u in solution.unassigned):
        raise RuntimeError("an unassigned booking has no reason")
