"""A stored route's cost in fen is the solver's: fixed, per km and per hour on the road;
service and waiting for a window are not priced."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from lithloop.models import PlanStop, Truck
from lithloop.services.dispatch.plan_store import route_cost_fen

T0 = datetime(2026, 12, 4, 0, 0, tzinfo=UTC)


def _stop(kind: str, arrive_min: int, leave_min: int) -> PlanStop:
    at = T0 + timedelta(minutes=arrive_min)
    return PlanStop(kind=kind, arrival=at, departure=T0 + timedelta(minutes=leave_min))


def test_a_route_costs_its_hours_on_the_road_not_its_waits_or_service():
    truck = Truck(fixed_cost_fen=30_000, cost_per_km_fen=300, cost_per_hour_fen=6_000)
    stops = [
        _stop("start", 0, 0),
        _stop("pickup", 30, 150),  # 30 min out, then 1 h waiting for the window and 1 h service
        _stop("end", 180, 180),  # 30 min back
    ]
    # 1 h on the road: 60 yuan; 42 km: 126 yuan; the truck: 300 yuan
    assert route_cost_fen(truck, stops, 42_000) == 30_000 + 12_600 + 6_000
