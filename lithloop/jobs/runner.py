"""Runners for optimisation runs: a worker thread in the web process (the default)."""

from __future__ import annotations

import threading

from flask import Flask, current_app

from lithloop import clock, metrics

_threads: dict[int, threading.Thread] = {}


def _run_in_thread(app: Flask, run_id: int) -> None:
    from lithloop.jobs.tasks import run_and_log

    with app.app_context():
        run_and_log(run_id)


def submit(run_id: int) -> None:
    """Send the run to the Celery workers when configured, else start a worker thread.

    When the broker cannot be reached, the run fails at once with WorkersUnavailable (503),
    or, with RUN_FALLBACK_TO_THREAD set, runs in a worker thread of this process instead.
    """
    app = current_app._get_current_object()
    if "celery" in app.extensions:
        _send_to_celery(run_id, fallback=app.config.get("RUN_FALLBACK_TO_THREAD", False))
        return
    _start_thread(app, run_id)


def _start_thread(app: Flask, run_id: int) -> None:
    thread = threading.Thread(
        target=_run_in_thread, args=(app, run_id), name=f"plan-run-{run_id}", daemon=True
    )
    _threads[run_id] = thread
    thread.start()


def _send_to_celery(run_id: int, *, fallback: bool) -> None:
    from kombu.exceptions import OperationalError

    from lithloop.extensions import db
    from lithloop.jobs.tasks import run_plan
    from lithloop.models import RunStatus
    from lithloop.services.dispatch.runs import UNREACHABLE_ERROR, WorkersUnavailable, get_run

    try:
        run_plan.apply_async(args=[run_id], retry=False)
    except OperationalError as exc:  # broker down: the run fails now, never hangs queued
        current_app.logger.warning("run %s: Celery broker unreachable: %s", run_id, exc)
        run = get_run(run_id)
        if fallback:
            run.runner = "thread"
            db.session.commit()
            _start_thread(current_app._get_current_object(), run_id)
            return
        run.status, run.finished_at = RunStatus.FAILED, clock.now()
        run.error = f"{UNREACHABLE_ERROR} ({exc}); run not started."[:1000]
        db.session.commit()
        metrics.observe_run(RunStatus.FAILED.value, 0.0)
        raise WorkersUnavailable() from exc


def wait(run_id: int, timeout: float | None = None) -> bool:
    """Wait for a run started here to finish; True if it has."""
    thread = _threads.get(run_id)
    if thread is None:
        return True
    thread.join(timeout)
    return not thread.is_alive()
