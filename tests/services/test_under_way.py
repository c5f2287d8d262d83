"""A route under way read for a re-plan (services/dispatch/under_way.py), on plain objects: the
fixed prefix, where and when the truck goes on, what it has on board and the trips it has left."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from lithloop import clock
from lithloop.models import Booking, BookingEvent, PlanRoute, PlanStop, Site
from lithloop.services.dispatch.under_way import under_way

DAY = date(2026, 11, 27)


def _at(hours: float):
    return clock.at(DAY, int(hours * 3600))


def _booking(lon: float, kg: str, *news: tuple[str, float]) -> Booking:
    booking = Booking(site=Site(lon=lon, lat=44.6), total_mass_kg=Decimal(kg))
    booking.events = [BookingEvent(note=note, at=_at(h)) for note, h in news]
    return booking


def _stop(seq, kind, hours, booking=None, done=None, picked=None) -> PlanStop:
    return PlanStop(
        seq=seq,
        kind=kind,
        booking=booking,
        arrival=_at(hours),
        departure=_at(hours + 0.5),
        trip=0 if seq < 3 else 1,
        distance_m=seq * 10_000,
        done_at=_at(done) if done is not None else None,
        picked_kg=Decimal(picked) if picked is not None else None,
    )


def test_the_prefix_the_truck_start_the_load_on_board_and_the_trips_left():
    route = PlanRoute(truck_id=7)
    route.stops = [
        _stop(0, "start", 8.0),
        _stop(1, "pickup", 9.0, _booking(129.6, "1000"), done=9.6, picked="1210.4"),
        _stop(2, "reload", 10.5, done=11.0),
        _stop(3, "pickup", 12.0, _booking(129.7, "800", ("arrived: X", 12.2)), picked=None),
        _stop(4, "pickup", 13.0, _booking(129.8, "500")),
        _stop(5, "end", 14.0),
    ]
    going = under_way(route, DAY, trips=2)
    assert [s.seq for s in going.prefix] == [0, 1, 2, 3]  # start, pickup, unloading, arrival
    start = going.start
    assert start.lonlat == (129.7, 44.6)  # at the stop it arrived at
    assert start.at_s == round((12.2 + 0.5) * 3600)  # its arrival plus the planned service
    assert start.on_board == (800, 1)  # unloaded at 11:00: only what it loads here
    assert start.trips == 1 and start.worked_s == round((12.7 - 8.5) * 3600)


def test_an_exception_after_the_arrival_is_planned_again_from_that_stop():
    route = PlanRoute(truck_id=7)
    failed = _booking(129.9, "600", ("arrived: X", 9.0), ("exception: closed; ", 9.25))
    route.stops = [
        _stop(0, "start", 8.0),
        _stop(1, "pickup", 8.5, _booking(129.6, "1000"), done=8.9, picked="990"),
        _stop(2, "pickup", 9.0, failed),
        _stop(3, "end", 10.0),
    ]
    going = under_way(route, DAY, trips=2)
    assert [s.seq for s in going.prefix] == [0, 1]  # the failed stop is not kept
    assert going.last.seq == 2 and going.start.lonlat == (129.9, 44.6)
    assert going.start.at_s == int(9.25 * 3600) and going.start.on_board == (990, 1)


def test_a_route_not_started_or_over_is_not_under_way():
    fresh = PlanRoute(truck_id=7)
    fresh.stops = [
        _stop(0, "start", 8.0),
        _stop(1, "pickup", 9.0, _booking(129.6, "1")),
        _stop(2, "end", 10.0),
    ]
    assert under_way(fresh, DAY, trips=2) is None
    over = PlanRoute(truck_id=7)
    over.stops = [_stop(0, "start", 8.0), _stop(1, "end", 9.0, done=9.0)]
    assert under_way(over, DAY, trips=2) is None
