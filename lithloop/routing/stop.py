"""Stop criteria for `solve(problem, stop=...)`, in the manner of PyVRP's `solve(data, stop)`.

A criterion is a callable `criterion(best) -> bool` (True: stop now). `best` is the
best-so-far objective in the units of `Solution.cost` (None before any plan exists).
One criterion object is shared by every engine of a solve: it is called from OR-Tools'
search limit, from PyVRP's stopping hook and between phases, several times a second.
Each criterion takes an optional `clock` (seconds, monotonic) so that tests can drive it.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Protocol


class StopCriterion(Protocol):
    """What `solve` needs of a stop criterion."""

    def __call__(self, best: float | None) -> bool:
        """True when the search should stop."""


def _seconds(value: float, name: str) -> float:
    value = float(value)
    if not value >= 0:  # also refuses NaN
        raise ValueError(f"{name}: must be >= 0 seconds")
    return value


class MaxRuntime:
    """Stop `seconds` after the first call."""

    def __init__(self, seconds: float, clock: Callable[[], float] = time.monotonic):
        self.seconds = _seconds(seconds, "MaxRuntime")
        self._clock = clock
        self._start: float | None = None

    def __call__(self, best: float | None = None) -> bool:
        now = self._clock()
        if self._start is None:
            self._start = now
        return now - self._start >= self.seconds


class NoImprovement:
    """Stop when the best objective has not decreased for `seconds`."""

    def __init__(self, seconds: float, clock: Callable[[], float] = time.monotonic):
        self.seconds = _seconds(seconds, "NoImprovement")
        self._clock = clock
        self._best: float | None = None
        self._since: float | None = None

    def __call__(self, best: float | None = None) -> bool:
        now = self._clock()
        if self._since is None or (best is not None and (self._best is None or best < self._best)):
            self._best, self._since = best, now
        return now - self._since >= self.seconds

    def restart(self) -> None:
        """Count the `seconds` again from now (the best so far is kept)."""
        self._since = self._clock()


class Cancelled:
    """Stop once `check()` answers True; `check` is asked at most every `every` seconds.

    A `check` that raises is treated as "not cancelled" (a flaky flag read must not
    end a run) and its error is kept in `error`.
    """

    def __init__(
        self,
        check: Callable[[], bool],
        every: float = 0.25,
        clock: Callable[[], float] = time.monotonic,
    ):
        self._check, self.every, self._clock = check, _seconds(every, "Cancelled.every"), clock
        self._last: float | None = None
        self.cancelled = False
        self.error: str | None = None

    def __call__(self, best: float | None = None) -> bool:
        if self.cancelled:
            return True
        now = self._clock()
        if self._last is None or now - self._last >= self.every:
            self._last = now
            try:
                self.cancelled = bool(self._check())
            except Exception as exc:
                self.error = f"{type(exc).__name__}: {exc}"
        return self.cancelled


class AnyOf:
    """Stop when any of the criteria says so (each is asked every time, so each keeps
    its own view of improvements)."""

    def __init__(self, *criteria: StopCriterion | None):
        self.criteria = tuple(c for c in criteria if c is not None)

    def __call__(self, best: float | None = None) -> bool:
        return any([c(best) for c in self.criteria])


def find(criterion, kind: type) -> list:
    """Every criterion of type `kind` inside `criterion` (through AnyOf)."""
    if isinstance(criterion, kind):
        return [criterion]
    if isinstance(criterion, AnyOf):
        return [x for c in criterion.criteria for x in find(c, kind)]
    return []


def restart_patience(criterion) -> None:
    """Every NoImprovement inside `criterion` counts again from now: while the only search
    under way has not answered yet, nothing has failed to improve."""
    for c in find(criterion, NoImprovement):
        c.restart()


def patience_spent(criterion, best: float | None) -> bool:
    """True when a NoImprovement inside `criterion` would stop now (asked apart from the
    others, so that the solve may search on instead of ending)."""
    return any([c(best) for c in find(criterion, NoImprovement)])


def was_cancelled(criterion) -> bool:
    """True when a Cancelled inside `criterion` has fired."""
    return any(c.cancelled for c in find(criterion, Cancelled))
