"""Orders shipped on a truck of the day's published plan (their packs on it) when the day is
planned again: each stays on its truck. On a truck the run plans, the solve pins it there
(problem.build_day_problem's order_trucks); on a truck whose route the run keeps as it is
(locked), it is put on that route at its cheapest place and the route simulated again
(kept_route.py); otherwise (the truck not active, its route over, or no place on its kept
route breaks nothing) it is left out with the reason a dispatcher can act on, on the plan's
list of deliveries left out (left_deliveries), never dropped without a word."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import force_locale

from lithloop import labels
from lithloop.extensions import db
from lithloop.models import PlanRoute, Truck
from lithloop.models.market import Order
from lithloop.services.dispatch import kept_route
from lithloop.services.dispatch.problem import order_stop_id
from lithloop.vocab import ShippedLeftOut


@dataclass(frozen=True)
class Stranded:
    """A shipped order the run could not keep on its truck, and why."""

    order: Order
    truck: Truck
    reason: ShippedLeftOut

    def _english(self) -> str:
        """The reason in English, stored as the entry's fallback text (as the solver's are)."""
        with force_locale("en"):
            return labels.shipped_left_out(self.reason.value, self.truck.plate)

    def entry(self) -> dict:
        """Its entry among the plan's left-out stops (stored solution's `unassigned`)."""
        return {
            "id": order_stop_id(self.order.id),
            "type": "job",
            "location": [float(self.order.delivery_lon), float(self.order.delivery_lat)],
            "reason": self.reason.value,
            "reason_text": self._english(),
            "truck": self.truck.plate,
        }


@dataclass(frozen=True)
class Placed:
    """Where the day's shipped orders go: order id -> truck for the solve, the kept routes
    that took some (route id -> kept_route.Reshaped), and those left out."""

    on_trucks: dict[int, int]
    reshaped: dict[int, kept_route.Reshaped]
    stranded: list[Stranded]


def place(
    shipped: list[tuple[Order, int]],
    planned: set[int],
    kept: list[PlanRoute],
    day: date,
    dropped: frozenset | set = frozenset(),
    not_before: int | None = None,
) -> Placed:
    """Keep each shipped (order, truck id) on its truck: in the solve when the run plans the
    truck (`planned`), else on its route kept as it is (simulated again, without the
    `dropped` stops), else left out with the reason."""
    on_trucks: dict[int, int] = {}
    waiting: dict[int, list[Order]] = {}
    stranded: list[Stranded] = []
    routes = {r.truck_id: r for r in kept}
    for order, truck_id in shipped:
        route = routes.get(truck_id)
        if truck_id in planned:
            on_trucks[order.id] = truck_id
        elif route is not None and not route.over:
            waiting.setdefault(route.id, []).append(order)
        elif route is not None:
            stranded.append(Stranded(order, route.truck, ShippedLeftOut.TRUCK_ROUTE_KEPT))
        else:
            truck = db.session.get(Truck, truck_id)  # not active: the run plans every other
            stranded.append(Stranded(order, truck, ShippedLeftOut.TRUCK_INACTIVE))
    reshaped = {}
    for route in (r for r in kept if r.id in waiting):
        found, unfit = kept_route.with_deliveries(
            route, waiting[route.id], day, dropped, not_before
        )
        if found is not None:
            reshaped[route.id] = found
        stranded += [Stranded(o, route.truck, ShippedLeftOut.TRUCK_ROUTE_KEPT) for o in unfit]
    return Placed(on_trucks, reshaped, sorted(stranded, key=lambda s: s.order.id))
