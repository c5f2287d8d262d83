"""The people page's rules under concurrent requests (PostgreSQL only: SQLite ignores FOR
UPDATE). Both lock the organisation's row: two members who remove each other at the same
moment leave one of them, and invitations sent at once stay within the limit."""

from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa
from flask import current_app

from lithloop.extensions import db
from lithloop.models import OutboxMessage, User
from lithloop.services.accounts import colleagues
from tests.conftest import app_on_own_pg_database
from tests.factories import make_org, make_user

SENDERS = 4


@pytest.fixture
def pg_app(pg_database_url):
    """Two members of one dealer branch, on a database of their own (threads commit)."""

    def seed():
        org = make_org()
        first, second = make_user(org), make_user(org)
        db.session.commit()
        return first.id, second.id

    with app_on_own_pg_database("lithloop_c", seed) as (app, ids):
        yield app, ids


def _run(app, barrier, outcomes: list, act) -> None:
    with app.app_context():
        barrier.wait()
        try:
            act()
            outcomes.append("done")
        except Exception as exc:  # noqa: BLE001 - recorded, asserted below
            outcomes.append(getattr(exc, "code", type(exc).__name__))
        finally:
            db.session.remove()


def _together(app, acts) -> list:
    barrier, outcomes = threading.Barrier(len(acts)), []
    threads = [threading.Thread(target=_run, args=(app, barrier, outcomes, a)) for a in acts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return sorted(outcomes)


def test_two_members_removing_each_other_at_once_leave_one(pg_app):
    app, (first, second) = pg_app

    def removes(actor_id, other_id):
        return lambda: colleagues.remove_colleague(db.session.get(User, actor_id), other_id)

    outcomes = _together(app, [removes(first, second), removes(second, first)])
    assert outcomes == ["done", "last_member"], outcomes
    with app.app_context():
        enabled = db.session.scalars(sa.select(User.id).where(User.enabled.is_(True))).all()
    assert len(enabled) == 1


def test_invitations_sent_at_once_stay_within_the_limit(pg_app):
    app, (first, _second) = pg_app

    def invites(n):
        def act():
            current_app.config.update(INVITES_PER_HOUR=2)
            colleagues.invite_colleague(
                db.session.get(User, first),
                name="王师傅",
                email=f"wang{n}@example.com",
                link_for=lambda token: f"http://lithloop.test/reset/{token}",
            )

        return act

    outcomes = _together(app, [invites(n) for n in range(SENDERS)])
    assert outcomes == ["done"] * 2 + ["invite_limit"] * (SENDERS - 2), outcomes
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(OutboxMessage.id))) == 2
