"""Celery routes housekeeping to its own queue, so it never waits behind plan runs."""

from __future__ import annotations

import pytest

from tests.conftest import make_app


@pytest.fixture(scope="module")
def celery():
    """The Celery app of a lithloop app with a broker set (nothing connects to it)."""
    app = make_app("sqlite://", CELERY_BROKER_URL="redis://127.0.0.1:1/0", CELERY_QUEUE="runs")
    return app.extensions["celery"]


def _queue(celery, task: str) -> str:
    return celery.amqp.router.route({}, task)["queue"].name


def test_housekeeping_and_plan_runs_go_to_different_queues(celery):
    assert _queue(celery, "lithloop.run_plan") == "runs"
    assert _queue(celery, "lithloop.housekeeping") == "runs-housekeeping"
    beat = celery.conf.beat_schedule["housekeeping"]
    assert beat["task"] == "lithloop.housekeeping" and beat["options"]["expires"] == 30


def test_a_worker_without_q_takes_both_queues(celery):
    assert set(celery.amqp.queues) == {"runs", "runs-housekeeping"}


def test_the_housekeeping_queue_is_configurable():
    app = make_app(
        "sqlite://",
        CELERY_BROKER_URL="redis://127.0.0.1:1/0",
        CELERY_QUEUE="runs",
        CELERY_HOUSEKEEPING_QUEUE="chores",
    )
    assert _queue(app.extensions["celery"], "lithloop.housekeeping") == "chores"
