"""What publishing a plan will do, shown before the dispatcher confirms: who is told what,
which routes have no driver on the day's roster, and which bookings it moves against the
day's published plan."""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa

from lithloop.extensions import db
from lithloop.models import Booking, BookingStatus, Plan, PlanRoute, PlanStatus, User
from lithloop.services.dispatch import left_deliveries, publish_notices, publish_refusals, roster
from lithloop.services.dispatch.left_out import moved_away, proposed_days
from lithloop.services.dispatch.live_ops import place_arrival
from lithloop.services.dispatch.publish_refusals import ended_words


@dataclass
class Preview:
    """Who publishing tells, and the routes that lack a driver."""

    scheduled: list[dict] = field(default_factory=list)  # booking, plate, arrival
    left_out: list[dict] = field(default_factory=list)  # booking, reason, message, days
    unscheduled: list[dict] = field(default_factory=list)  # scheduled before, left out now
    deliveries: list[dict] = field(default_factory=list)  # order, plate, arrival
    # routed but cancelled (or otherwise changed, or its day or window changed by its owner)
    # since the plan was made: publishing refuses
    changed: list[Booking] = field(default_factory=list)
    drivers: dict[int, User | None] = field(default_factory=dict)  # route id -> driver
    unmanned: list[PlanRoute] = field(default_factory=list)
    # on the plan but not told: picked up or delivered already (kept from a route under
    # way), or keeping the truck and arrival their owner or buyer was told
    not_told: int = 0

    @property
    def told(self) -> int:
        """How many notices publishing sends."""
        return (
            len(self.scheduled) + len(self.left_out) + len(self.unscheduled) + len(self.deliveries)
        )


def preview(plan: Plan) -> Preview:
    """The notices publishing this plan would send, and its routes' drivers."""
    out = Preview(drivers=roster.route_drivers(plan))
    out.unmanned = [r for r in plan.routes if out.drivers[r.id] is None]
    routed = set()
    told_truck = publish_notices.published_trucks(plan.plan_date)
    told_deliveries = publish_notices.published_deliveries(plan.plan_date)
    rescheduled = publish_refusals.rescheduled(plan)
    for route in plan.routes:
        for stop in route.stops:
            if stop.booking is not None:
                routed.add(stop.booking_id)
                booking = stop.booking
                if stop.done_at is None and (
                    publish_refusals.booking_change(booking, rescheduled) is not None
                ):
                    out.changed.append(booking)  # as publishing refuses it
                    continue
                if stop.done_at is not None or (
                    booking.pickup_date == plan.plan_date
                    and publish_notices.already_told(booking, stop, route.truck_id, told_truck)
                ):
                    out.not_told += 1  # as publishing does: nothing new to tell
                    continue
                out.scheduled.append(
                    {"booking": booking, "plate": route.truck.plate, "arrival": place_arrival(stop)}
                )
            elif stop.order is not None and (
                stop.done_at is not None
                or publish_notices.delivery_told(
                    stop.order, stop, route.truck_id, told_deliveries, plan.plan_date
                )
            ):
                out.not_told += 1  # delivered already, or told this day, truck and time
            elif stop.order is not None:
                out.deliveries.append(
                    {"order": stop.order, "plate": route.truck.plate, "arrival": stop.arrival}
                )
    published = db.session.scalar(
        sa.select(Plan.id).where(
            Plan.plan_date == plan.plan_date, Plan.status == PlanStatus.PUBLISHED
        )
    )
    away = moved_away(plan)  # not told, as publishing does (left_out.tell_owners)
    for entry in plan.unassigned:
        booking = entry.booking
        if booking.id in routed or booking.id in away:
            continue
        row = {"booking": booking, "reason": entry.reason, "message": entry.message}
        if booking.status is BookingStatus.SCHEDULED and published is not None:
            out.unscheduled.append(row)
        elif booking.status in (BookingStatus.REQUESTED, BookingStatus.SCHEDULED):
            row["days"] = proposed_days(booking, plan.plan_date, entry.reason)
            out.left_out.append(row)
    return out


def stale_words(plan: Plan) -> list:
    """What changed since the plan was made that publishing refuses, each in words (a truck
    retired; a booking no longer to pick up, or changed by its owner, or routed by another
    day's published plan since; an order its truck can no longer take, or carried by another
    day's published plan); none when the plan may be published."""
    retired = publish_refusals.retired_words(plan)
    words = [] if retired is None else [retired]
    stops = [s for r in plan.routes for s in r.stops if s.done_at is None]  # not history
    rescheduled = publish_refusals.rescheduled(plan)
    bookings = [s.booking for s in stops if s.booking is not None]
    routed = publish_refusals.routed_elsewhere(plan, bookings)
    delivered = publish_refusals.delivered_elsewhere(
        plan, [s.order_id for s in stops if s.order_id]
    )
    for stop in stops:
        said = None
        if stop.booking is not None:
            said = publish_refusals.booking_change(stop.booking, rescheduled)
            if said is None and stop.booking_id in routed:
                said = publish_refusals.routed_elsewhere_words(
                    stop.booking_id, routed[stop.booking_id], plan
                )
        elif stop.order is not None:
            if left_deliveries.ended(stop.order, plan.plan_date):
                said = ended_words(stop.order)
            elif stop.order_id in delivered:
                said = publish_refusals.delivered_elsewhere_words(
                    stop.order_id, delivered[stop.order_id], plan
                )
        if said is not None:
            words.append(said)
    return words


def changes_from_published(plan: Plan) -> list[dict]:
    """What this plan changes against the day's published plan: moved, added, dropped stops."""
    published = db.session.scalar(
        sa.select(Plan).where(
            Plan.plan_date == plan.plan_date,
            Plan.status == PlanStatus.PUBLISHED,
            Plan.id != plan.id,
        )
    )
    if published is None:
        return []
    before, after = _trucks_by_booking(published), _trucks_by_booking(plan)
    changes = []
    for booking_id in sorted(set(before) | set(after)):
        old, new = before.get(booking_id), after.get(booking_id)
        if old != new:
            changes.append({"booking_id": booking_id, "before": old, "after": new})
    return changes


def _trucks_by_booking(plan: Plan) -> dict[int, str]:
    return {s.booking_id: r.truck.plate for r in plan.routes for s in r.stops if s.booking_id}
