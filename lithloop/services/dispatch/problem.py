"""Turn a day's bookings and the park's trucks into a routing problem, and back."""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from datetime import date, time

from flask import current_app

from lithloop import clock, routing
from lithloop.models import Booking, PlanStop, Site, Truck
from lithloop.models.market import Order
from lithloop.services.booking.distances import day_matrices, park_site

__all__ = [
    "DayProblem",
    "TruckStart",
    "build_day_problem",
    "on_board_id",
    "order_stop_id",
    "park_site",
    "seconds",
]

HAZMAT, TAIL_LIFT = 1, 2
UNSERVED_PENALTY = 1_000_000.0  # solver cost units: far above any route's cost
DELIVERY_HOURS = (8, 18)  # local hours in which buyers receive deliveries
# At each place a truck comes to: parking, papers, safety check (once, however many bookings
# are there); then a minute per pack, or five per order line
SITE_SETUP_S = 900


@dataclass(frozen=True)
class DayProblem:
    """The routing problem of a day and what its indexes stand for."""

    problem: routing.Problem
    day: date
    bookings: dict[int, Booking]
    trucks: dict[int, Truck]
    orders: dict[str, Order] = field(default_factory=dict)  # delivery stop id -> order


@dataclass(frozen=True)
class TruckStart:
    """A truck under way: where (lon, lat; None = the park) and when (s after local midnight)
    it goes on, what is on board (kg, pallet places), trips left and time already worked."""

    lonlat: tuple[float, float] | None
    at_s: int
    on_board: tuple[int, int]
    trips: int
    worked_s: int
    place: tuple | None = None  # which place it is at (place_of), when a stop's


def place_of(stop: PlanStop) -> tuple | None:
    """Which place a stop is at: a booking's site, or an order's delivery address (two
    addresses at one point, such as a city's centre, are two places); None at the park."""
    if stop.booking is not None:
        return ("site", stop.booking.site_id)
    if stop.order is not None:
        return _address(stop.order)
    return None


def _address(order: Order) -> tuple:
    return (
        "address",
        " ".join(order.delivery_address.split()),
        order.delivery_lon,
        order.delivery_lat,
    )


def on_board_id(truck_id: int) -> str:
    """The routing stop id of what an under-way truck has on board."""
    return f"on-board-{truck_id}"


def order_stop_id(order_id: int) -> str:
    """The routing stop id of a marketplace delivery (bookings use their integer id)."""
    return f"order-{order_id}"


def order_of_stop_id(stop_id) -> int | None:
    """The order id of a delivery's routing stop id (order_stop_id), else None."""
    text = str(stop_id)
    tail = text.removeprefix("order-")
    return int(tail) if tail != text and tail.isascii() and tail.isdecimal() else None


def seconds(t: time) -> int:
    """Seconds after local midnight."""
    return t.hour * 3600 + t.minute * 60 + t.second


def _vehicle(truck: Truck, trips: int, shift: tuple[time, time] | None = None) -> routing.Vehicle:
    skills = (
        {HAZMAT, pinned_skill(truck.id)} if truck.hazmat_certified else {pinned_skill(truck.id)}
    )
    if truck.tail_lift:
        skills.add(TAIL_LIFT)
    return routing.Vehicle(
        id=truck.id,
        start=0,
        capacity=(truck.payload_kg, truck.pallet_places),
        skills=frozenset(skills),
        shift=routing.TimeWindow(
            *(seconds(t) for t in shift or (truck.shift_start, truck.shift_end))
        ),
        max_work_s=truck.max_work_s,
        fixed_cost=truck.fixed_cost_fen / 100,
        cost_per_km=truck.cost_per_km_fen / 100,
        cost_per_hour=truck.cost_per_hour_fen / 100,
        max_trips=trips,
        reload_s=1800,
    )


def pinned_skill(truck_id: int) -> int:
    """A skill only this truck has: a stop that requires it can only go on this truck."""
    return 1000 + truck_id


def booking_service_s(booking: Booking) -> int:
    """A booking's loading time at its place, after the place's setup."""
    return min(3600 - SITE_SETUP_S, 60 * sum(lot.pack_count for lot in booking.lots))


def order_service_s(order: Order) -> int:
    """An order's unloading time at its address, after the place's setup."""
    return min(3600 - SITE_SETUP_S, 300 * len(order.lines))


def _stop(booking: Booking, location: int, pinned_to: int | None = None) -> routing.Stop:
    mass = math.ceil(booking.total_mass_kg)
    return routing.Stop(
        id=booking.id,
        location=location,
        pickup=(mass, max(1, math.ceil(mass / 1000))),
        service_s=booking_service_s(booking),
        setup_s=SITE_SETUP_S,
        time_windows=(
            routing.TimeWindow(seconds(booking.window_start), seconds(booking.window_end)),
        ),
        skills=frozenset({HAZMAT} if booking.hazardous else set())
        | frozenset({pinned_skill(pinned_to)} if pinned_to else set()),
        priority=100 if booking.hazardous else 50,
        optional=True,
        penalty=UNSERVED_PENALTY,
    )


