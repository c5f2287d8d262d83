"""Task functions: they take ids and call services, in a thread or on a Celery worker."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="lithloop.run_plan")
def run_plan(run_id: int) -> None:
    """Solve an optimisation run and store its plan (or its failure)."""
    from lithloop.extensions import db
    from lithloop.services.dispatch.runs import execute_run

    try:
        execute_run(run_id)
    finally:
        db.session.remove()


@shared_task(name="lithloop.housekeeping")
def housekeeping() -> dict[str, int]:
    """Release expired reservations and end silent runs (sent by Celery beat)."""
    from lithloop.jobs.housekeeping import run_all

    return run_all()
