"""Optimisation runs: start, run in the background, store the plan; publish atomically."""

from __future__ import annotations

import logging
import time as clock_time
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm.attributes import set_committed_value

from lithloop import clock, metrics, routing
from lithloop.extensions import db
from lithloop.jobs.heartbeat import Heartbeat, stale_after
from lithloop.models import (
    Booking,
    BookingStatus,
    Plan,
    PlanRoute,
    PlanRun,
    PlanStatus,
    PlanStop,
    PlanUnassigned,
    RunStatus,
    Site,
    Truck,
    User,
)
from lithloop.models.market import Order, OrderStatus
from lithloop.services.accounts import policies
from lithloop.services.booking import capacity
from lithloop.services.dispatch import roster, under_way
from lithloop.services.dispatch.errors import Code
from lithloop.services.dispatch.problem import (
    build_day_problem,
    on_board_id,
    park_site,
    plan_stop,
)
from lithloop.services.dispatch.problem import seconds as seconds_of_day
from lithloop.services.errors import Conflict, Invalid, NotFound, ServiceError

log = logging.getLogger(__name__)
PLANNERS = policies.PLANNERS
ACTIVE_RUN = (RunStatus.QUEUED, RunStatus.RUNNING)
RUN_MODES = ("thorough", "quick")  # quick: ends when nothing improved for a few seconds
MODE_MARK = "mode: "  # first line of a run's log (the run table has no mode column)


class WorkersUnavailable(ServiceError):
    """The Celery broker did not take the run."""

    status = 503
    code = "workers_unavailable"

    def __init__(self):
        super().__init__(
            _l(
                "The background workers cannot be reached (is Redis running?). "
                "The run was not started; try again in a moment."
            )
        )


def require_planner(user: User) -> None:
    """Refuse anyone who is not a dispatcher or an admin."""
    policies.require(user, PLANNERS, _l("Only dispatchers plan routes."))


def due_bookings(day: date) -> list[Booking]:
    """The day's bookings still to be planned or re-planned, oldest first."""
    return list(
        db.session.scalars(
            sa.select(Booking)
            .where(
                Booking.pickup_date == day,
                Booking.status.in_([BookingStatus.REQUESTED, BookingStatus.SCHEDULED]),
            )
            .order_by(Booking.id)
        )
    )


def due_deliveries(day: date) -> list[Order]:
    """Paid marketplace orders to deliver, not yet delivered, not planned for another day."""
    end_of_day = clock.at(day + timedelta(days=1), 0)
    return list(
        db.session.scalars(
            sa.select(Order)
            .where(
                Order.delivery_kind == "address",
                Order.delivered_at.is_(None),
                Order.status.in_([OrderStatus.PAID, OrderStatus.PACKED]),
                Order.delivery_lat.is_not(None),
                Order.paid_at < end_of_day,
                sa.or_(Order.delivery_date.is_(None), Order.delivery_date == day),
            )
            .order_by(Order.id)
        )
    )


STALE_ERROR = "The worker stopped during the run (no heartbeat); start a new run."


def _is_stale(run: PlanRun) -> bool:
    last = run.heartbeat_at or run.created_at
    return run.status in ACTIVE_RUN and last is not None and last < clock.now() - stale_after()


def fail_stale_runs() -> int:
    """Runs whose worker stopped sending heartbeats end failed; returns how many.

    Periodic housekeeping (lithloop.jobs.housekeeping) and starting a run call it."""
    limit = clock.now() - stale_after()
    stale = list(
        db.session.scalars(
            sa.select(PlanRun).where(
                PlanRun.status.in_(ACTIVE_RUN),
                sa.func.coalesce(PlanRun.heartbeat_at, PlanRun.created_at) < limit,
            )
        )
    )
    for run in stale:
        run.status, run.finished_at = RunStatus.FAILED, clock.now()
        run.error = STALE_ERROR
    db.session.commit()
    return len(stale)


