"""Celery for optimisation runs when CELERY_BROKER_URL is set (the Flask docs' pattern)."""

from __future__ import annotations

import logging

from celery import Celery, Task, signals
from flask import Flask
from kombu import Queue

from lithloop import logs, outside_calls


def queues(config: dict) -> tuple[str, str]:
    """The plan runs' queue and housekeeping's (by default <runs>-housekeeping)."""
    runs = config["CELERY_QUEUE"]
    return runs, config.get("CELERY_HOUSEKEEPING_QUEUE") or f"{runs}-housekeeping"


def _keep_lithloop_logging(config) -> None:
    """The worker logs as the web app does: lithloop's handler at LOG_LEVEL, or at the
    worker's --loglevel when that says more (`-l DEBUG`).

    Without a receiver of `setup_logging`, `celery worker` sets the root logger to its own
    --loglevel (WARNING unless given): every INFO line, a run's start and end among them,
    was dropped. With one, Celery leaves logging to this receiver."""
    fmt, level = config.get("LOG_FORMAT", "json"), str(config.get("LOG_LEVEL", "INFO"))

    def configure(loglevel=None, **_signal) -> None:
        wanted = logging.getLevelName(level.upper())
        given = loglevel if isinstance(loglevel, int) else wanted
        logs.configure_logging(fmt, logging.getLevelName(min(wanted, given)))

    signals.setup_logging.disconnect(dispatch_uid="lithloop-logging")  # this app's settings
    signals.setup_logging.connect(configure, weak=False, dispatch_uid="lithloop-logging")


def celery_init_app(app: Flask) -> Celery:
    """A Celery app whose tasks run inside this Flask app's context."""

    class FlaskTask(Task):
        def __call__(self, *args, **kwargs):
            with app.app_context():
                return self.run(*args, **kwargs)

    runs_queue, housekeeping_queue = queues(app.config)
    interval_s = float(app.config.get("HOUSEKEEPING_INTERVAL_S", 30) or 30)
    celery = Celery(app.name, task_cls=FlaskTask)
    celery.conf.update(
        broker_url=app.config["CELERY_BROKER_URL"],
        task_ignore_result=True,
        task_default_queue=runs_queue,
        # Housekeeping has its own queue, so it never waits behind queued plan runs; a
        # worker started without -Q takes both (README, "Running at scale").
        task_queues=(Queue(runs_queue), Queue(housekeeping_queue)),
        task_routes={
            "lithloop.run_plan": {"queue": runs_queue},
            "lithloop.housekeeping": {"queue": housekeeping_queue},
        },
        task_acks_late=True,  # a run whose worker dies is not lost silently
        # Threads, not the prefork default: a prefork pool's processes are daemonic and
        # may not start children, and the solver runs VROOM in a child process.
        worker_pool="threads",
        # lithloop's JSON lines (request ids, redaction) stay the log format of workers
        # and beat: Celery must not replace the root logger's handler with its text one
        worker_hijack_root_logger=False,
        worker_redirect_stdouts=False,
        worker_prefetch_multiplier=1,
        broker_connection_retry_on_startup=True,
        beat_schedule={  # `celery beat` sends it; lithloop.jobs.housekeeping
            "housekeeping": {
                "task": "lithloop.housekeeping",
                "schedule": interval_s,
                # a round no worker took before the next one is due is dropped, not piled up
                "options": {"expires": interval_s},
            }
        },
        broker_transport_options={
            "max_retries": 1,
            "interval_start": 0,
            "interval_step": 0.2,
            **outside_calls.redis_options(app.config),
        },
    )
    celery.set_default()
    if app.config.get("LOG_FORMAT") != "none":
        _keep_lithloop_logging(app.config)
    app.extensions["celery"] = celery
    from lithloop.jobs import tasks  # noqa: F401  (registers the tasks)

    return celery
