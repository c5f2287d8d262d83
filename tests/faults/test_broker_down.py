"""Redis (the Celery broker) down when a run starts: a clear 503, or the thread runner.

"Down" is a Redis URL on a loopback port where nothing listens, so that the machine's
shared Redis keeps serving the other tests.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from lithloop.extensions import db
from lithloop.jobs import runner
from lithloop.models import PlanRun, RunStatus
from lithloop.payments.localstripe_server import free_port
from tests.conftest import Auth, api_headers, submit
from tests.web.test_dispatch import day_world  # noqa: F401 (the fixture)


@pytest.fixture
def backend():
    """SQLite only: the fault is the broker's; runs on PostgreSQL are tested in tests/web."""
    return "sqlite"


@pytest.fixture
def broker_down(monkeypatch):
    """Every app built in the test sends its runs to a broker that is not there."""
    monkeypatch.setenv("CELERY_BROKER_URL", f"redis://127.0.0.1:{free_port()}/0")
    monkeypatch.setenv("CELERY_QUEUE", "lithloop-faults-nowhere")


@pytest.fixture
def app(broker_down, app):
    """The usual app, configured for Celery (its broker down)."""
    assert "celery" in app.extensions
    return app


def _runs() -> list[PlanRun]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(PlanRun).order_by(PlanRun.id)))


def test_api_start_with_the_broker_down_is_a_503_with_a_message_and_no_stuck_run(client, day_world):  # noqa: F811
    # Depends on jobs/runner._send_to_celery's `except OperationalError` branch, which
    # fails the run and raises WorkersUnavailable (503) instead of leaving it queued.
    headers = {**api_headers(client, day_world["dispatcher"]), "Accept-Language": "en"}
    body = {"date": day_world["day"].isoformat(), "time_limit_s": 1}
    response = client.post("/api/v1/plans/runs", json=body, headers=headers)
    assert response.status_code == 503
    assert "background workers cannot be reached" in response.json["message"]
    (run,) = _runs()
    assert run.status is RunStatus.FAILED and "unreachable" in run.error
    assert run.runner == "celery" and run.finished_at is not None
    again = client.post("/api/v1/plans/runs", json=body, headers=headers)
    assert again.status_code == 503  # not 409 "still going": nothing is stuck
    assert [r.status for r in _runs()] == [RunStatus.FAILED, RunStatus.FAILED]


def test_the_dispatch_page_says_why_the_run_did_not_start(client, day_world):  # noqa: F811
    client.get("/lang/en")
    Auth(client).login(day_world["dispatcher"].email)
    day = day_world["day"].isoformat()
    response = submit(
        client,
        "/dispatch/runs",
        {"date": day, "time_limit_s": 1},
        page=f"/dispatch/?date={day}",
        follow_redirects=True,
    )
    text = response.get_data(as_text=True)
    assert response.status_code == 200 and "background workers cannot be reached" in text
    assert "is Redis running?" in text
    assert [r.status for r in _runs()] == [RunStatus.FAILED]


def test_with_the_thread_fallback_configured_the_run_goes_on_in_a_thread(app, client, day_world):  # noqa: F811
    # Depends on RUN_FALLBACK_TO_THREAD in runner._send_to_celery.
    app.config["RUN_FALLBACK_TO_THREAD"] = True
    response = client.post(
        "/api/v1/plans/runs",
        json={"date": day_world["day"].isoformat(), "time_limit_s": 1},
        headers=api_headers(client, day_world["dispatcher"]),
    )
    assert response.status_code == 202, response.json
    assert runner.wait(response.json["id"], timeout=60)
    (run,) = _runs()
    assert run.runner == "thread" and run.status is RunStatus.SUCCEEDED, run.error
    assert run.plan is not None
