"""The day's roster: the dispatcher puts drivers on trucks, with their shifts and leave.

A truck with no roster line that day keeps its regular driver (Truck.driver) unless that
driver is on leave or drives another truck that day; a line with no driver means the truck
has nobody that day. A route's driver is the driver of its truck on the plan's day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from lithloop import clock
from lithloop.db import atomic
from lithloop.extensions import db
from lithloop.models import Plan, PlanRoute, Role, RosterEntry, Truck, User
from lithloop.services.dispatch.errors import Code
from lithloop.services.errors import Conflict, Invalid
from lithloop.services.strict_input import strict_time


def _require_planner(user: User) -> None:
    from lithloop.services.accounts import policies  # policies reads the roster (drives)

    policies.require(user, policies.PLANNERS, _l("Only dispatchers plan routes."))


@dataclass(frozen=True)
class Line:
    """A truck's line on the day's roster as the page shows it."""

    truck: Truck
    driver: User | None
    shift_start: time
    shift_end: time
    regular: bool  # the driver comes from the truck, not from a roster line


class RosterDay:
    """The roster of one day, read once: a truck's driver and shift, who is on leave."""

    def __init__(self, day: date):
        self.day = day
        rows = db.session.scalars(sa.select(RosterEntry).where(RosterEntry.day == day)).all()
        self.by_truck = {e.truck_id: e for e in rows if not e.on_leave}
        self.leave = {e.driver_id for e in rows if e.on_leave}
        self.busy = {e.driver_id for e in rows if e.driver_id is not None}

    def line(self, truck: Truck) -> Line:
        """The truck's driver and shift that day."""
        entry = self.by_truck.get(truck.id)
        if entry is not None:
            return Line(
                truck,
                entry.driver,
                entry.shift_start or truck.shift_start,
                entry.shift_end or truck.shift_end,
                False,
            )
        regular = truck.driver
        if regular is not None and (regular.id in self.busy or not regular.enabled):
            regular = None
        return Line(truck, regular, truck.shift_start, truck.shift_end, regular is not None)

    def driver(self, truck: Truck) -> User | None:
        """Who drives the truck that day (None: nobody)."""
        return self.line(truck).driver


def active_trucks() -> list[Truck]:
    """The park's active trucks by plate."""
    return list(
        db.session.scalars(sa.select(Truck).where(Truck.active.is_(True)).order_by(Truck.plate))
    )


def drivers() -> list[User]:
    """The enabled drivers, by name."""
    return list(
        db.session.scalars(
            sa.select(User)
            .where(User.role == Role.DRIVER, User.enabled.is_(True))
            .order_by(User.name, User.id)
        )
    )


def day_lines(day: date) -> list[Line]:
    """Every active truck's line on the day's roster."""
    roster = RosterDay(day)
    return [roster.line(t) for t in active_trucks()]


def shifts(day: date) -> dict[int, tuple[time, time]]:
    """Truck id -> the shift of its roster line that day (only trucks with a line)."""
    roster = RosterDay(day)
    return {
        t.id: (roster.line(t).shift_start, roster.line(t).shift_end)
        for t in active_trucks()
        if t.id in roster.by_truck
    }


def route_drivers(plan: Plan) -> dict[int, User | None]:
    """Route id -> its driver on the plan's day."""
    roster = RosterDay(plan.plan_date)
    return {r.id: roster.driver(r.truck) for r in plan.routes}


def driver_of(route: PlanRoute) -> User | None:
    """The driver of a route (its truck's on the plan's day)."""
    return RosterDay(route.plan.plan_date).driver(route.truck)


def unmanned(plan: Plan) -> list[PlanRoute]:
    """The plan's routes that have no driver on its day."""
    drivers_ = route_drivers(plan)
    return [r for r in plan.routes if drivers_[r.id] is None]


def trucks_of(user: User, day: date) -> set[int]:
    """The trucks the driver drives that day."""
    roster = RosterDay(day)
    candidates = db.session.scalars(
        sa.select(Truck).where(
            sa.or_(
                Truck.driver_id == user.id,
                Truck.id.in_([t for t, e in roster.by_truck.items() if e.driver_id == user.id]),
            )
        )
    )
    return {t.id for t in candidates if (d := roster.driver(t)) is not None and d.id == user.id}


@dataclass(frozen=True)
class Assignment:
    """What the roster form says about one truck."""

    truck_id: int
    driver_id: int | None
    shift_start: str = ""
    shift_end: str = ""


def save_day(
    user: User, day: date, assignments: list[Assignment], leave: set[int]
) -> list[RosterEntry]:
    """Replace the day's roster with these lines and this leave; all or nothing."""
    _require_planner(user)
    return atomic(lambda: _save(user, day, assignments, leave))


