"""Accepting a quote takes the buyer organisation's lock before any pack's, as checkout
does (PostgreSQL only: SQLite ignores FOR UPDATE).

Checkout locks the organisation, then the packs it names. An accept that took its packs
first and the organisation last could hold a pack a colleague's checkout waits for while
waiting for the organisation that checkout holds: a deadlock, which PostgreSQL ends by
failing one of them (a 500 to that buyer)."""

from __future__ import annotations

import threading
import time
from datetime import timedelta

import pytest
import sqlalchemy as sa

from lithloop import clock
from lithloop.extensions import db
from lithloop.models import Order, Organisation, Pack, User
from lithloop.services.market import rfq as rfqs
from lithloop.services.market import rfq_admin
from tests.conftest import app_on_own_pg_database
from tests.market.support import list_packs, make_admin, make_buyer
from tests.market.test_rfq import spec

WAITING_ON_A_LOCK = sa.text(
    "SELECT count(*) FROM pg_stat_activity "
    "WHERE wait_event_type = 'Lock' AND datname = current_database()"
)


def _seed():
    buyer = make_buyer("询价买家")
    (pack,) = list_packs(1)
    rfq = rfqs.create(buyer, spec(quantity="1"))
    until = clock.today() + timedelta(days=1)
    rfq_admin.quote(make_admin(), rfq.id, unit_price_fen=900_000, valid_until=until)
    return buyer.id, buyer.organisation_id, pack.id, rfq.id


@pytest.fixture
def pg_app(pg_database_url):
    with app_on_own_pg_database("lithloop_rl", _seed) as seeded:
        yield seeded


def _accept(app, user_id: int, rfq_id: int, outcome: list) -> None:
    with app.app_context():
        try:
            outcome.append(rfqs.accept(db.session.get(User, user_id), rfq_id).id)
        except Exception as exc:  # noqa: BLE001 (the test says which)
            outcome.append(exc)
        finally:
            db.session.remove()


def test_an_accept_waiting_for_its_organisation_holds_no_pack(pg_app):
    app, (user_id, org_id, pack_id, rfq_id) = pg_app
    outcome: list = []
    with app.app_context():
        checkout = db.engine.connect()  # what a colleague's checkout holds, then asks for
        watcher = db.engine.connect()
        try:
            held = checkout.begin()
            checkout.execute(
                sa.select(Organisation.id).where(Organisation.id == org_id).with_for_update()
            )
            accepting = threading.Thread(target=_accept, args=(app, user_id, rfq_id, outcome))
            accepting.start()
            deadline = time.monotonic() + 10
            while watcher.execute(WAITING_ON_A_LOCK).scalar() == 0:
                watcher.rollback()  # pg_stat_activity is read once per transaction
                assert time.monotonic() < deadline, "the accept never waited for the lock"
                time.sleep(0.05)
            try:  # the checkout's next step: the pack it names
                checkout.execute(
                    sa.select(Pack.id).where(Pack.id == pack_id).with_for_update(nowait=True)
                )
                pack_free = True
            except sa.exc.OperationalError:
                pack_free = False
            held.rollback()
            accepting.join(timeout=20)
        finally:
            checkout.close()
            watcher.close()
        assert pack_free, "the accept held the pack while waiting for the organisation"
        assert len(outcome) == 1 and isinstance(outcome[0], int), outcome
        assert db.session.get(Order, outcome[0]).lines[0].pack_id == pack_id
