"""lithloop.db.atomic: one use case, one transaction. What `work` wrote is committed, or,
whatever it raised (a service error, a database error, Stripe's PaymentError, a bug), rolled
back at once and the exception raised again: no transaction is left open, holding its row
locks, until the app context ends."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from lithloop import payments
from lithloop.db import atomic
from lithloop.extensions import db
from lithloop.models import StripeEvent
from lithloop.services.errors import Conflict


def _stored(event_id: str) -> bool:
    """Whether the row is in the database, as another connection sees it."""
    with db.engine.connect() as other:
        query = sa.select(StripeEvent.id).where(StripeEvent.event_id == event_id)
        return other.execute(query).first() is not None


def _write(event_id: str, error: BaseException | None = None):
    def work():
        db.session.add(StripeEvent(event_id=event_id, type="test", outcome="test"))
        db.session.flush()  # written in the transaction, as a use case's rows are
        if error is not None:
            raise error
        return event_id

    return work


def test_what_the_work_wrote_is_committed(app):
    assert atomic(_write("evt_done")) == "evt_done"
    assert _stored("evt_done")


@pytest.mark.parametrize(
    "error",
    [
        payments.PaymentError("Stripe did not answer", unreachable=True),
        ValueError("a bug"),
        KeyError("missing"),
        Conflict("refused"),
        sa.exc.OperationalError("INSERT", {}, Exception("disk full")),
    ],
    ids=["payment_error", "value_error", "key_error", "service_error", "database_error"],
)
def test_whatever_the_work_raised_is_rolled_back_at_once_and_raised_again(app, error):
    with pytest.raises(type(error)) as raised:
        atomic(_write("evt_failed", error))
    assert raised.value is error
    assert not db.session().in_transaction()  # rolled back now, not when the context ends
    assert (
        db.session.scalar(sa.select(StripeEvent).where(StripeEvent.event_id == "evt_failed"))
        is None
    )
    assert not _stored("evt_failed")