def shown_as_of_now(runs: list[PlanRun]) -> list[PlanRun]:
    """Runs as a reader should see them: one whose worker went silent shows failed.

    Read-only: the values are set as if loaded, so nothing is written; the periodic
    housekeeping stores the failure."""
    for run in runs:
        if _is_stale(run):
            set_committed_value(run, "status", RunStatus.FAILED)
            set_committed_value(run, "finished_at", clock.now())
            set_committed_value(run, "error", STALE_ERROR)
    return runs


def start_run(
    user: User, day: date, time_limit_s: int, horizon_days: int = 1, mode: str = "thorough"
) -> PlanRun:
    """Queue a run for a day (or several, carrying what does not fit to the next day);
    refused while another run for that day is under way. A quick run ends as soon as
    nothing improved for PLAN_QUICK_NO_IMPROVEMENT_S; a thorough one uses its time limit."""
    require_planner(user)
    if mode not in RUN_MODES:
        raise Invalid(_l("Choose a quick or a thorough run."), field="mode")
    if not 1 <= horizon_days <= current_app.config["PLAN_MAX_HORIZON_DAYS"]:
        raise Invalid(
            _l(
                "Plan between 1 and %(n)s days at once.",
                n=current_app.config["PLAN_MAX_HORIZON_DAYS"],
            ),
            field="horizon_days",
        )
    if not 1 <= time_limit_s <= current_app.config["PLAN_MAX_SECONDS"]:
        raise Invalid(
            _l(
                "Choose a time limit between 1 and %(n)s seconds.",
                n=current_app.config["PLAN_MAX_SECONDS"],
            ),
            field="time_limit_s",
        )
    fail_stale_runs()
    capacity.lock_day(day)  # serialises run starts for the same day
    running = db.session.scalar(
        sa.select(PlanRun).where(PlanRun.plan_date == day, PlanRun.status.in_(ACTIVE_RUN))
    )
    if running:
        db.session.rollback()
        raise Conflict(
            _l(
                "Run #%(id)s for %(d)s is still going; wait for it or cancel it.",
                id=running.id,
                d=day.isoformat(),
            ),
            code=Code.RUN_IN_PROGRESS,
        )
    run = PlanRun(
        plan_date=day,
        time_limit_s=time_limit_s,
        created_by=user,
        horizon_days=horizon_days,
        runner="celery" if "celery" in current_app.extensions else "thread",
        progress=[],
        log=f"{MODE_MARK}{mode}",
    )
    db.session.add(run)
    db.session.commit()
    return run


def cancel_run(user: User, run_id: int) -> PlanRun:
    """Ask a run to stop; it ends cancelled and stores no plan."""
    require_planner(user)
    run = get_run(run_id)
    if run.status not in ACTIVE_RUN:
        raise Conflict(_l("The run has already ended."), code=Code.RUN_ENDED)
    run.cancel_requested = True
    if run.status is RunStatus.QUEUED:
        run.status, run.finished_at = RunStatus.CANCELLED, clock.now()
    db.session.commit()
    return run


def get_run(run_id: int) -> PlanRun:
    """A run by id (one whose worker went silent shows failed)."""
    run = db.session.get(PlanRun, run_id)
    if run is None:
        raise NotFound(_l("No such run."))
    return shown_as_of_now([run])[0]


def runs_of_day(day: date, limit: int = 20) -> list[PlanRun]:
    """The day's newest runs, as a reader should see them."""
    query = (
        sa.select(PlanRun).where(PlanRun.plan_date == day).order_by(PlanRun.id.desc()).limit(limit)
    )
    return shown_as_of_now(list(db.session.scalars(query)))


def launch_run(
    user: User, day: date, time_limit_s: int, horizon_days: int = 1, mode: str = "thorough"
) -> PlanRun:
    """Queue a run (see start_run) and submit it to the background workers."""
    from lithloop.jobs import runner

    run = start_run(user, day, time_limit_s, horizon_days, mode)
    runner.submit(run.id)
    return run