def build_day_problem(
    day: date,
    bookings: list[Booking],
    trucks: list[Truck],
    park: Site,
    pinned: dict[int, int] | None = None,
    orders: list[Order] = (),
    shifts: dict[int, tuple[time, time]] | None = None,
    starts: dict[int, TruckStart] | None = None,
    not_before: int | None = None,
    order_trucks: dict[int, int] | None = None,
) -> DayProblem:
    """Locations: the park first, then each place of a booking's site or a delivery address
    (stops at one place share its location: a truck sets up there once; a truck under way
    that is at a place with stops left shares it too);
    integer matrices from the app's one distance provider (services.distances), as quotes.
    Deliveries are loaded at the park at the start of the trip that serves them; `shifts`
    (truck id -> start, end) are the day's roster shifts where they differ; `starts` the
    trucks under way (services/dispatch/under_way.py), each at its place; `not_before`
    (seconds after midnight) the time the other trucks can leave at the earliest (now, when
    the day is today); `order_trucks` (order id -> truck id) the deliveries whose packs are
    on a truck already (shipped on it): they stay on it."""
    lonlat: list[tuple[float, float]] = []
    index: dict[tuple, int] = {}

    def place(key: tuple, lon, lat) -> int:
        """One location per place: its stops share it, so a truck sets up there once."""
        if key not in index:
            index[key] = len(lonlat)
            lonlat.append((float(lon), float(lat)))
        return index[key]

    place(("park",), park.lon, park.lat)  # location 0
    booking_at = [place(("site", b.site_id), b.site.lon, b.site.lat) for b in bookings]
    order_at = [place(_address(o), o.delivery_lon, o.delivery_lat) for o in orders]
    starts = starts or {}
    places = {
        truck_id: place(start.place or ("truck", truck_id), *start.lonlat)
        for truck_id, start in starts.items()
        if start.lonlat is not None
    }
    matrices, notes = day_matrices(lonlat, day)
    trips = current_app.config["TRUCK_TRIPS_PER_DAY"]
    vehicles = []
    for t in trucks:
        v = _vehicle(t, trips, (shifts or {}).get(t.id))
        if t.id in starts:
            v = _going_on(v, starts[t.id], places.get(t.id, 0))
        elif not_before is not None and v.shift.start < not_before:
            later = routing.TimeWindow(min(not_before, v.shift.end), v.shift.end)
            v = replace(v, shift=later)
        vehicles.append(v)
    problem = routing.Problem(
        vehicles=tuple(vehicles),
        stops=tuple(
            _stop(b, at, (pinned or {}).get(b.id))
            for b, at in zip(bookings, booking_at, strict=True)
        )
        + tuple(
            _delivery(o, at, (order_trucks or {}).get(o.id))
            for o, at in zip(orders, order_at, strict=True)
        )
        + tuple(_on_board(t, starts[t], places.get(t, 0)) for t in starts),
        matrices=matrices,
        coordinates=tuple(lonlat),
        notes=tuple(notes),
    )
    return DayProblem(
        problem,
        day,
        {b.id: b for b in bookings},
        {t.id: t for t in trucks},
        {order_stop_id(o.id): o for o in orders},
    )


def _delivery(order: Order, location: int, on_truck: int | None = None) -> routing.Stop:
    """A buyer's packs taken from the park to the delivery address (day hours, optional);
    `on_truck`: the truck the packs are on already (shipped on it), the only one that may
    take them, first of all."""
    mass = math.ceil(sum(line.pack.mass_kg for line in order.lines))
    return routing.Stop(
        id=order_stop_id(order.id),
        location=location,
        delivery=(mass, max(1, len(order.lines))),
        service_s=order_service_s(order),
        setup_s=SITE_SETUP_S,
        time_windows=(routing.TimeWindow(DELIVERY_HOURS[0] * 3600, DELIVERY_HOURS[1] * 3600),),
        skills=frozenset({pinned_skill(on_truck)} if on_truck else set()),
        priority=40 if on_truck is None else 100,
        optional=True,
        penalty=UNSERVED_PENALTY,
    )


def _going_on(v: routing.Vehicle, start: TruckStart, location: int) -> routing.Vehicle:
    """An under-way truck: from its last done stop at the time it left, home to the park."""
    end = max(v.shift.end, start.at_s)
    work = None if v.max_work_s is None else max(0, v.max_work_s - start.worked_s)
    return replace(
        v,
        start=location,
        end=0,
        shift=routing.TimeWindow(start.at_s, end),
        max_work_s=work,
        max_trips=start.trips,
    )


def _on_board(truck_id: int, start: TruckStart, location: int) -> routing.Stop:
    """What an under-way truck carries: a pickup where it is, due as it leaves, on it alone."""
    return routing.Stop(
        id=on_board_id(truck_id),
        location=location,
        pickup=start.on_board,
        time_windows=(routing.TimeWindow(start.at_s, start.at_s),),
        skills=frozenset({pinned_skill(truck_id)}),
        priority=100,
    )


def plan_stop(day: DayProblem, step, seq: int, *, trip0: int = 0, distance0: int = 0) -> PlanStop:
    """A solution's step as the plan's stop (a pickup with its booking, a delivery with its
    order, or the park); `trip0` and `distance0` offset a route that continues a day."""
    order = day.orders.get(step.stop_id) if step.type == "job" else None
    kind = "delivery" if order else {"job": "pickup"}.get(step.type, step.type)
    return PlanStop(
        seq=seq,
        kind=kind,
        booking=day.bookings.get(step.stop_id) if kind == "pickup" else None,
        order=order,
        arrival=clock.at(day.day, step.arrival),
        departure=clock.at(day.day, step.departure),
        load_kg=step.load[0] if step.load else 0,
        trip=trip0 + step.trip,
        distance_m=distance0 + step.distance,
    )
