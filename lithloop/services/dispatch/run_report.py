"""What the run page tells a dispatcher: elapsed time, the best cost so far (never rising),
and, once a run ends, what its plans serve against the day's previous plan."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from lithloop import clock
from lithloop.extensions import db
from lithloop.models import Plan, PlanRun, RunStatus
from lithloop.services.dispatch import left_deliveries


def elapsed_s(run: PlanRun) -> float:
    """Seconds since the run started (to its end once it ended); 0 while queued."""
    if run.started_at is None:
        return 0.0
    end = run.finished_at or clock.now()
    return max(0.0, (end - run.started_at).total_seconds())


def percent(run: PlanRun) -> int:
    """How far the run is through its time limit, by the clock: 100 once it succeeded (a
    quick run ends early); a cancelled or failed run stays where it stopped."""
    if run.status is RunStatus.SUCCEEDED:
        return 100
    share = int(elapsed_s(run) / max(run.time_limit_s, 1) * 100)
    return min(99 if run.finished_at is None else 100, share)


def shown_elapsed_s(run: PlanRun) -> float:
    """The elapsed time shown against the limit: at most the limit (a run may overrun its
    limit by a moment while the engines hand in their last plans)."""
    return min(elapsed_s(run), float(run.time_limit_s))


def best_curve(run: PlanRun) -> list[tuple[float, float]]:
    """The recorded (elapsed, cost) points as a best-so-far that never rises (within a day:
    each day of a run is a plan of its own)."""
    return [p for curve in day_curves(run) for p in curve["points"]]


def day_curves(run: PlanRun) -> list[dict]:
    """One best-so-far curve per day the run searched, in order: `day` (its date, or None
    for points recorded before they named their day) and its (elapsed, cost) points, the
    elapsed time counted from the start of that day's search."""
    curves: list[dict] = []
    for t, cost, *day in run.progress or []:
        if day:
            key = run.plan_date + timedelta(days=int(day[0]))
        else:  # an older run: a day starts where the time starts again
            restarts = curves and t < curves[-1]["points"][-1][0]
            key = (len(curves) if restarts else len(curves) - 1) if curves else 0
        if not curves or curves[-1]["key"] != key:
            curves.append({"key": key, "day": key if day else None, "points": []})
        points = curves[-1]["points"]
        points.append((t, min(cost, points[-1][1]) if points else cost))
    return curves


def _counts(plan: Plan) -> dict:
    served = sum(1 for r in plan.routes for s in r.stops if s.booking_id or s.order_id)
    return {
        "served": served,
        "left_out": len(plan.unassigned) + len(left_deliveries.left_out(plan)),
        "km": plan.distance_m / 1000,
        "cost_fen": plan.cost_fen,
    }


def summary(run: PlanRun) -> list[dict]:
    """Each plan of the run: served, left out, km, cost, and the same for the day's plan
    before it (None when the day had none)."""
    rows = []
    for plan in run.plans:
        before = db.session.scalar(
            sa.select(Plan)
            .where(Plan.plan_date == plan.plan_date, Plan.id < plan.id)
            .order_by(Plan.id.desc())
            .limit(1)
        )
        rows.append(
            {
                "plan": plan,
                "now": _counts(plan),
                "before": _counts(before) if before is not None else None,
                "before_plan": before,
            }
        )
    return rows
