"""What an optimisation run plans: the day's due bookings and deliveries, the routes it
keeps (over, locked, under way), the routing problem, the solve (stopped and followed by
run_control.py), and the plan stored. Starting and following runs is runs.py."""

from __future__ import annotations

import logging
from datetime import date, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from lithloop import clock, routing
from lithloop.extensions import db
from lithloop.models import (
    Booking,
    BookingStatus,
    Plan,
    PlanRoute,
    PlanRun,
    PlanStatus,
    PlanStop,
    RunStatus,
    Site,
    Truck,
    User,
)
from lithloop.models.market import Order, OrderStatus
from lithloop.services.accounts import policies
from lithloop.services.booking import capacity
from lithloop.services.dispatch import (
    kept_route,
    left_deliveries,
    plan_store,
    roster,
    run_control,
    run_report,
    shipped,
    under_way,
)
from lithloop.services.dispatch.errors import Code
from lithloop.services.dispatch.problem import build_day_problem, on_board_id, park_site
from lithloop.services.dispatch.problem import seconds as seconds_of_day
from lithloop.services.dispatch.run_control import (
    DAY_LINE,
    DROPPED_LINE,
    FINISHED_LINE,
    FINISHING_DAY_S,
    RESULT_LINE,
    STRANDED_LINE,
)
from lithloop.services.errors import Invalid

log = logging.getLogger(__name__)


PLANNERS = policies.PLANNERS


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


def next_day_to_plan(look_ahead_days: int = 14) -> date:
    """The day a dispatcher plans next: the first day after today with requested bookings,
    else the park's next open day (never a closed one), else tomorrow."""
    today = clock.today()
    first = db.session.scalar(
        sa.select(sa.func.min(Booking.pickup_date)).where(
            Booking.pickup_date > today,
            Booking.pickup_date <= today + timedelta(days=look_ahead_days),
            Booking.status == BookingStatus.REQUESTED,
        )
    )
    if first is not None:
        return first
    for ahead in range(1, look_ahead_days + 1):
        if capacity.is_open(today + timedelta(days=ahead)):
            return today + timedelta(days=ahead)
    return today + timedelta(days=1)


def due_deliveries(day: date) -> list[Order]:
    """Paid marketplace orders to deliver, not yet delivered, not planned for another day,
    and, for one brought back to the park undelivered, due again by then (due_from)."""
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
                sa.or_(Order.due_from.is_(None), Order.due_from <= day),
            )
            .order_by(Order.id)
        )
    )


def shipped_on_trucks(day: date) -> dict[int, tuple[Order, int]]:
    """Orders shipped on a truck of the day's published plan and not yet delivered: order
    id -> (the order, its truck). Their packs are on that truck (the planner's due
    deliveries are only paid or packed ones): a re-plan of the day keeps each on its
    truck, as an under-way truck keeps what it picked up."""
    rows = db.session.execute(
        sa.select(Order, PlanRoute.truck_id)
        .join(PlanStop, PlanStop.order_id == Order.id)
        .join(PlanRoute, PlanStop.route_id == PlanRoute.id)
        .join(Plan, Plan.id == PlanRoute.plan_id)
        .where(
            Plan.plan_date == day,
            Plan.status == PlanStatus.PUBLISHED,
            PlanStop.done_at.is_(None),
            Order.status == OrderStatus.SHIPPED,
            Order.delivered_at.is_(None),
            Order.delivery_date == day,
        )
        .order_by(Order.id)
    )
    return {order.id: (order, truck_id) for order, truck_id in rows}


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
    base, newest = _latest_plan(day), newest_plan(day)
    over = [r for r in (base.routes if base else []) if r.over]
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


#: The booking statuses a stop still to make may have (publishing schedules them).
PLANNABLE = (BookingStatus.REQUESTED, BookingStatus.SCHEDULED)


def ended_stops(routes: list[PlanRoute], day: date) -> list[PlanStop]:
    """The stops not yet made, on routes a run keeps as they are, whose booking or order
    ended since the route was planned (cancelled, refunded, picked up or delivered
    otherwise), or whose order was shipped on another truck of the day's published plan
    (its packs on that truck: the run puts it there, shipped.place): publishing would
    refuse them (booking_changed, shipped_on_truck), on every run while the route stays
    locked; the run takes them off (plan_store.plan_from)."""
    shipped = shipped_on_trucks(day)
    return [
        s
        for r in routes
        for s in sorted(r.stops, key=lambda s: s.seq)
        if s.done_at is None
        and (
            (s.booking is not None and s.booking.status not in PLANNABLE)
            or (s.order is not None and left_deliveries.ended(s.order, day))
            or (s.order_id in shipped and shipped[s.order_id][1] != r.truck_id)
        )
    ]


def dropped_lines(day: date, stops: list[PlanStop]) -> list[str]:
    """The run log's line for each stop taken off a kept route (run_log tells them)."""
    return [
        DROPPED_LINE.format(
            day=day,
            what="booking" if s.booking is not None else "order",
            id=s.booking_id or s.order_id,
            status=(s.booking or s.order).status.value,
            plate=s.route.truck.plate,
        )
        for s in stops
    ]


def stranded_lines(day: date, stranded: list[shipped.Stranded]) -> list[str]:
    """The run log's line for each shipped order left out (run_log tells them)."""
    return [
        STRANDED_LINE.format(day=day, id=s.order.id, reason=s.reason.value, plate=s.truck.plate)
        for s in stranded
    ]


