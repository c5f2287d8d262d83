"""32 buyers at once for the last 10 packs, 20 rounds: exactly 10 reserved each round,
every other buyer told clearly, nothing leaked (PostgreSQL only: SQLite ignores FOR UPDATE)."""

from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa

from lithloop.extensions import db
from lithloop.models import Order, OrderLine, OrderStatus, Pack, PackState, User
from lithloop.services.errors import Conflict
from lithloop.services.market import catalog_groups, checkout
from tests.conftest import empty_pg_tables, make_app
from tests.market.support import list_packs, make_buyer

BUYERS = 32
PACKS = 10
ROUNDS = 20


@pytest.fixture
def pg_app(pg_database_url):
    app = make_app(
        pg_database_url,
        SQLALCHEMY_ENGINE_OPTIONS={"pool_size": BUYERS + 2, "max_overflow": 0},
        # each buyer holds an unpaid order from every round (test_unpaid_limits.py)
        UNPAID_MAX_ORDERS_NEW_BUYER=ROUNDS,
        UNPAID_MAX_PACKS_NEW_BUYER=ROUNDS,
    )
    with app.app_context():
        db.create_all()
        empty_pg_tables(db.engine)
        buyers = [make_buyer(f"并发买家{i}").id for i in range(BUYERS)]
    yield app, buyers
    with app.app_context():
        db.session.remove()
        empty_pg_tables(db.engine)
        db.engine.dispose()


def _buy(app, barrier, outcomes: list, user_id: int, lines: list) -> None:
    """One buyer's checkout, in its own app context and database connection."""
    with app.app_context():
        user = db.session.get(User, user_id)
        barrier.wait()
        try:
            checkout.checkout(user, lines)
            outcomes.append("reserved")
        except Conflict as exc:
            outcomes.append(exc.code)
        finally:
            db.session.remove()


def test_no_pack_is_reserved_twice_under_concurrent_checkouts(pg_app):
    app, buyers = pg_app
    for round_ in range(ROUNDS):
        with app.app_context():
            packs = list_packs(PACKS, price_fen=1_000_000 + round_)
            ids, group = [p.id for p in packs], catalog_groups.group_id(packs[0])
        # half the buyers ask for "one of the group", half for one pack by id
        lines = [
            [{"group_id": group, "quantity": 1}] if i % 2 else [{"pack_id": ids[(i // 2) % PACKS]}]
            for i in range(BUYERS)
        ]
        barrier, outcomes = threading.Barrier(BUYERS), []
        threads = [
            threading.Thread(target=_buy, args=(app, barrier, outcomes, user, line))
            for user, line in zip(buyers, lines, strict=True)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert outcomes.count("reserved") == PACKS, outcomes
        assert set(outcomes) <= {"reserved", "pack_unavailable", "not_enough_stock"}
        assert len(outcomes) == BUYERS
        with app.app_context():
            lines_of_round = list(
                db.session.scalars(
                    sa.select(OrderLine)
                    .join(Order)
                    .where(OrderLine.pack_id.in_(ids), Order.status == OrderStatus.PENDING_PAYMENT)
                )
            )
            assert sorted(line.pack_id for line in lines_of_round) == sorted(ids)
            states = db.session.scalars(sa.select(Pack.state).where(Pack.id.in_(ids)))
            assert set(states) == {PackState.RESERVED}
    with app.app_context():  # no reservation leaked: every reserved pack has a pending line
        reserved = db.session.scalar(
            sa.select(sa.func.count(Pack.id)).where(Pack.state == PackState.RESERVED)
        )
        pending = db.session.scalar(
            sa.select(sa.func.count(OrderLine.id))
            .join(Order)
            .where(Order.status == OrderStatus.PENDING_PAYMENT)
        )
        assert reserved == pending == PACKS * ROUNDS


def _buy_once(app, barrier, outcomes: list, user_id: int, pack_id: int, key: str) -> None:
    """One checkout under its own Idempotency-Key, in its own connection."""
    with app.app_context():
        user = db.session.get(User, user_id)
        barrier.wait()
        try:
            lines = [{"pack_id": pack_id}]
            checkout.checkout_once(user, lines, key=key, body={"lines": lines})
            outcomes.append("reserved")
        except Conflict as exc:
            outcomes.append(exc.code)
        except Exception as exc:  # a deadlock would surface here (a 500 on the API)
            outcomes.append(type(exc).__name__)
        finally:
            db.session.remove()


def test_one_organisations_orders_at_once_under_their_own_keys_all_go_through(pg_app):
    """The idempotency key's row (a foreign key to the organisation) and the unpaid-limit
    lock on the organisation were taken in opposite orders by two requests: a deadlock."""
    app, buyers = pg_app
    orders = 4
    for round_ in range(3):
        with app.app_context():
            ids = [p.id for p in list_packs(orders, price_fen=2_000_000 + round_)]
        barrier, outcomes = threading.Barrier(orders), []
        threads = [
            threading.Thread(
                target=_buy_once,
                args=(app, barrier, outcomes, buyers[round_], pack, f"r{round_}-{pack}"),
            )
            for pack in ids
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert outcomes == ["reserved"] * orders, outcomes
