"""Optimisation runs: start (one at a time per day), cancel, read, run in the background;
a worker that goes silent ends its run failed. What a run plans is planning.py."""

from __future__ import annotations

import logging
import time as clock_time
from datetime import date, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm.attributes import set_committed_value

from lithloop import clock, metrics
from lithloop.extensions import db
from lithloop.jobs.heartbeat import Heartbeat, stale_after
from lithloop.models import PlanRun, RunStatus, User
from lithloop.services.booking import capacity
from lithloop.services.dispatch import day_work, planning
from lithloop.services.dispatch.errors import Code
from lithloop.services.dispatch.planning import require_planner
from lithloop.services.dispatch.run_control import MODE_MARK, RUN_MODES
from lithloop.services.errors import Conflict, Invalid, NotFound, ServiceError

log = logging.getLogger(__name__)


ACTIVE_RUN = (RunStatus.QUEUED, RunStatus.RUNNING)


class WorkersUnavailable(ServiceError):
    """The Celery broker did not take the run."""

    status = 503
    code = "workers_unavailable"

    def __init__(self):
        super().__init__(
            _l(
                "The background workers cannot be reached (is Redis running?). "
                "The run was not started; try again in a moment."
            )
        )


STALE_ERROR = "The worker stopped during the run (no heartbeat); start a new run."
UNREACHABLE_ERROR = "Background workers unreachable"  # how runner's stored error begins
QUEUED_ERROR = "No worker took the run in time; start a new run."


def _queued_max() -> timedelta:
    return timedelta(seconds=current_app.config.get("RUN_QUEUED_MAX_S", 3600))


def _stale_error(run: PlanRun) -> str | None:
    """Why an active run counts as dead now, or None: a running run's worker stopped
    sending heartbeats; a queued run waited longer than any worker would leave it (busy
    workers leave runs queued for a while: that is no sign of a dead worker)."""
    now = clock.now()
    if run.status is RunStatus.RUNNING:
        last = run.heartbeat_at or run.started_at or run.created_at
        return STALE_ERROR if last is not None and last < now - stale_after() else None
    if run.status is RunStatus.QUEUED and run.created_at is not None:
        return QUEUED_ERROR if run.created_at < now - _queued_max() else None
    return None


def fail_stale_runs() -> int:
    """Running runs whose worker stopped sending heartbeats, and runs no worker took, end
    failed; returns how many.

    Periodic housekeeping (lithloop.jobs.housekeeping, also `flask housekeeping`), starting,
    cancelling or finishing a run call it: without a housekeeping worker (a Celery broker
    and none on its queue), the next POST about runs stores what pages show."""
    now = clock.now()
    last = sa.func.coalesce(PlanRun.heartbeat_at, PlanRun.started_at, PlanRun.created_at)
    stale = list(
        db.session.scalars(
            sa.select(PlanRun).where(
                sa.or_(
                    sa.and_(PlanRun.status == RunStatus.RUNNING, last < now - stale_after()),
                    sa.and_(
                        PlanRun.status == RunStatus.QUEUED,
                        PlanRun.created_at < now - _queued_max(),
                    ),
                )
            )
        )
    )
    for run in stale:
        run.error = _stale_error(run) or STALE_ERROR
        run.status, run.finished_at = RunStatus.FAILED, now
    db.session.commit()
    for run in stale:  # counted where alerts look: a dead worker is a failed run
        seconds = (now - (run.started_at or now)).total_seconds()
        metrics.observe_run(RunStatus.FAILED.value, seconds)
    return len(stale)


def shown_as_of_now(runs: list[PlanRun]) -> list[PlanRun]:
    """Runs as a reader should see them: one whose worker went silent shows failed.

    Read-only: the values are set as if loaded, so nothing is written; the periodic
    housekeeping stores the failure."""
    for run in runs:
        error = _stale_error(run)
        if error:
            set_committed_value(run, "status", RunStatus.FAILED)
            set_committed_value(run, "finished_at", clock.now())
            set_committed_value(run, "error", error)
    return runs


