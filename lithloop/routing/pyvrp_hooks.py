"""What passes between PyVRP and us during a search: its solution as our routes, our
routes as its starting solution, and the hooks it calls (stop check, new best)."""

from __future__ import annotations

import time

from .plans import repair
from .schedule import JOB, RELOAD, simulate

try:  # PyVRP is optional: without it the OR-Tools engine works alone.
    import pyvrp
except ImportError:  # pragma: no cover - exercised only where PyVRP is absent
    pyvrp = None


def to_routes(best, members, client_stop, n_vehicles) -> list[list[tuple]]:
    """A PyVRP solution as our per-vehicle sequences."""
    free = [list(m) for m in members]
    out: list[list[tuple]] = [[] for _ in range(n_vehicles)]
    for route in best.routes():
        j = free[route.vehicle_type()].pop(0)
        seq = []
        for act in route.schedule()[1:-1]:
            if act.type == pyvrp.ActivityType.CLIENT:
                seq.append((JOB, client_stop[act.idx]))
            elif act.type == pyvrp.ActivityType.DEPOT:
                seq.append((RELOAD, None))
        out[j] = seq
    return out


class StopHook:
    """PyVRP's stopping hook: its own runtime limit, the solve's shared criterion, or a
    background engine's plan taking the lead (PyVRP then restarts from it); it also hands
    PyVRP's latest best to the incumbent now and then."""

    def __init__(self, limit, incumbent, progress):
        self.limit, self.incumbent, self.progress = limit, incumbent, progress

    def __call__(self, best_cost) -> bool:
        self.progress.flush()
        stop = bool(self.limit(best_cost)) or self.incumbent.should_stop()
        return stop or self.incumbent.fresh


class ProgressHook(pyvrp.IteratedLocalSearchCallbacks if pyvrp else object):  # type: ignore[misc]
    """Keeps PyVRP's newest feasible best; `flush` offers it, repaired, to the incumbent
    (at most every `every` seconds: PyVRP relaxes a few of our constraints, so only our
    own simulation may say what a plan is worth). Never raises."""

    def __init__(self, problem, incumbent, shape, every: float = 0.5):
        super().__init__()
        self.problem, self.incumbent, self.shape, self.every = problem, incumbent, shape, every
        self.pending = None
        self.last = time.monotonic()

    def on_best(self, best):
        """Called by PyVRP with each new best solution."""
        if self.incumbent is not None and best.is_feasible():
            self.pending = best

    def flush(self, force: bool = False) -> None:
        """Offer the pending best to the incumbent when due."""
        if self.pending is None or (not force and time.monotonic() - self.last < self.every):
            return
        best, self.pending, self.last = self.pending, None, time.monotonic()
        try:
            routes = repair(self.problem, to_routes(best, *self.shape))
            self.incumbent.offer("pyvrp", routes)
        except Exception:  # noqa: S110 - progress reporting must not stop the search
            pass


def warm_start(data, clients, problem, initial, shape):
    """Our feasible routes as a PyVRP starting solution (None if unusable); a stop with
    several windows becomes the client of the window its service starts in."""
    if not initial:
        return None
    members, client_stop, depot_of = shape
    type_of = {j: t for t, m in enumerate(members) for j in m}
    clients_of: dict[int, list[int]] = {}
    for c, i in enumerate(client_stop):
        clients_of.setdefault(i, []).append(c)
    routes = []
    for j, seq in enumerate(initial):
        if not seq:
            continue
        v = problem.vehicles[j]
        starts = iter(
            st.service_start for st in simulate(problem, v, seq).steps if st.stop_id is not None
        )
        acts = []
        for kind, i in seq:
            if kind == JOB:
                acts.append(
                    pyvrp.Activity(
                        pyvrp.ActivityType.CLIENT, _client(clients, clients_of[i], next(starts, 0))
                    )
                )
            else:
                acts.append(
                    pyvrp.Activity(pyvrp.ActivityType.DEPOT, depot_of[(v.reload_at, v.reload_s)])
                )
        routes.append(pyvrp.Route(data, acts, type_of[j]))
    try:
        return pyvrp.Solution(data, routes)
    except (ValueError, RuntimeError, IndexError, KeyError):
        return None


def _client(clients, candidates: list[int], start: int) -> int:
    """Of a stop's clients (one per window), the one whose window holds `start`."""
    for c in candidates:
        if clients[c].tw_early <= start <= clients[c].tw_late:
            return c
    return candidates[0]
