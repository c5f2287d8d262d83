"""Two administrators (or two tabs) marking the same failed refund paid back at the same
moment: the order's row lock lets one mark it; the other finds it marked and changes
nothing (one audit entry, the first note kept). PostgreSQL only (SQLite serialises writers
and ignores row locks)."""

from __future__ import annotations

import threading

import pytest

from lithloop.extensions import db
from lithloop.models import Refund, Role, User
from lithloop.services.market import refund_payback
from tests.factories import make_user_as
from tests.market.test_refund_payback import _entries, _failed_refund


@pytest.fixture
def backend():
    """PostgreSQL only."""
    return "postgresql"


def test_two_marks_at_once_mark_it_once(app, client):
    _buyer, order, row = _failed_refund()
    admins = [make_user_as(Role.ADMIN).id for _ in range(2)]
    order_id, refund_id = order.id, row.id
    db.session.commit()
    start, results, errors = threading.Barrier(2), [], []

    def mark(admin_id: int, note: str):
        try:
            with app.app_context():
                user = db.session.get(User, admin_id)
                start.wait(timeout=10)
                done = refund_payback.mark_paid_back(user, order_id, refund_id, note)
                results.append((done.now, note))
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)

    threads = [
        threading.Thread(target=mark, args=(admin_id, f"转账 {n}"))
        for n, admin_id in enumerate(admins)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    assert sorted(now for now, _note in results) == [False, True]
    (won,) = [note for now, note in results if now]
    db.session.expire_all()
    assert db.session.get(Refund, refund_id).paid_back_note == won
    assert len(_entries()) == 1