def execute_run(run_id: int) -> None:
    """Solve a queued run (called by a runner); every outcome is recorded on the run."""
    run = get_run(run_id)
    if run.status is not RunStatus.QUEUED:
        return
    run.status, run.started_at, run.heartbeat_at = RunStatus.RUNNING, clock.now(), clock.now()
    db.session.commit()
    started = clock_time.monotonic()
    try:
        with Heartbeat(run_id):  # stops when this process does: a killed worker goes stale
            _solve_and_store(run)
    except Exception as exc:  # recorded, never half-stored
        db.session.rollback()
        log.exception("plan run %s failed", run_id)
        run = get_run(run_id)
        run.status, run.finished_at = RunStatus.FAILED, clock.now()
        run.error = f"{type(exc).__name__}: {exc}"[:1000]
        db.session.commit()
    metrics.observe_run(run.status.value, clock_time.monotonic() - started)


def run_mode(run: PlanRun) -> str:
    """'quick' or 'thorough', as chosen when the run was started."""
    first = (run.log or "").split("\n", 1)[0]
    mode = first.removeprefix(MODE_MARK)
    return mode if first.startswith(MODE_MARK) and mode in RUN_MODES else "thorough"


def _cancel_flag(run_id: int):
    """Reads the run's cancel flag on its own short connection (the solve's session keeps
    its transaction; a fresh connection sees the dispatcher's committed cancel)."""

    def check() -> bool:
        with db.engine.connect() as conn:
            return bool(
                conn.scalar(sa.select(PlanRun.cancel_requested).where(PlanRun.id == run_id))
            )

    return check


def _stop_for(run: PlanRun):
    """The solve's stop criterion: a cancel within about a second; quick runs also end
    when nothing improved for PLAN_QUICK_NO_IMPROVEMENT_S."""
    cancelled = routing.Cancelled(
        _cancel_flag(run.id), every=current_app.config["PLAN_CANCEL_POLL_S"]
    )
    if run_mode(run) == "quick":
        return routing.AnyOf(
            cancelled, routing.NoImprovement(current_app.config["PLAN_QUICK_NO_IMPROVEMENT_S"])
        )
    return cancelled


def _progress_recorder(run: PlanRun):
    last = [0.0]

    def record(best_cost: float, elapsed: float) -> None:
        try:
            now = clock_time.monotonic()
            if now - last[0] < 0.5:
                return
            last[0] = now
            run.progress = [*run.progress, [round(elapsed, 2), round(best_cost, 2)]]
            run.heartbeat_at = clock.now()
            db.session.commit()
        except Exception:  # never let a progress write disturb the solver
            db.session.rollback()
            log.exception("progress of run %s not recorded", run.id)

    return record


def going_on(day: date) -> list:
    """Routes under way on the day's plan (the published one first): their done stops stay
    as a fixed prefix and the truck goes on from the last (services/dispatch/under_way.py)."""
    base = _latest_plan(day)
    trips = current_app.config["TRUCK_TRIPS_PER_DAY"]
    found = [under_way.under_way(r, day, trips) for r in (base.routes if base else [])]
    return [g for g in found if g is not None]


def kept_routes(day: date, going=()) -> list[PlanRoute]:
    """Routes the next run keeps as they are: those over on the day's plan (their end done;
    the published plan first), and the routes locked on the day's newest plan (locks are set
    on drafts; a run copies them into its draft) unless their truck or a booking is on a
    route under way (`going`)."""
    base, newest = _latest_plan(day), _newest_plan(day)
    over = [
        r
        for r in (base.routes if base else [])
        if any(s.kind == "end" and s.done_at is not None for s in r.stops)
    ]
    taken = {r.truck_id for r in over} | {g.truck_id for g in going}
    taken_bookings = {s.booking_id for r in over for s in r.stops if s.booking_id}
    taken_bookings |= {b for g in going for b in g.booking_ids}
    locked = [
        r
        for r in (newest.routes if newest else [])
        if r.locked
        and r.truck_id not in taken
        and not {s.booking_id for s in r.stops if s.booking_id} & taken_bookings
    ]
    return over + locked


