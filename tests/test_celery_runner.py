"""Optimisation runs on a real Celery worker over the machine's Redis, and Redis down."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import redis

from lithloop.extensions import db
from lithloop.jobs import runner
from lithloop.models import RunStatus
from lithloop.services.dispatch import planning
from lithloop.services.errors import ServiceError
from tests.conftest import make_app
from tests.needs import missing

ROOT = Path(__file__).resolve().parents[1]
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/9")


@pytest.fixture
def redis_up():
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.ConnectionError:
        missing(f"Redis at {REDIS_URL}", "start redis-server (.ci/run does)")


def _world(tmp_path):
    """An app on a SQLite file both this process and the worker use, with a day to plan."""
    from tests.web.test_dispatch import SITES  # noqa: F401  (same demo-like layout)

    url = f"sqlite:///{tmp_path / 'celery.sqlite3'}"
    queue = f"lithloop-test-{uuid.uuid4().hex[:8]}"
    app = make_app(url, CELERY_BROKER_URL=REDIS_URL, CELERY_QUEUE=queue)
    return app, url, queue


def _seed(app):
    from lithloop.models import OrgKind, Role
    from lithloop.services.booking import bookings as booking_service
    from lithloop.services.booking import prices as price_service
    from tests.factories import make_org, make_park, make_site, make_user
    from tests.web.test_bookings import open_day

    db.create_all()
    price_service.ensure_default_index()
    make_park(payload_kg=5000, trucks=2)
    day = open_day(2)
    for i, (lat, lon) in enumerate([(44.58, 129.61), (44.35, 129.47), (44.57, 129.39)]):
        org = make_org(name=f"队列网点{i}")
        booking_service.book_pickup(
            make_user(org),
            {
                "site_id": make_site(org, lat=lat, lon=lon).id,
                "date": day.isoformat(),
                "window": ["08:00", "17:00"],
                "lots": [
                    {
                        "chemistry": "LFP",
                        "form": "pack",
                        "count": 1,
                        "mass_kg": "800",
                        "condition": "intact",
                        "codes": [],
                    }
                ],
            },
        )
    return make_user(make_org(OrgKind.PARK_OPERATOR), role=Role.DISPATCHER), day


def test_a_celery_worker_runs_the_plan(tmp_path, redis_up):
    app, url, queue = _world(tmp_path)
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "CELERY_BROKER_URL": REDIS_URL,
        "CELERY_QUEUE": queue,
        "SECRET_KEY": "worker-test",
        "LITHLOOP_INSTANCE": str(tmp_path),
    }
    with app.app_context():
        dispatcher, day = _seed(app)
        worker = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "lithloop.jobs.worker",
                "worker",
                "-P",
                "solo",
                "-Q",
                queue,
                "--loglevel=WARNING",
                "--without-heartbeat",
                "--without-gossip",
                "--without-mingle",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        try:
            run = planning.start_run(dispatcher, day, 2)
            assert run.runner == "celery"
            runner.submit(run.id)
            deadline = time.monotonic() + 90
            while time.monotonic() < deadline:
                db.session.expire_all()
                run = planning.get_run(run.id)
                if run.status not in (RunStatus.QUEUED, RunStatus.RUNNING):
                    break
                time.sleep(0.5)
            assert run.status is RunStatus.SUCCEEDED, (run.status, run.error)
            assert run.plan is not None and run.plan.routes
        finally:
            worker.terminate()
            worker.wait(timeout=30)


def test_redis_down_fails_the_run_with_a_clear_error(tmp_path):
    url = f"sqlite:///{tmp_path / 'down.sqlite3'}"
    app = make_app(url, CELERY_BROKER_URL="redis://127.0.0.1:1/0", CELERY_QUEUE="nowhere")
    with app.app_context():
        dispatcher, day = _seed(app)
        run = planning.start_run(dispatcher, day, 2)
        with pytest.raises(ServiceError) as caught:
            runner.submit(run.id)
        assert caught.value.status == 503
        db.session.expire_all()
        run = planning.get_run(run.id)
        assert run.status is RunStatus.FAILED and "unreachable" in run.error
        # nothing is left stuck: a new run for the day may start
        assert planning.start_run(dispatcher, day, 2).id != run.id
