"""The routes a run keeps as they are (over, locked, under way), the stops taken off them
since (their booking or order ended), the kept routes shortened, the stops a dispatcher
pinned to a truck, and the run log's lines for what was taken off or left out."""

from __future__ import annotations

from datetime import date

from flask import current_app

from lithloop.models import BookingStatus, PlanRoute, PlanStop
from lithloop.services.dispatch import (
    kept_route,
    left_deliveries,
    publish_refusals,
    shipped,
    under_way,
)
from lithloop.services.dispatch.day_work import latest_plan, newest_plan, shipped_on_trucks
from lithloop.services.dispatch.run_control import DROPPED_LINE, RESCHEDULED, STRANDED_LINE


def going_on(day: date) -> list:
    """Routes under way on the day's plan (the published one first): their done stops stay
    as a fixed prefix and the truck goes on from the last (services/dispatch/under_way.py)."""
    base = latest_plan(day)
    trips = current_app.config["TRUCK_TRIPS_PER_DAY"]
    found = [under_way.under_way(r, day, trips) for r in (base.routes if base else [])]
    return [g for g in found if g is not None]


def kept_routes(day: date, going=()) -> list[PlanRoute]:
    """Routes the next run keeps as they are: those over on the day's plan (their end done;
    the published plan first), and the routes locked on the day's newest plan (locks are set
    on drafts; a run copies them into its draft) unless their truck or a booking is on a
    route under way (`going`)."""
    base, newest = latest_plan(day), newest_plan(day)
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
    otherwise) or whose owner changed its day or time window since (pickup_change.py), or
    whose order was shipped on another truck of the day's published plan (its packs on
    that truck: the run puts it there, shipped.place): publishing would
    refuse them (booking_changed, shipped_on_truck), on every run while the route stays
    locked; the run takes them off (plan_store.plan_from)."""
    shipped = shipped_on_trucks(day)
    moved = _rescheduled(routes)
    return [
        s
        for r in routes
        for s in sorted(r.stops, key=lambda s: s.seq)
        if s.done_at is None
        and (
            (s.booking is not None and s.booking.status not in PLANNABLE)
            or (r.plan_id, s.booking_id) in moved
            or (s.order is not None and left_deliveries.ended(s.order, day))
            or (s.order_id in shipped and shipped[s.order_id][1] != r.truck_id)
        )
    ]


def _rescheduled(routes: list[PlanRoute]) -> set[tuple[int, int]]:
    """(plan id, booking id) of the stops to make whose booking's owner changed its day or
    window since their plan's run began: the route goes there as the booking was."""
    found = set()
    for plan in {r.plan for r in routes}:
        mine = [r for r in routes if r.plan_id == plan.id]
        found |= {(plan.id, b) for b in publish_refusals.rescheduled(plan, mine)}
    return found


def dropped_lines(day: date, stops: list[PlanStop]) -> list[str]:
    """The run log's line for each stop taken off a kept route (run_log tells them); a
    booking still to plan was taken off because its owner changed its day or window."""
    return [
        DROPPED_LINE.format(
            day=day,
            what="booking" if s.booking is not None else "order",
            id=s.booking_id or s.order_id,
            status=_dropped_because(s),
            plate=s.route.truck.plate,
        )
        for s in stops
    ]


def _dropped_because(stop: PlanStop) -> str:
    """The status a dropped stop's line names: its booking's or order's, or RESCHEDULED."""
    if stop.booking is not None and stop.booking.status in PLANNABLE:
        return RESCHEDULED
    return (stop.booking or stop.order).status.value


def stranded_lines(day: date, stranded: list[shipped.Stranded]) -> list[str]:
    """The run log's line for each shipped order left out (run_log tells them)."""
    return [
        STRANDED_LINE.format(day=day, id=s.order.id, reason=s.reason.value, plate=s.truck.plate)
        for s in stranded
    ]


def still_kept(route: PlanRoute, dropped: set[int]) -> bool:
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
