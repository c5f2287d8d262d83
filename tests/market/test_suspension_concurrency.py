"""A checkout that waited for a suspension of its organisation (both lock the
organisation's row) is refused once the suspension commits: no order is left reserved for
a suspended buyer (PostgreSQL only: SQLite ignores FOR UPDATE)."""

from __future__ import annotations

import threading
import time

import pytest
import sqlalchemy as sa

from lithloop.extensions import db
from lithloop.models import Order, Organisation, OrgStatus, Pack, PackState, User
from lithloop.services.errors import Forbidden
from lithloop.services.market import checkout
from tests.conftest import empty_pg_tables, make_app
from tests.market.support import list_packs, make_buyer

WAITING_ON_A_LOCK = sa.text(
    "SELECT count(*) FROM pg_stat_activity "
    "WHERE wait_event_type = 'Lock' AND datname = current_database()"
)


@pytest.fixture
def pg_app(pg_database_url):
    app = make_app(pg_database_url)
    with app.app_context():
        db.create_all()
        empty_pg_tables(db.engine)
        buyer = make_buyer("暂停中的买家")
        world = buyer.id, buyer.organisation_id, list_packs(1)[0].id
    yield app, world
    with app.app_context():
        db.session.remove()
        empty_pg_tables(db.engine)
        db.engine.dispose()


def _checkout(app, user_id: int, pack_id: int, outcome: list) -> None:
    with app.app_context():
        try:
            checkout.checkout(db.session.get(User, user_id), [{"pack_id": pack_id}])
            outcome.append("reserved")
        except Forbidden as exc:
            outcome.append(exc.status)
        finally:
            db.session.remove()


def _wait_until_blocked(conn) -> None:
    deadline = time.monotonic() + 10
    while conn.execute(WAITING_ON_A_LOCK).scalar() == 0:
        conn.rollback()  # pg_stat_activity is read once per transaction
        assert time.monotonic() < deadline, "the checkout never waited for the lock"
        time.sleep(0.05)


def test_a_checkout_waiting_on_a_suspension_is_refused(pg_app):
    app, (user_id, org_id, pack_id) = pg_app
    outcome: list = []
    with app.app_context():
        suspension = db.engine.connect()
        watcher = db.engine.connect()
        try:
            held = suspension.begin()
            suspension.execute(  # what org_admin.set_suspended takes first
                sa.select(Organisation.id).where(Organisation.id == org_id).with_for_update()
            )
            buying = threading.Thread(target=_checkout, args=(app, user_id, pack_id, outcome))
            buying.start()
            _wait_until_blocked(watcher)
            suspension.execute(
                sa.update(Organisation)
                .where(Organisation.id == org_id)
                .values(status=OrgStatus.SUSPENDED)
            )
            held.commit()
            buying.join(timeout=20)
        finally:
            suspension.close()
            watcher.close()
        assert outcome == [403]
        assert db.session.scalar(sa.select(sa.func.count(Order.id))) == 0
        assert db.session.get(Pack, pack_id).state is PackState.FINISHED