def pinned_stops(day: date, trucks: set[int]) -> dict[int, int]:
    """Bookings whose stop a dispatcher locked (on the day's newest plan): booking id -> the
    truck it must stay on."""
    latest = _newest_plan(day)
    if latest is None:
        return {}
    return {
        s.booking_id: r.truck_id
        for r in latest.routes
        for s in r.stops
        if s.locked and s.booking_id and r.truck_id in trucks
    }


def _latest_plan(day: date) -> Plan | None:
    return db.session.scalar(
        sa.select(Plan)
        .where(Plan.plan_date == day, Plan.status != PlanStatus.SUPERSEDED)
        .order_by((Plan.status == PlanStatus.PUBLISHED).desc(), Plan.id.desc())
        .limit(1)
    )


def _newest_plan(day: date) -> Plan | None:
    return db.session.scalar(
        sa.select(Plan)
        .where(Plan.plan_date == day, Plan.status != PlanStatus.SUPERSEDED)
        .order_by(Plan.id.desc())
        .limit(1)
    )


def horizon(run: PlanRun) -> list[date]:
    """The open days a run plans, starting at its date."""
    days, day = [], run.plan_date
    while len(days) < run.horizon_days:
        if capacity.is_open(day):
            days.append(day)
        day += timedelta(days=1)
    return days


def _solve_and_store(run: PlanRun) -> None:
    park = park_site()
    active = list(
        db.session.scalars(sa.select(Truck).where(Truck.active.is_(True)).order_by(Truck.id))
    )
    if park is None or not active:
        raise RuntimeError("no park depot or no active trucks to plan with")
    days = horizon(run)
    seconds = max(1, run.time_limit_s // len(days))
    carried: list[Booking] = []
    for day in days:
        stored = _plan_one_day(run, day, park, active, carried, seconds)
        if stored is None:  # cancelled
            return
        carried = [u.booking for u in stored.unassigned if u.reason == "day_full"]
    run.status, run.finished_at, run.heartbeat_at = RunStatus.SUCCEEDED, clock.now(), clock.now()
    db.session.commit()


def _plan_one_day(
    run: PlanRun, day: date, park: Site, active: list[Truck], carried: list[Booking], seconds: int
) -> Plan | None:
    going = going_on(day)
    kept = kept_routes(day, going)
    kept_trucks = {r.truck_id for r in kept}
    kept_bookings = {s.booking_id for r in kept for s in r.stops if s.booking_id}
    kept_bookings |= {b for g in going for b in g.booking_ids}
    kept_orders = {s.order_id for r in kept for s in r.stops if s.order_id}
    kept_orders |= {o for g in going for o in g.order_ids}
    bookings = [b for b in due_bookings(day) if b.id not in kept_bookings]
    orders = [o for o in due_deliveries(day) if o.id not in kept_orders]
    bookings += [b for b in carried if b.id not in {x.id for x in bookings}]
    trucks = [t for t in active if t.id not in kept_trucks]
    trucks += [g.route.truck for g in going if g.truck_id not in {t.id for t in trucks}]
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
        not_before=seconds_now() if going else None,  # a day under way: not in the past
    )
    run.log = "\n".join(
        filter(
            None,
            [
                run.log,
                f"{day}: {len(bookings)} bookings "
                f"({len(carried)} carried over), {len(orders)} "
                f"deliveries, {len(trucks)} trucks, "
                f"{len(kept)} routes kept as they are, {len(going)} under way "
                "(their done stops kept)",
                *problem.problem.notes,
            ],
        )
    )
    db.session.commit()
    solution = routing.solve(
        problem.problem,
        time_limit_s=seconds,
        seed=run.id,
        on_progress=_progress_recorder(run),
        stop=_stop_for(run),
    )
    _check(solution, [*problem.bookings, *problem.orders, *map(on_board_id, starts_of(going))])
    db.session.refresh(run)
    if run.cancel_requested:
        run.status, run.finished_at = RunStatus.CANCELLED, clock.now()
        db.session.commit()
        return None
    with db.session.no_autoflush:
        plan = _plan_from(run, problem, solution, kept, frozenset(pinned), going)
    run.log += f"\n{day}: solver {solution.status}; {len(solution.unassigned)} unassigned"
    db.session.commit()
    return plan


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