def _save(user: User, day: date, assignments: list[Assignment], leave: set[int]):
    if day < clock.today():
        raise Conflict(_l("%(d)s is over; its roster stays as it was.", d=day), code=Code.PAST_DAY)
    trucks = {t.id: t for t in active_trucks()}
    people = {d.id: d for d in drivers()}
    if unknown := leave - set(people):
        raise Invalid(_l("No such driver: #%(id)s.", id=min(unknown)), field="leave")
    seen: dict[int, Truck] = {}
    rows = []
    for a in assignments:
        truck = trucks.get(a.truck_id)
        if truck is None:
            raise Invalid(_l("No such truck."), field=f"driver-{a.truck_id}")
        field = f"driver-{truck.id}"
        start, end = _shift(truck, a)
        if a.driver_id is not None:
            driver = people.get(a.driver_id)
            if driver is None:
                raise Invalid(_l("No such driver."), field=field)
            if driver.id in leave:
                raise Invalid(_l("%(n)s is on leave on %(d)s.", n=driver.name, d=day), field=field)
            if driver.id in seen:
                raise Invalid(
                    _l(
                        "%(n)s already drives %(p)s that day.",
                        n=driver.name,
                        p=seen[driver.id].plate,
                    ),
                    field=field,
                )
            seen[driver.id] = truck
        rows.append(
            RosterEntry(
                day=day,
                truck_id=truck.id,
                driver_id=a.driver_id,
                shift_start=start,
                shift_end=end,
                set_by_id=user.id,
            )
        )
    rows += [RosterEntry(day=day, driver_id=d, on_leave=True, set_by_id=user.id) for d in leave]
    db.session.execute(sa.delete(RosterEntry).where(RosterEntry.day == day))
    db.session.add_all(rows)
    return rows


def _shift(truck: Truck, a: Assignment) -> tuple[time | None, time | None]:
    if not a.shift_start and not a.shift_end:
        return None, None
    start = strict_time(a.shift_start or truck.shift_start.strftime("%H:%M"), f"start-{truck.id}")
    end = strict_time(a.shift_end or truck.shift_end.strftime("%H:%M"), f"end-{truck.id}")
    if end <= start:
        raise Invalid(
            _l("The shift of %(p)s must end after it starts.", p=truck.plate),
            field=f"end-{truck.id}",
        )
    return start, end


def assign(user: User, day: date, truck_id: int, driver_id: int | None) -> None:
    """Put one driver on one truck for the day (the rest of the day's roster is kept);
    the driver leaves any other truck of that day."""
    atomic(lambda: stage_drivers(user, day, {truck_id: driver_id}))


def stage_drivers(user: User, day: date, chosen: dict[int, int | None]) -> None:
    """`assign` for each (truck, driver) in the caller's transaction, which commits or
    rolls back (publishing: the roster changes only if the plan is published)."""
    _require_planner(user)
    for truck_id, driver_id in chosen.items():
        lines, leave = _lines_with(day, truck_id, driver_id)
        _save(user, day, lines, leave)
        db.session.flush()


def _lines_with(day: date, truck_id: int, driver_id: int | None):
    """The day's roster lines and leave with `driver_id` on `truck_id` (off any other)."""
    roster = RosterDay(day)
    lines = []
    for truck in active_trucks():
        line = roster.line(truck)
        current = line.driver.id if line.driver else None
        if truck.id == truck_id:
            current = driver_id
        elif driver_id is not None and current == driver_id:
            current = None
        entry = roster.by_truck.get(truck.id)
        if entry is None and truck.id != truck_id and current == (truck.driver_id or None):
            continue  # the regular driver stays without a line
        lines.append(
            Assignment(
                truck.id,
                current,
                entry.shift_start.strftime("%H:%M") if entry and entry.shift_start else "",
                entry.shift_end.strftime("%H:%M") if entry and entry.shift_end else "",
            )
        )
    return lines, set(roster.leave)


def swap(user: User, day: date, truck_id: int, driver_id: int) -> None:
    """Put a driver on a truck for the day; the truck's driver takes the driver's truck."""
    _require_planner(user)
    roster = RosterDay(day)
    lines = {t.id: roster.line(t) for t in active_trucks()}
    current = lines[truck_id].driver
    rows = []
    for tid, line in lines.items():
        who = line.driver.id if line.driver else None
        if tid == truck_id:
            who = driver_id
        elif who == driver_id:
            who = current.id if current else None
        entry = roster.by_truck.get(tid)
        rows.append(
            Assignment(
                tid,
                who,
                entry.shift_start.strftime("%H:%M") if entry and entry.shift_start else "",
                entry.shift_end.strftime("%H:%M") if entry and entry.shift_end else "",
            )
        )
    save_day(user, day, rows, set(roster.leave) - {driver_id})
