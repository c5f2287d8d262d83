"""Celery for optimisation runs when CELERY_BROKER_URL is set (the Flask docs' pattern)."""

from __future__ import annotations

from celery import Celery, Task
from flask import Flask
from kombu import Queue

from lithloop import outside_calls


def queues(config: dict) -> tuple[str, str]:
    """The plan runs' queue and housekeeping's (by default <runs>-housekeeping)."""
    runs = config["CELERY_QUEUE"]
    return runs, config.get("CELERY_HOUSEKEEPING_QUEUE") or f"{runs}-housekeeping"


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
    app.extensions["celery"] = celery
    from lithloop.jobs import tasks  # noqa: F401  (registers the tasks)

    return celery
