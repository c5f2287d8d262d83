"""A Celery worker killed (SIGKILL) mid-run: the run ends failed, and a new run works.

A real worker process on the machine's Redis (its own queue) solves a run; the test kills
it while the run is RUNNING. Its heartbeat stops, and the next look at the run fails it.
"""

from __future__ import annotations

import signal
import time
import uuid

from lithloop.extensions import db
from lithloop.models import RunStatus
from lithloop.services.dispatch import runs
from tests import celery_worker
from tests.celery_worker import REDIS_URL, seed_day, start_worker, wait_ready
from tests.conftest import api_headers, make_app

STALE_S = 2
redis_up = celery_worker.redis_up  # the fixture


def _wait_for(client, headers, run_id: int, done, timeout_s: float = 60) -> dict:
    deadline = time.monotonic() + timeout_s
    while True:
        shown = client.get(f"/api/v1/plans/runs/{run_id}", headers=headers).json
        if done(shown) or time.monotonic() > deadline:
            return shown
        time.sleep(0.2)


def test_a_killed_worker_fails_its_run_and_the_next_run_succeeds(tmp_path, redis_up):
    # Depends on services/run_heartbeat.Heartbeat (beats while the worker lives, stops when
    # it is killed) and runs.fail_stale_runs (called when a run is looked at).
    url = f"sqlite:///{tmp_path / 'killed.sqlite3'}"
    queue = f"lithloop-faults-{uuid.uuid4().hex[:8]}"
    app = make_app(url, CELERY_BROKER_URL=REDIS_URL, CELERY_QUEUE=queue, RUN_STALE_AFTER_S=STALE_S)
    env = celery_worker.worker_env(
        url, queue, tmp_path, RUN_STALE_AFTER_S=str(STALE_S), LOG_FORMAT="none"
    )
    workers = []
    with app.app_context():
        dispatcher, day = seed_day(app)
        client = app.test_client()
        headers = api_headers(client, dispatcher)
        try:
            logs = [tmp_path / "worker-1.log", tmp_path / "worker-2.log"]
            workers.append(wait_ready(start_worker(env, queue, logs[0]), logs[0]))
            started = client.post(
                "/api/v1/plans/runs",
                headers=headers,
                json={"date": day.isoformat(), "time_limit_s": 60},
            )
            assert started.status_code == 202, started.json
            run_id = started.json["id"]
            shown = _wait_for(client, headers, run_id, lambda r: r["status"] != "queued")
            assert shown["status"] == "running", shown
            # the replacement a supervisor would start, already importing; the run is taken,
            # so it gets nothing until the next run
            workers.append(start_worker(env, queue, logs[1]))
            time.sleep(STALE_S + 1)  # longer than the stale limit: the worker's beat counts
            assert _wait_for(client, headers, run_id, lambda r: True)["status"] == "running"

            workers[0].send_signal(signal.SIGKILL)
            workers[0].wait(timeout=10)
            shown = _wait_for(
                client, headers, run_id, lambda r: r["status"] != "running", timeout_s=STALE_S * 5
            )
            assert shown["status"] == "failed" and "heartbeat" in shown["error"]
            assert shown["plan_id"] is None

            wait_ready(workers[1], logs[1])
            again = client.post(
                "/api/v1/plans/runs",
                headers=headers,
                json={"date": day.isoformat(), "time_limit_s": 1},
            )
            assert again.status_code == 202, again.json
            shown = _wait_for(
                client,
                headers,
                again.json["id"],
                lambda r: r["status"] not in ("queued", "running"),
                90,
            )
            assert shown["status"] == "succeeded" and shown["plan_id"], shown
            db.session.expire_all()
            assert runs.get_run(run_id).status is RunStatus.FAILED
        finally:
            celery_worker.stop_workers(*workers)
