"""Task functions: they take ids and call services, in a thread or on a Celery worker."""

from __future__ import annotations

from celery import shared_task

from lithloop.jobs.task_log import logged


def run_and_log(run_id: int) -> None:
    """Solve the run, logging its start and its end (duration, the run's final status)."""
    from lithloop.extensions import db
    from lithloop.models import PlanRun
    from lithloop.services.dispatch.runs import execute_run

    with logged(f"plan run {run_id}", "run_plan", run_id=run_id) as result:
        try:
            execute_run(run_id)
            db.session.expire_all()
            run = db.session.get(PlanRun, run_id)
            result["outcome"] = run.status.value if run is not None else "no such run"
        finally:
            db.session.remove()


@shared_task(name="lithloop.run_plan")
def run_plan(run_id: int) -> None:
    """Solve an optimisation run and store its plan (or its failure)."""
    run_and_log(run_id)


@shared_task(name="lithloop.housekeeping")
def housekeeping() -> dict[str, int]:
    """Release expired reservations and end silent runs (sent by Celery beat)."""
    from lithloop.jobs.housekeeping import run_all

    with logged("housekeeping", "housekeeping") as result:
        done = run_all()
        failed = sorted(name for name, count in done.items() if count < 0)
        counts = ", ".join(f"{name} {count}" for name, count in done.items())
        result["outcome"] = f"failed: {', '.join(failed)}" if failed else f"done ({counts})"
    return done
