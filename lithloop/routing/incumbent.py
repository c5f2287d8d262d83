"""The best plan seen so far across engines, progress reports and the shared stop check."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from .model import Problem
from .plans import score

PROGRESS_EVERY_S = 1.0


class Incumbent:
    """Keeps the best candidate by the lexicographic objective (weighted missing stops,
    then cost) and a best-so-far value that never rises.

    The value is in the units of `Solution.cost` plus, for each servable stop left out,
    its drop penalty (its own for an optional stop, `missing_penalty` per 100 weight for a
    required one): equal to the plan's cost when nothing servable is left out. It is what
    `on_progress(value, elapsed)` receives, at each
    improvement and at least every `PROGRESS_EVERY_S` seconds, and what the stop criterion
    sees.
    """

    def __init__(
        self,
        problem: Problem,
        allowed: list[list[int]],
        missing_penalty: float,
        stop: Callable[[float | None], bool],
        on_progress: Callable[[float, float], None] | None,
        t0: float,
        notes: list[str],
        clock: Callable[[], float] = time.monotonic,
    ):
        self.problem, self.missing_penalty, self.stop = problem, missing_penalty, stop
        self.on_progress, self.t0, self.notes, self.clock = on_progress, t0, notes, clock
        self.key: tuple[float, float] | None = None
        self.label: str | None = None
        self.routes: list[list[tuple]] | None = None
        self.value: float | None = None
        # Stops no truck can serve weigh the same in every plan: left out of the value.
        never = [s for s, a in zip(problem.stops, allowed, strict=True) if not a]
        self._offset = (
            float(sum(100 + s.priority for s in never if not s.optional)),
            sum(s.penalty for s in never if s.optional),
        )
        self.seen: list[tuple[str, tuple[float, float]]] = []
        self._reported_at: float | None = None
        self.stopped = False
        self.sources: list[tuple[str, Any]] = []  # engines searching in other processes
        self.fresh = False  # a background engine's plan just took the lead
        self.follows_leads = True  # False: `fresh` stays False (PyVRP searches on its own way)

    def objective(self, key: tuple[float, float]) -> float:
        """The scalar best-so-far value of a lexicographic key."""
        missing, cost = key[0] - self._offset[0], key[1] - self._offset[1]
        return round(cost + missing / 100 * self.missing_penalty, 3)

    def offer(self, label: str, routes: list[list[tuple]]) -> bool:
        """Consider feasible `routes`; True when they become the incumbent."""
        key = score(self.problem, routes)
        self.seen.append((label, key))
        better = self.key is None or key < self.key
        if better:
            self.key, self.label, self.routes = key, label, routes
        self.offer_value(self.objective(key))
        return better

    def offer_value(self, value: float) -> None:
        """An engine's own best (same units) improved: lower the best-so-far value."""
        if self.value is None or value < self.value:
            self.value = value
            self._report()

    def finish(self, solution) -> None:
        """Report the returned plan's own value last (its departure times may lower it)."""
        served = {i for r in solution.routes for i in r.stop_ids}
        left = [s for s in self.problem.stops if s.id not in served]
        key = (
            float(sum(100 + s.priority for s in left if not s.optional)),
            solution.cost + sum(s.penalty for s in left if s.optional),
        )
        value = self.objective(key)
        if self.value is None or value < self.value:
            self.value = value
        self._report()

    def tick(self) -> None:
        """Report the best-so-far again when a second went by without a report."""
        if self.value is None:
            return
        if self._reported_at is None or self.clock() - self._reported_at >= PROGRESS_EVERY_S:
            self._report()

    def watch(self, label: str, source) -> None:
        """Collect `source` (with `take(wait)` giving (label, routes) pairs, `done`,
        `lines`) as it answers; `label` names the source."""
        self.sources.append((label, source))

    def collect(self, wait: float = 0.0) -> None:
        """Offer the plans background engines sent (waiting at most `wait` seconds);
        `fresh` turns True when one of them takes the lead."""
        for label, source in list(self.sources):
            for plan_label, routes in source.take(wait):
                if self.offer(plan_label, routes) and self.follows_leads:
                    self.fresh = True
            if source.done:
                self.sources.remove((label, source))
                self.notes.extend(source.lines)

    def take_fresh(self) -> bool:
        """True (once) when a background engine's plan took the lead since the last ask."""
        fresh, self.fresh = self.fresh, False
        return fresh

    def should_stop(self) -> bool:
        """Collect background engines, report progress if due and ask the stop criterion
        (sticky once True)."""
        if self.sources:
            self.collect()
        self.tick()
        if not self.stopped:
            self.stopped = bool(self.stop(self.value))
        return self.stopped

    def _report(self) -> None:
        self._reported_at = self.clock()
        if self.on_progress is None or self.value is None:
            return
        try:
            self.on_progress(self.value, self.clock() - self.t0)
        except Exception as exc:
            if not any(n.startswith("on_progress raised") for n in self.notes):
                self.notes.append(f"on_progress raised {type(exc).__name__}: {exc}")
