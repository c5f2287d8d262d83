"""How a run's solve is steered and followed: its mode, its stop criterion (cancel, "finish
now", a quick run's patience) and the lines its log gets (its progress: run_progress.py;
web/dispatch/run_log tells the lines in words)."""

from __future__ import annotations

import logging

import sqlalchemy as sa
from flask import current_app

from lithloop import routing
from lithloop.extensions import db
from lithloop.models import PlanRun

log = logging.getLogger(__name__)

RUN_MODES = ("thorough", "quick")  # quick: ends when nothing improved for a few seconds


MODE_MARK = "mode: "  # first line of a run's log (the run table has no mode column)
# The lines a run's log gets for each day (web/dispatch/run_log tells them in words).
DAY_LINE = (
    "{day}: {bookings} bookings ({carried} carried over), {orders} deliveries, {trucks} trucks, "
    "{kept} routes kept as they are, {going} under way (their done stops kept)"
)
RESULT_LINE = "{day}: solver {status}; {left} unassigned"
#: A day of the horizon with no bookings, no deliveries and no plan to replace: no plan stored.
SKIPPED_LINE = "{day}: nothing to plan (no bookings, no deliveries, no plan to replace): skipped"
FINISHED_LINE = "{day}: finished at the dispatcher's request after {seconds} s"
#: A stop taken off a route the run keeps as it is (locked, or over): its booking or order
#: ended since (`what`: booking | order; `status`: its stored status; the plate last).
DROPPED_LINE = "{day}: {what} #{id} is {status} now: its stop taken off the kept route of {plate}"
#: A dropped line's status when the booking's owner changed its day or window since the plan.
RESCHEDULED = "rescheduled"
#: A shipped order the run could not keep on its truck (shipped.Stranded): left out, `reason`
#: a vocab.ShippedLeftOut code, the plate of the truck its packs are on last.
STRANDED_LINE = "{day}: shipped order #{id} left out ({reason}): its packs are on {plate}"
#: The log of a draft made by hand (urgent_insert.py): this line, then the day problem's notes.
URGENT_LINE = "urgent booking #{id} inserted by hand"
#: After a "finish now", each later day of the horizon is searched this long (seconds).
FINISHING_DAY_S = 1


class DayBudgets:
    """A run's time limit shared among its days: each day planned takes an even share of
    what is left; a day skipped, or one whose search ended early (a quick run's
    NoImprovement, a solver done before its limit), leaves its unused seconds to the days
    after it."""

    def __init__(self, total_s: int, days: int):
        self.left_s, self.days = total_s, days

    def take(self, index: int) -> int:
        """The whole seconds day `index` (0-based) may search: at least 1."""
        seconds = max(1, self.left_s // max(self.days - index, 1))
        self.left_s -= seconds
        return seconds

    def give_back(self, granted_s: int, used_s: float) -> None:
        """Return the whole seconds a day was granted and did not use."""
        self.left_s += max(0, int(granted_s - used_s))


def run_mode(run: PlanRun) -> str:
    """'quick' or 'thorough', as chosen when the run was started."""
    first = (run.log or "").split("\n", 1)[0]
    mode = first.removeprefix(MODE_MARK)
    return mode if first.startswith(MODE_MARK) and mode in RUN_MODES else "thorough"


def _stop_flag(run_id: int, finishing: bool):
    """Reads the run's cancel flag (and, unless the run is already finishing, its "finish
    now" flag) on its own short connection (the solve's session keeps its transaction; a
    fresh connection sees the dispatcher's committed request)."""
    asked = PlanRun.cancel_requested
    if not finishing:
        asked = sa.or_(asked, PlanRun.finish_requested)

    def check() -> bool:
        with db.engine.connect() as conn:
            return bool(conn.scalar(sa.select(asked).where(PlanRun.id == run_id)))

    return check


def stop_for(run: PlanRun, finishing: bool = False):
    """The solve's stop criterion: a cancel or a "finish now" within about a second; quick
    runs also end when nothing improved for PLAN_QUICK_NO_IMPROVEMENT_S."""
    cancelled = routing.Cancelled(
        _stop_flag(run.id, finishing), every=current_app.config["PLAN_CANCEL_POLL_S"]
    )
    if run_mode(run) == "quick":
        return routing.AnyOf(
            cancelled, routing.NoImprovement(current_app.config["PLAN_QUICK_NO_IMPROVEMENT_S"])
        )
    return cancelled
