"""pyvroom searching in a forked process while `solve` runs the other engines; once
VROOM's levels end early, its core is handed on to another search (`then`).

VROOM holds the interpreter while it searches, hence the process (on a second core, a
real race). Every answer comes back through a pipe and is only ever a candidate.
"""

from __future__ import annotations

import multiprocessing
import time
from typing import Any

from .model import Problem
from .schedule import JOB
from .vroom_engine import answers, threads, to_routes


class Background:
    """VROOM in a forked process: it answers once per exploration level, all within
    `seconds`; then, with a fifth of that time left (`RaceConfig.spare_core_share`) and
    at least a second, `then(seconds_left, VROOM's last plan in our routes or None)`
    searches on the same core and answers once
    with a (label, routes) pair. `take()` is cheap and non-blocking: each answer comes
    back as a (label, our routes) pair (once). `close()` ends the process.
    """

    def __init__(
        self, problem: Problem, allowed, seconds: float, levels: list[int], config, then=None
    ):
        self.problem, self.t0 = problem, time.monotonic()
        self.done, self.answers = False, 0
        self.lines: list[str] = []
        self.deadline = self.t0 + seconds + 2.0 + 0.002 * len(problem.stops)
        multi_trip = config.vroom_multi_trip
        cores = threads(seconds, config)
        args = (problem, allowed, seconds, levels, multi_trip, cores, config.vroom_escalate_share)
        self.proc: Any = None
        self.conn: Any = None
        if "fork" not in multiprocessing.get_all_start_methods():  # pragma: no cover
            self._early = list(answers(*args))
            return
        ctx = multiprocessing.get_context("fork")
        self.conn, child = ctx.Pipe(duplex=False)
        spare = (then, config.spare_core_share)
        self.proc = ctx.Process(target=_child, args=(child, spare, *args), daemon=True)
        self.proc.start()
        child.close()

    def take(self, wait: float = 0.0) -> list[tuple[str, list[list[tuple]]]]:
        """(label, plan) for each plan sent since the last call (waiting at most `wait`
        for one): VROOM's, then the spare core's."""
        if self.proc is None:
            early, self._early, self.done = getattr(self, "_early", []), [], True
            return [r for r in map(self._plan, early) if r is not None]
        out: list = []
        try:
            while not self.done and self.conn.poll(wait if not out else 0):
                plan = self._plan(self.conn.recv())
                if plan is not None:
                    out.append(plan)
            if not self.done and (time.monotonic() > self.deadline or not self.proc.is_alive()):
                if not self.conn.poll(0):
                    self.lines.append("VROOM gave no (further) answer before its deadline")
                    self.close()
        except (EOFError, OSError) as exc:
            self.lines.append(f"VROOM failed: {type(exc).__name__}: {exc}")
            self.close()
        return out

    def _plan(self, message) -> tuple[str, list[list[tuple]]] | None:
        status, level, value = message
        if status == "end":
            self.close()
            return None
        if status == "plan":  # the spare core's plan, in our routes already
            took = time.monotonic() - self.t0
            self.lines.append(f"{level} on VROOM's core after it: answered in {took:.2f} s")
            return level, value
        if status != "ok":
            who = "the spare core's search" if level == "spare" else "VROOM"
            self.lines.append(f"{who} failed: {value}")
            return None
        try:
            routes = to_routes(self.problem, value)
        except Exception as exc:  # a bad answer is only a missing candidate
            self.lines.append(f"VROOM's answer unusable: {type(exc).__name__}: {exc}")
            return None
        self.answers += 1
        served = sum(k == JOB for seq in routes for k, _ in seq)
        took = time.monotonic() - self.t0
        self.lines.append(f"VROOM (exploration {level}) serves {served} in {took:.2f} s")
        return "vroom", routes

    def close(self) -> None:
        """End the process (if still searching) and free the pipe."""
        self.done = True
        if self.proc is not None:
            if self.proc.is_alive():
                self.proc.kill()
            self.proc.join(0.2)  # a killed process is reaped later if need be
        if self.conn is not None:
            self.conn.close()
            self.conn = None


def _child(conn, spare, *args) -> None:
    """VROOM's answers; then, with enough of its time left, the spare core's search
    (`then(seconds, VROOM's last plan or None)`: a plan or None)."""
    then, least_share = spare
    seconds = args[2]
    end = time.monotonic() + seconds
    last = None  # VROOM's last plan, as VROOM gave it
    try:
        for message in answers(*args):
            conn.send(message)
            if message[0] == "ok":
                last = message[2]
        left = end - time.monotonic()
        if then is not None and left >= max(1.0, least_share * seconds):
            try:
                label, routes = then(left, None if last is None else to_routes(args[0], last))
                if routes is not None:
                    conn.send(("plan", label, routes))
            except Exception as exc:
                conn.send(("error", "spare", f"{type(exc).__name__}: {exc}"))
        conn.send(("end", None, None))
    finally:
        conn.close()