def start_run(
    user: User, day: date, time_limit_s: int, horizon_days: int = 1, mode: str = "thorough"
) -> PlanRun:
    """Queue a run for a day (or several, carrying what does not fit to the next day);
    refused when none of its days has anything to plan, and while another run for that
    day is under way. A quick run ends as soon as
    nothing improved for PLAN_QUICK_NO_IMPROVEMENT_S; a thorough one uses its time limit."""
    require_planner(user)
    if mode not in RUN_MODES:
        raise Invalid(_l("Choose a quick or a thorough run."), field="mode")
    if not 1 <= horizon_days <= current_app.config["PLAN_MAX_HORIZON_DAYS"]:
        raise Invalid(
            _l(
                "Plan between 1 and %(n)s days at once.",
                n=current_app.config["PLAN_MAX_HORIZON_DAYS"],
            ),
            field="horizon_days",
        )
    if not 1 <= time_limit_s <= current_app.config["PLAN_MAX_SECONDS"]:
        raise Invalid(
            _l(
                "Choose a time limit between 1 and %(n)s seconds.",
                n=current_app.config["PLAN_MAX_SECONDS"],
            ),
            field="time_limit_s",
        )
    day_work.require_work(day, horizon_days)
    fail_stale_runs()
    capacity.lock_day(day)  # serialises run starts for the same day
    running = db.session.scalar(
        sa.select(PlanRun).where(PlanRun.plan_date == day, PlanRun.status.in_(ACTIVE_RUN))
    )
    if running:
        db.session.rollback()
        raise Conflict(
            _l(
                "Run #%(id)s for %(d)s is still going; wait for it or cancel it.",
                id=running.id,
                d=day.isoformat(),
            ),
            code=Code.RUN_IN_PROGRESS,
        )
    run = PlanRun(
        plan_date=day,
        time_limit_s=time_limit_s,
        created_by=user,
        horizon_days=horizon_days,
        runner="celery" if "celery" in current_app.extensions else "thread",
        progress=[],
        log=f"{MODE_MARK}{mode}",
    )
    db.session.add(run)
    db.session.commit()
    return run


def cancel_run(user: User, run_id: int) -> PlanRun:
    """Ask a run to stop; it ends cancelled and stores no plan. A run whose worker went
    silent is stored failed first (as its page shows it): ended, nothing to cancel."""
    require_planner(user)
    fail_stale_runs()
    run = get_run(run_id)
    if run.status not in ACTIVE_RUN:
        raise Conflict(_l("The run has already ended."), code=Code.RUN_ENDED)
    run.cancel_requested = True
    if run.status is RunStatus.QUEUED:
        run.status, run.finished_at = RunStatus.CANCELLED, clock.now()
    db.session.commit()
    return run


def finish_run(user: User, run_id: int) -> PlanRun:
    """Ask a running run to end now and keep the best plan it has found (within about a
    second); a run still waiting for a worker has found nothing to keep; one whose worker
    went silent is stored failed (see cancel_run)."""
    require_planner(user)
    fail_stale_runs()
    run = get_run(run_id)
    if run.status is RunStatus.QUEUED:
        raise Conflict(
            _l("The run has not started yet, so it has no plan to keep. Cancel it instead."),
            code=Code.RUN_NOT_STARTED,
        )
    if run.status not in ACTIVE_RUN:
        raise Conflict(_l("The run has already ended."), code=Code.RUN_ENDED)
    run.finish_requested = True
    db.session.commit()
    return run


def get_run(run_id: int) -> PlanRun:
    """A run by id (one whose worker went silent shows failed)."""
    run = db.session.get(PlanRun, run_id)
    if run is None:
        raise NotFound(_l("No such run."))
    return shown_as_of_now([run])[0]


def runs_of_day(day: date, limit: int = 20) -> list[PlanRun]:
    """The day's newest runs, as a reader should see them."""
    query = (
        sa.select(PlanRun).where(PlanRun.plan_date == day).order_by(PlanRun.id.desc()).limit(limit)
    )
    return shown_as_of_now(list(db.session.scalars(query)))


def launch_run(
    user: User, day: date, time_limit_s: int, horizon_days: int = 1, mode: str = "thorough"
) -> PlanRun:
    """Queue a run (see start_run) and submit it to the background workers; a person asks
    for today or a later day (a past day's plan could never be driven)."""
    from lithloop.jobs import runner

    if day < clock.today():
        raise Invalid(
            _l("%(d)s has passed: plan today or a later day.", d=day.isoformat()), field="date"
        )
    run = start_run(user, day, time_limit_s, horizon_days, mode)
    runner.submit(run.id)
    return run


def execute_run(run_id: int) -> None:
    """Solve a queued run (called by a runner); every outcome is recorded on the run."""
    run = get_run(run_id)
    if run.status is not RunStatus.QUEUED:
        return
    run.status, run.started_at, run.heartbeat_at = RunStatus.RUNNING, clock.now(), clock.now()
    db.session.commit()
    started = clock_time.monotonic()
    try:
        with Heartbeat(run_id):  # stops when this process does: a killed worker goes stale
            planning.solve_and_store(run)
    except Exception as exc:  # recorded, never half-stored
        db.session.rollback()
        log.exception("plan run %s failed", run_id)
        run = get_run(run_id)
        run.status, run.finished_at = RunStatus.FAILED, clock.now()
        run.error = f"{type(exc).__name__}: {exc}"[:1000]
        db.session.commit()
    metrics.observe_run(run.status.value, clock_time.monotonic() - started)
