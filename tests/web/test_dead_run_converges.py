"""A run whose worker died shows failed at once (a GET never writes), and the database
converges without a housekeeping worker (a Celery broker, none on the housekeeping queue):
the next POST about runs (cancel, finish, a new run) or `flask housekeeping` stores it
failed, and a new run for the day is not blocked by it."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from lithloop import clock
from lithloop.extensions import db
from lithloop.models import OrgKind, PlanRun, Role, RunStatus
from lithloop.services.booking import bookings as booking_service
from lithloop.services.booking import prices as price_service
from lithloop.services.dispatch import runs
from lithloop.services.dispatch.runs import STALE_ERROR
from tests.conftest import submit
from tests.factories import PlanRunFactory, make_org, make_park, make_site, make_user
from tests.route_world import lot, open_day


def _dead_run(**extra) -> PlanRun:
    """A run 'running' in the database whose worker stopped beating ten minutes ago."""
    long_ago = clock.now() - timedelta(minutes=10)
    return PlanRunFactory(
        status=RunStatus.RUNNING,
        started_at=long_ago,
        heartbeat_at=long_ago,
        finished_at=None,
        **extra,
    )


def _stored(run_id: int) -> tuple[RunStatus, str | None]:
    """The run's status and error as the database holds them (not as a page shows them)."""
    db.session.expire_all()
    row = db.session.execute(
        sa.select(PlanRun.status, PlanRun.error).where(PlanRun.id == run_id)
    ).one()
    return row.status, row.error


def test_cancel_or_finish_of_a_dead_run_stores_it_failed(client, auth, backend):
    cancelled, finished = _dead_run(), _dead_run()
    auth.login(cancelled.created_by.email)
    page = client.get(f"/dispatch/runs/{cancelled.id}").get_data(as_text=True)
    assert _stored(cancelled.id)[0] is RunStatus.RUNNING  # the GET showed it, wrote nothing
    assert "运行已结束" not in page
    for run, action in ((cancelled, "cancel"), (finished, "finish")):
        response = submit(
            client,
            f"/dispatch/runs/{run.id}/{action}",
            {},
            page=f"/dispatch/runs/{run.id}",
            follow_redirects=True,
        )
        assert response.status_code == 200
        assert _stored(run.id) == (RunStatus.FAILED, STALE_ERROR), action
        assert db.session.get(PlanRun, run.id).finished_at is not None
        assert not db.session.get(PlanRun, run.id).cancel_requested
        assert not db.session.get(PlanRun, run.id).finish_requested


def test_flask_housekeeping_stores_dead_runs_failed(app, backend):
    dead = _dead_run().id
    alive = PlanRunFactory(
        status=RunStatus.RUNNING, started_at=clock.now(), heartbeat_at=clock.now()
    ).id
    result = app.test_cli_runner().invoke(args=["housekeeping"])
    assert result.exit_code == 0, result.output
    assert "fail_stale_runs: 1" in result.output, result.output
    assert _stored(dead) == (RunStatus.FAILED, STALE_ERROR)
    assert _stored(alive)[0] is RunStatus.RUNNING
    again = app.test_cli_runner().invoke(args=["housekeeping"])
    assert "fail_stale_runs: 0" in again.output, again.output


def test_a_new_run_of_the_day_is_not_blocked_by_a_dead_one(app, backend):
    dispatcher = make_user(make_org(OrgKind.PARK_OPERATOR), role=Role.DISPATCHER)
    day = open_day(2)
    dead = _dead_run(plan_date=day, created_by=dispatcher)
    price_service.ensure_default_index()
    make_park()
    org = make_org(name="死运行测试网点")
    booking_service.book_pickup(
        make_user(org),
        {
            "site_id": make_site(org).id,
            "date": day.isoformat(),
            "window": ["08:00", "17:00"],
            "lots": [lot()],
        },
    )
    new = runs.start_run(dispatcher, day, 5)  # queued only: no worker is asked here
    assert new.status is RunStatus.QUEUED
    assert _stored(dead.id) == (RunStatus.FAILED, STALE_ERROR)
