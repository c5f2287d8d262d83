"""A real Celery worker for tests: Redis, a day to plan, the worker process and its log.

Used by tests/test_celery_runner.py and tests/faults/test_worker_killed.py. The worker's
stderr goes to a log file (never an unread pipe, which blocks the worker once full), so a
test can wait for "ready." and show the log when something goes wrong.
"""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
import time
from pathlib import Path

import pytest
import redis

from lithloop.extensions import db

ROOT = Path(__file__).resolve().parents[1]
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/9")


@pytest.fixture
def redis_up():
    """Skip (or fail under LITHLOOP_REQUIRE_ALL) unless the machine's Redis answers."""
    from tests.needs import missing

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.ConnectionError:
        missing(f"Redis at {REDIS_URL}", "start redis-server (.ci/run does)")


def worker_env(url: str, queue: str, instance: Path, **extra: str) -> dict:
    """The environment of a worker on the test's database and its own queue."""
    return {
        **os.environ,
        "DATABASE_URL": url,
        "CELERY_BROKER_URL": REDIS_URL,
        "CELERY_QUEUE": queue,
        "SECRET_KEY": secrets.token_hex(32),
        "LITHLOOP_INSTANCE": str(instance),
        **extra,
    }


def start_worker(env: dict, queue: str, log_path: Path, loglevel: str | None = "INFO"):
    """A worker with the app's own pool (threads, as the README's command gets), one
    thread, on the queue (no heartbeat, gossip or mingle), logging to log_path (loglevel
    None: Celery's default, as `celery worker` without --loglevel)."""
    level = [f"--loglevel={loglevel}"] if loglevel else []
    with open(log_path, "wb") as log:
        return subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "lithloop.jobs.worker",
                "worker",
                "--concurrency",
                "1",
                "-Q",
                queue,
                *level,
                "--without-heartbeat",
                "--without-gossip",
                "--without-mingle",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=log,
        )


def wait_ready(worker: subprocess.Popen, log_path: Path, timeout_s: float = 60):
    """Wait until the worker says it is ready (importing the app takes seconds)."""
    deadline = time.monotonic() + timeout_s
    while b"ready." not in log_path.read_bytes():
        assert worker.poll() is None and time.monotonic() < deadline, log_path.read_text()
        time.sleep(0.1)
    return worker


def stop_workers(*workers: subprocess.Popen) -> None:
    """Terminate the workers still alive and wait for them."""
    for worker in workers:
        if worker.poll() is None:
            worker.terminate()
            worker.wait(timeout=30)


def seed_day(app):
    """The index, a park with two 5 t trucks, three dealers' pickups on the second open day.

    Returns (a dispatcher of another park operator organisation, the day).
    """
    from lithloop.models import OrgKind, Role
    from lithloop.services.booking import prices as price_service
    from tests.factories import make_org, make_park, make_user
    from tests.route_world import book_places, open_day

    db.create_all()
    price_service.ensure_default_index()
    make_park(payload_kg=5000, trucks=2)
    day = open_day(2)
    book_places(
        day, [(44.58, 129.61), (44.35, 129.47), (44.57, 129.39)], mass="800", name="队列网点"
    )
    return make_user(make_org(OrgKind.PARK_OPERATOR), role=Role.DISPATCHER), day