def _still_kept(route: PlanRoute, dropped: set[int]) -> bool:
    """A route kept as it is still goes: nothing was taken off it, it is over (history), or
    a stop of it is left to make (a locked route whose every stop ended since is planned
    again, its truck free)."""
    if not any(s.id in dropped for s in route.stops):
        return True
    return route.over or any(
        s.kind in ("pickup", "delivery") and s.id not in dropped for s in route.stops
    )


def shortened_routes(
    kept: list[PlanRoute], dropped: set[int], day: date, not_before: int | None = None
) -> dict:
    """Route id -> the kept route simulated again without its dropped stops
    (kept_route.Reshaped), for each route not over that lost a stop: its stored times,
    loads, distance, duration and cost are then the route's own, not the longer route's.
    A route over is history and keeps its record."""
    found = {}
    for route in kept:
        if route.over or not any(s.id in dropped for s in route.stops):
            continue
        again = kept_route.shortened(route, dropped, day, not_before)
        if again is not None:
            found[route.id] = again
    return found


def pinned_stops(day: date, trucks: set[int]) -> dict[int, int]:
    """Bookings whose stop a dispatcher locked (on the day's newest plan): booking id -> the
    truck it must stay on."""
    latest = newest_plan(day)
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


def newest_plan(day: date) -> Plan | None:
    """The day's newest plan that is not superseded (a draft or the published one), or None:
    the plan the next run starts from and the dispatch day page speaks of."""
    return db.session.scalar(
        sa.select(Plan)
        .where(Plan.plan_date == day, Plan.status != PlanStatus.SUPERSEDED)
        .order_by(Plan.id.desc())
        .limit(1)
    )


def first_open_day(day: date) -> date:
    """The day itself when the park is open, else the next open day (a run asked for a
    closed day plans from there)."""
    for ahead in range(366):
        if capacity.is_open(day + timedelta(days=ahead)):
            return day + timedelta(days=ahead)
    return day


def horizon(run: PlanRun) -> list[date]:
    """The open days a run plans, starting at its date."""
    return open_days(run.plan_date, run.horizon_days)


def open_days(start: date, count: int) -> list[date]:
    """The first `count` open days from `start` on (start itself when open)."""
    days: list[date] = []
    day = start
    while len(days) < count:
        if capacity.is_open(day):
            days.append(day)
        day += timedelta(days=1)
    return days


def has_work(day: date) -> bool:
    """Whether a run for the day has anything to do: bookings or deliveries due, or a
    stored plan (its routes under way go on; a re-plan of a day whose bookings were all
    cancelled clears it)."""
    return _latest_plan(day) is not None or bool(due_bookings(day) or due_deliveries(day))


def require_work(start: date, horizon_days: int) -> None:
    """Refuse a run none of whose open days has anything to plan (see has_work)."""
    days = open_days(start, horizon_days)
    if any(has_work(day) for day in days):
        return
    if len(days) == 1:
        message = _l(
            "Nothing to plan on %(d)s: no pickups or deliveries are due and no plan is "
            "stored for that day. Choose another day.",
            d=days[0].isoformat(),
        )
    else:
        message = _l(
            "Nothing to plan on the %(n)s open days from %(first)s to %(last)s: no pickups "
            "or deliveries are due and no plan is stored for them. Choose another day.",
            n=len(days),
            first=days[0].isoformat(),
            last=days[-1].isoformat(),
        )
    raise Invalid(message, field="date", code=Code.NOTHING_TO_PLAN)


def solve_and_store(run: PlanRun) -> None:
    """Plan each open day of a running run (what does not fit moves to the next) and mark
    it succeeded; a cancel ends it without a plan (runs.execute_run records failures). A
    "finish now" keeps the best plan of the day being searched; later days get a short search."""
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
        finishing = run.finish_requested
        budget = min(seconds, FINISHING_DAY_S) if finishing else seconds
        stored = _plan_one_day(run, day, park, active, carried, budget, finishing)
        if stored is None:  # cancelled
            return
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
) -> Plan | None:
    going = going_on(day)
    kept = kept_routes(day, going)
    ended = ended_stops(kept, day)
    dropped = {s.id for s in ended}
    kept = [r for r in kept if _still_kept(r, dropped)]
    not_before = seconds_now() if going else None  # a day under way: not in the past
    reshaped = shortened_routes(kept, dropped, day, not_before)
    kept_trucks = {r.truck_id for r in kept}
    kept_bookings = {s.booking_id for r in kept for s in r.stops if s.booking_id}
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
    solution = routing.solve(
        problem.problem,
        time_limit_s=seconds,
        seed=run.id,
        on_progress=run_control.progress_recorder(run),
        stop=run_control.stop_for(run, finishing),
    )
    _check(solution, [*problem.bookings, *problem.orders, *map(on_board_id, starts_of(going))])
    db.session.refresh(run)
    if run.cancel_requested:
        run.status, run.finished_at = RunStatus.CANCELLED, clock.now()
        db.session.commit()
        return None
    with db.session.no_autoflush:
        plan = plan_store.plan_from(
            run, problem, solution, kept, frozenset(pinned), going, frozenset(dropped), reshaped
        )
        plan.solution = left_deliveries.add_left_out(
            plan.solution, [s.entry() for s in placed.stranded]
        )
    if run.finish_requested and not finishing:
        # the run's own clock, as its page shows it (the solve alone is a little shorter)
        seconds = f"{run_report.elapsed_s(run):.0f}"
        run.log += "\n" + FINISHED_LINE.format(day=day, seconds=seconds)
    run.log += "\n" + RESULT_LINE.format(
        day=day, status=solution.status, left=len(solution.unassigned)
    )
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