def _fen(amount: Decimal) -> int:
    return int(amount.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def route_cost_fen(truck: Truck, distance_m: int, duration_s: int) -> int:
    """A route's cost from the truck's integer rates: fixed + per km + per hour."""
    km = Decimal(distance_m) / 1000
    hours = Decimal(duration_s) / 3600
    return (
        truck.fixed_cost_fen
        + _fen(km * truck.cost_per_km_fen)
        + _fen(hours * truck.cost_per_hour_fen)
    )


def _copy_route(route: PlanRoute) -> PlanRoute:
    copy = PlanRoute(
        truck=route.truck,
        distance_m=route.distance_m,
        duration_s=route.duration_s,
        waiting_s=route.waiting_s,
        trips=route.trips,
        cost_fen=route.cost_fen,
        collected_kg=route.collected_kg,
        locked=route.locked,
    )
    copy.stops = [
        PlanStop(
            seq=s.seq,
            kind=s.kind,
            booking=s.booking,
            arrival=s.arrival,
            departure=s.departure,
            load_kg=s.load_kg,
            trip=s.trip,
            distance_m=s.distance_m,
            done_at=s.done_at,
            locked=s.locked,
            order=s.order,
            picked_kg=s.picked_kg,
            picked_codes=s.picked_codes,
        )
        for s in route.stops
    ]
    return copy


def _plan_from(
    run: PlanRun, day, solution: routing.Solution, kept=(), locked_stops=frozenset(), going=()
) -> Plan:
    plan = Plan(run=run, plan_date=day.day, solution={})
    db.session.add(plan)
    for route in kept:
        plan.routes.append(_copy_route(route))
    routes = {r.vehicle_id: r for r in solution.routes}
    for g in going:
        under_way.continue_route(plan, g, day, routes.get(g.truck_id), route_cost_fen)
    fill_plan(plan, day, under_way.without(solution, going), locked_stops=locked_stops)
    plan.solution = routing.solution_to_vroom(solution)
    return plan


def fill_plan(
    plan: Plan,
    day,
    solution: routing.Solution,
    locked=frozenset(),
    reasons=None,
    locked_stops=frozenset(),
) -> Plan:
    """Add the solution's routes and left-out bookings to a plan and total it up."""
    plan.solution = routing.solution_to_vroom(solution)
    for r in solution.routes:
        truck = day.trucks[r.vehicle_id]
        route = PlanRoute(
            truck=truck,
            distance_m=r.distance,
            duration_s=r.duration,
            waiting_s=r.waiting,
            trips=r.trips,
            locked=truck.id in locked,
            cost_fen=route_cost_fen(truck, r.distance, r.duration),
        )
        for seq, step in enumerate(r.steps):
            stop = plan_stop(day, step, seq)
            stop.locked = stop.kind == "pickup" and step.stop_id in locked_stops
            route.stops.append(stop)
        route.collected_kg = int(sum(s.booking.total_mass_kg for s in route.stops if s.booking))
        plan.routes.append(route)
    for u in solution.unassigned:
        if u.stop_id in day.orders:  # a delivery left out stays due for the next run
            continue
        reason, message = (reasons or {}).get(u.stop_id, (u.reason, u.message))
        plan.unassigned.append(
            PlanUnassigned(booking=day.bookings[u.stop_id], reason=reason, message=message[:500])
        )
    plan.distance_m = sum(r.distance_m for r in plan.routes)
    plan.duration_s = sum(r.duration_s for r in plan.routes)
    plan.cost_fen = sum(r.cost_fen for r in plan.routes)
    plan.collected_kg = int(sum(r.collected_kg for r in plan.routes))
    return plan
