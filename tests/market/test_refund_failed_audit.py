"""An admin's refund Stripe answers `failed` at once is audited as failed (who, how much,
Stripe's id), once: the webhook that says so again later writes nothing more. Before, only
a webhook's update wrote `order.refund_failed`, so a refund failed at once had none."""

from __future__ import annotations

import sqlalchemy as sa

from lithloop.extensions import db
from lithloop.models import AuditEntry, Order
from tests.market.test_refund_figures import FAILED, _with_failed_refund
from tests.market.test_refund_status import _refund_object
from tests.market.test_webhooks import event, post


def _failed_entries(order: Order) -> list[AuditEntry]:
    query = sa.select(AuditEntry).where(
        AuditEntry.action == "order.refund_failed", AuditEntry.object_id == str(order.id)
    )
    return list(db.session.scalars(query))


def test_a_refund_failed_at_once_is_audited_once(client, monkeypatch):
    order, failed = _with_failed_refund(monkeypatch)
    (entry,) = _failed_entries(order)
    assert entry.actor_id is not None and entry.details["amount_fen"] == FAILED
    assert entry.details["stripe_refund_id"] == failed.stripe_refund_id
    assert entry.details["status"] == "failed"
    update = _refund_object(failed.stripe_refund_id, "failed", amount=FAILED)
    reply = post(client, event(f"evt_f_{order.id}", "charge.refund.updated", update))
    assert reply.status_code == 200 and reply.json["outcome"] == "no_change"
    assert len(_failed_entries(order)) == 1
