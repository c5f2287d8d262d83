"""Background tasks log their start and end (ids, duration, outcome) at INFO, and a Celery
worker keeps lithloop's log handler and LOG_LEVEL instead of its own --loglevel default."""

from __future__ import annotations

import json
import logging

import pytest

from lithloop.jobs import tasks
from lithloop.logs import JsonFormatter, lithloop_handler
from lithloop.services.dispatch import runs
from tests.celery_worker import seed_day
from tests.conftest import make_app


def _told(caplog) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "lithloop.jobs"]


@pytest.mark.parametrize("backend", ["sqlite"])
def test_a_plan_run_logs_its_start_and_its_end_with_duration_and_outcome(app, backend, caplog):
    dispatcher, day = seed_day(app)
    run = runs.start_run(dispatcher, day, 1, mode="quick")
    run_id = run.id
    caplog.set_level(logging.INFO, logger="lithloop.jobs")
    tasks.run_plan.run(run_id)  # the Celery task's body, as a worker runs it
    started, ended = _told(caplog)
    assert started.levelno == ended.levelno == logging.INFO
    assert started.getMessage() == f"plan run {run_id} started" and started.run_id == run_id
    assert ended.run_id == run_id and ended.outcome == "succeeded" and ended.duration_s > 0
    assert ended.getMessage().startswith(f"plan run {run_id} ended: succeeded in ")
    line = json.loads(JsonFormatter().format(ended))  # the worker's JSON line
    assert (line["run_id"], line["outcome"], line["task"]) == (run_id, "succeeded", "run_plan")


@pytest.mark.parametrize("backend", ["sqlite"])
def test_a_run_that_fails_logs_failed_and_housekeeping_logs_its_counts(
    app, backend, caplog, monkeypatch
):
    from lithloop.services.dispatch import planning

    dispatcher, day = seed_day(app)
    run_id = runs.start_run(dispatcher, day, 1, mode="quick").id

    def broken(_run):
        raise RuntimeError("solver down")

    monkeypatch.setattr(planning, "solve_and_store", broken)
    caplog.set_level(logging.INFO, logger="lithloop.jobs")
    tasks.run_plan.run(run_id)
    assert _told(caplog)[-1].outcome == "failed"
    caplog.clear()
    done = tasks.housekeeping.run()
    started, ended = _told(caplog)
    assert started.getMessage() == "housekeeping started" and ended.task == "housekeeping"
    assert ended.outcome == "done (" + ", ".join(f"{k} {v}" for k, v in done.items()) + ")"
    assert "sweep_reservations 0" in ended.outcome


def test_the_worker_keeps_lithloops_handler_and_log_level(monkeypatch):
    """`celery worker` without --loglevel set the root logger to WARNING: every INFO line of
    the worker, a run's start and end among them, was dropped."""
    for name in ("_MP_FORK_LOGLEVEL_", "_MP_FORK_LOGFILE_", "_MP_FORK_LOGFORMAT_"):
        monkeypatch.setenv(name, "")  # Celery writes them; put back after the test
    root = logging.getLogger()
    level, handlers = root.level, list(root.handlers)
    try:
        app = make_app("sqlite://", CELERY_BROKER_URL="redis://127.0.0.1:1/0", LOG_FORMAT="json")
        celery = app.extensions["celery"]
        celery.log.setup_logging_subsystem(loglevel="WARNING")  # the worker's default
        assert root.level == logging.INFO
        assert lithloop_handler() is not None
        assert isinstance(lithloop_handler().formatter, JsonFormatter)
        celery.log.already_setup = False
        celery.log.setup_logging_subsystem(loglevel="DEBUG")  # -l DEBUG says more: kept
        assert root.level == logging.DEBUG
    finally:
        root.setLevel(level)
        root.handlers[:] = handlers
        from celery.app.log import Logging

        Logging._setup = False
