"""Optimisation runs on a real Celery worker over the machine's Redis, and Redis down."""

from __future__ import annotations

import json
import time
import uuid

import pytest

from lithloop.extensions import db
from lithloop.jobs import runner
from lithloop.models import RunStatus
from lithloop.services.dispatch import runs
from lithloop.services.errors import ServiceError
from tests import celery_worker
from tests.celery_worker import REDIS_URL, seed_day
from tests.conftest import make_app

redis_up = celery_worker.redis_up  # the fixture


def _world(tmp_path):
    """An app on a SQLite file both this process and the worker use, with a day to plan."""
    url = f"sqlite:///{tmp_path / 'celery.sqlite3'}"
    queue = f"lithloop-test-{uuid.uuid4().hex[:8]}"
    app = make_app(url, CELERY_BROKER_URL=REDIS_URL, CELERY_QUEUE=queue)
    return app, url, queue


def test_a_celery_worker_runs_the_plan(tmp_path, redis_up):
    app, url, queue = _world(tmp_path)
    env = celery_worker.worker_env(url, queue, tmp_path)
    log_path = tmp_path / "worker.log"
    with app.app_context():
        dispatcher, day = seed_day(app)
        # Celery's default --loglevel (WARNING): lithloop's LOG_LEVEL (INFO) holds
        worker = celery_worker.start_worker(env, queue, log_path, loglevel=None)
        try:
            run = runs.start_run(dispatcher, day, 2)
            assert run.runner == "celery"
            runner.submit(run.id)
            deadline = time.monotonic() + 90
            while time.monotonic() < deadline:
                db.session.expire_all()
                run = runs.get_run(run.id)
                if run.status not in (RunStatus.QUEUED, RunStatus.RUNNING):
                    break
                time.sleep(0.5)
            assert run.status is RunStatus.SUCCEEDED, (run.status, run.error, log_path.read_text())
            assert run.plan is not None and run.plan.routes
            # the worker logs lithloop's JSON lines, its own Celery lines included
            told = [
                line for line in log_path.read_text().splitlines() if "lithloop.run_plan" in line
            ]
            assert told and all(json.loads(line)["logger"].startswith("celery") for line in told)
            text = log_path.read_text().splitlines()
            lines = [json.loads(line) for line in text if line.startswith("{")]
            ours = [line for line in lines if line.get("run_id") == run.id]
            assert [line["msg"].split(":")[0] for line in ours] == [
                f"plan run {run.id} started",
                f"plan run {run.id} ended",
            ], log_path.read_text()
            assert ours[1]["outcome"] == "succeeded" and ours[1]["duration_s"] > 0
        finally:
            celery_worker.stop_workers(worker)


def test_redis_down_fails_the_run_with_a_clear_error(tmp_path):
    url = f"sqlite:///{tmp_path / 'down.sqlite3'}"
    app = make_app(url, CELERY_BROKER_URL="redis://127.0.0.1:1/0", CELERY_QUEUE="nowhere")
    with app.app_context():
        dispatcher, day = seed_day(app)
        run = runs.start_run(dispatcher, day, 2)
        with pytest.raises(ServiceError) as caught:
            runner.submit(run.id)
        assert caught.value.status == 503
        db.session.expire_all()
        run = runs.get_run(run.id)
        assert run.status is RunStatus.FAILED and "unreachable" in run.error
        # nothing is left stuck: a new run for the day may start
        assert runs.start_run(dispatcher, day, 2).id != run.id
