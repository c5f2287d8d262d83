"""A run's best-so-far curve in the stored plan's units: the whole day's cost in yuan.

The solver sees only what it plans again: the routes kept as they are and the done part of
the routes under way are outside its problem, yet in the stored plan's cost. Each day's
points are written with an estimate of that outside cost as the solve goes, then shifted
by the exact difference once the plan is stored, so that the curve ends at the plan's cost
(plus the penalty of any booking left out).

A point is [elapsed in its day's search (s), cost (yuan), day]: `day` counts calendar days
from the run's date, so that a run over several days draws one curve per day."""

from __future__ import annotations

import logging
import time as clock_time

from lithloop import clock
from lithloop.extensions import db
from lithloop.models import PlanRun
from lithloop.services.dispatch.plan_store import route_cost_fen

log = logging.getLogger(__name__)

EVERY_S = 0.5  # at most two writes a second


def outside_cost_yuan(kept, going) -> float:
    """The cost (yuan) of what the day's solve does not plan: the kept routes, and the done
    stops of the routes under way (their truck's fixed cost is in the solve)."""
    fen = sum(r.cost_fen for r in kept)
    for g in going:
        prefix = list(g.prefix)
        truck = g.route.truck
        fen += route_cost_fen(truck, prefix, prefix[-1].distance_m) - truck.fixed_cost_fen
    return fen / 100


class ProgressRecorder:
    """Writes the best cost so far (plus `offset`, yuan) and a heartbeat, throttled."""

    def __init__(self, run: PlanRun, offset: float = 0.0, day=None):
        self.run, self.offset = run, offset
        self.day = 0 if day is None else (day - run.plan_date).days
        self.first = len(run.progress or [])  # this day's points start here
        self.last_write = 0.0
        self.pending: list | None = None

    def __call__(self, best_cost: float, elapsed: float) -> None:
        """The solver's best so far (its own units: the part it plans)."""
        self.pending = [round(elapsed, 2), round(best_cost + self.offset, 2), self.day]
        now = clock_time.monotonic()
        if now - self.last_write < EVERY_S:
            return
        self.last_write = now
        self._write()

    def _write(self) -> None:
        point, self.pending = self.pending, None
        try:
            self.run.progress = [*(self.run.progress or []), point]
            self.run.heartbeat_at = clock.now()
            db.session.commit()
        except Exception:  # never let a progress write disturb the solver
            db.session.rollback()
            log.exception("progress of run %s not recorded", self.run.id)

    def settle(self, plan_cost_fen: int, solver_cost: float) -> None:
        """After the day's plan is stored: write the last point held back, then shift the
        day's points so the cost outside the solve is the stored plan's exact figure."""
        if self.pending is not None:
            self._write()
        shift = plan_cost_fen / 100 - solver_cost - self.offset
        points = self.run.progress or []
        self.run.progress = [
            *points[: self.first],
            *([t, round(c + shift, 2), *rest] for t, c, *rest in points[self.first :]),
        ]
