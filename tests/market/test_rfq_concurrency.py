"""Accepting quotes at once on PostgreSQL: no pack in two orders, a quote used once."""

from __future__ import annotations

import threading
from datetime import timedelta

import sqlalchemy as sa

from lithloop import clock
from lithloop.extensions import db
from lithloop.models import Order, OrderLine, OrderStatus, Pack, PackState, User
from lithloop.services.errors import Conflict
from lithloop.services.market import rfq as rfqs
from lithloop.services.market import rfq_admin
from tests.market.support import list_packs, make_admin
from tests.market.test_market_concurrency import pg_app  # noqa: F401  (the fixture)
from tests.market.test_rfq import spec

ACCEPTERS = 8
STOCK = 10
EACH = 3


def _accept(app, barrier, outcomes: list, user_id: int, rfq_id: int) -> None:
    with app.app_context():
        user = db.session.get(User, user_id)
        barrier.wait()
        try:
            rfqs.accept(user, rfq_id)
            outcomes.append("reserved")
        except Conflict as exc:
            outcomes.append(exc.code)
        finally:
            db.session.remove()


def _run(app, jobs: list[tuple[int, int]]) -> list[str]:
    barrier, outcomes = threading.Barrier(len(jobs)), []
    threads = [
        threading.Thread(target=_accept, args=(app, barrier, outcomes, user, rfq))
        for user, rfq in jobs
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(outcomes) == len(jobs)
    return outcomes


def test_concurrent_accepts_never_share_a_pack_and_a_quote_makes_one_order(pg_app):  # noqa: F811
    app, buyers = pg_app
    with app.app_context():
        admin = make_admin()
        list_packs(STOCK)
        until = clock.today() + timedelta(days=1)
        quotes = []
        for user_id in buyers[:ACCEPTERS]:
            rfq = rfqs.create(db.session.get(User, user_id), spec(quantity=str(EACH)))
            rfq_admin.quote(admin, rfq.id, unit_price_fen=900_000, valid_until=until)
            quotes.append((user_id, rfq.id))
    outcomes = _run(app, quotes)
    assert outcomes.count("reserved") == STOCK // EACH, outcomes
    assert set(outcomes) == {"reserved", "not_enough_stock"}
    with app.app_context():
        lines = list(db.session.scalars(sa.select(OrderLine)))
        assert len(lines) == len({li.pack_id for li in lines}) == EACH * (STOCK // EACH)
        reserved = db.session.scalar(
            sa.select(sa.func.count(Pack.id)).where(Pack.state == PackState.RESERVED)
        )
        assert reserved == len(lines)
        assert {li.price_fen for li in lines} == {900_000}
        # one buyer's quote accepted from four sessions at once: a single order
        db.session.execute(sa.update(Order).values(status=OrderStatus.CANCELLED))
        db.session.execute(sa.update(Pack).values(state=PackState.FINISHED))
        db.session.commit()
    user_id, rfq_id = quotes[-1]
    outcomes = _run(app, [(user_id, rfq_id)] * 4)
    assert outcomes.count("reserved") == 1 and outcomes.count("rfq_accepted") == 3, outcomes
