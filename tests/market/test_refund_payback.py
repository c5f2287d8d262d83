"""A refund Stripe could not make (failed, canceled) is owed to the buyer: it is on the
administrators' orders page ("退款失败，待另行退还", with a count) until an administrator
marks it paid back another way (who, when, how: a short required note), audited, once.
Until then the order's figures do not count it as refunded. Before, the admin had only a
warning on the order's page and the log, and the order showed the money as refunded.

The failure comes as Stripe sends it: a signed `charge.refund.updated` whose refund is
built through the SDK (localstripe makes only succeeded refunds)."""

from __future__ import annotations

import sqlalchemy as sa

from lithloop.extensions import db
from lithloop.i18n import money
from lithloop.models import AuditEntry, Refund, Role
from lithloop.services.market import refund_payback
from tests.conftest import submit
from tests.market.test_refund_status import _page, _pending_dashboard_refund, _refund_object
from tests.market.test_webhooks import _reload, event, post

PAGE = "/market/orders"


def _failed_refund(status: str = "failed"):
    """A paid order whose dashboard refund of 50.00 was booked, then failed at Stripe."""
    buyer, order, refund_id, charge = _pending_dashboard_refund()
    assert post(client_of(), event(f"evt_b_{order.id}", "charge.refunded", charge)).status_code
    failed = _refund_object(refund_id, status, failure_reason="expired_or_canceled_card")
    reply = post(client_of(), event(f"evt_f_{order.id}", "charge.refund.updated", failed))
    assert reply.json["outcome"] == "refund_failed"
    order = _reload(order)
    (row,) = order.refunds
    return buyer, order, row


def client_of():
    """A client of the running app (webhooks need no login)."""
    from flask import current_app

    return current_app.test_client()


def _url(order, row) -> str:
    return f"/market/admin/orders/{order.id}/refunds/{row.id}/paid-back"


def _entries() -> list[AuditEntry]:
    query = sa.select(AuditEntry).where(AuditEntry.action == "order.refund_paid_back")
    return list(db.session.scalars(query))


def test_a_failed_refund_is_listed_until_an_admin_marks_it_paid_back(client, login_as):
    buyer, order, row = _failed_refund()
    assert not refund_payback.owed_count() == 0
    admin = login_as(Role.ADMIN)
    listing = client.get(PAGE).get_data(as_text=True)
    assert 'id="refunds-owed"' in listing and "退款失败，待另行退还" in listing
    assert "(1)" in listing and f"/market/orders/{order.id}#refunds-not-made" in listing
    assert f'<span class="money">{money(5000)}</span>' in listing  # kept on one line
    page = client.get(f"/market/orders/{order.id}").get_data(as_text=True)
    assert f'action="{_url(order, row)}"' in page and "已另行退还" in page
    reply = submit(client, _url(order, row), {"note": " 工行转账 20261207-0042 "}, page=PAGE)
    assert reply.status_code == 302
    db.session.expire_all()
    row = db.session.get(Refund, row.id)
    assert row.paid_back_by_id == admin.id and row.paid_back_at is not None
    assert row.paid_back_note == "工行转账 20261207-0042"
    (entry,) = _entries()
    assert entry.actor_id == admin.id and entry.object_id == str(order.id)
    assert entry.details["amount_fen"] == 5000 and entry.details["note"] == row.paid_back_note
    listing = client.get(PAGE).get_data(as_text=True)
    assert 'id="refunds-owed"' not in listing and refund_payback.owed_count() == 0
    page = client.get(f"/market/orders/{order.id}").get_data(as_text=True)
    assert "工行转账 20261207-0042" in page and admin.name in page
    assert "产业园会联系您" not in _page(client, buyer.email, order)  # the buyer's page too


def test_a_second_press_or_tab_changes_nothing_and_says_so(client, login_as):
    _buyer, order, row = _failed_refund()
    login_as(Role.ADMIN)
    first = submit(client, _url(order, row), {"note": "转账 A-1"}, page=PAGE)
    second = submit(client, _url(order, row), {"note": "转账 B-2"}, page=PAGE)
    assert first.status_code == second.status_code == 302
    told = client.get(f"/market/orders/{order.id}").get_data(as_text=True)
    assert "这笔退款已由" in told  # the calm note of the second press
    db.session.expire_all()
    assert db.session.get(Refund, row.id).paid_back_note == "转账 A-1"
    assert len(_entries()) == 1


def test_the_note_is_required_and_control_characters_are_refused(client, login_as):
    _buyer, order, row = _failed_refund()
    login_as(Role.ADMIN)
    for note, words in [
        ("   ", "退还方式"),
        ("转账\x07123", "控制字符"),
        ("转账\u202e321", None),
        ("x" * 201, "200"),
    ]:
        reply = submit(client, _url(order, row), {"note": note}, page=PAGE)
        assert reply.status_code == 422, note
        page = reply.get_data(as_text=True)
        assert f'id="paid-back-error-{row.id}"' in page and 'aria-invalid="true"' in page
        if words:
            assert words in page
    db.session.expire_all()
    assert db.session.get(Refund, row.id).paid_back_at is None and _entries() == []


def test_only_a_refund_that_did_not_go_through_can_be_marked(client, login_as):
    _buyer, order, row = _failed_refund()
    other_buyer, other, _refund_id, charge = _pending_dashboard_refund()
    post(client, event("evt_other", "charge.refunded", charge))
    (made,) = _reload(other).refunds  # pending: on its way, nothing to pay back
    login_as(Role.ADMIN)
    reply = submit(client, _url(other, made), {"note": "转账"}, page=PAGE)
    assert reply.status_code == 409 and "无需另行退还" in reply.get_data(as_text=True)
    assert submit(client, _url(other, row), {"note": "转账"}, page=PAGE).status_code == 404


def test_a_buyer_cannot_mark_it(client, login_as):
    _buyer, order, row = _failed_refund()
    login_as(Role.BUYER)
    assert submit(client, _url(order, row), {"note": "转账"}, page=PAGE).status_code == 403
    db.session.expire_all()
    assert db.session.get(Refund, row.id).paid_back_at is None


def test_a_failed_refund_is_not_counted_as_refunded_until_paid_back(client, login_as):
    buyer, order, row = _failed_refund("canceled")
    assert order.refunded_fen == 5000  # still booked: Stripe cannot refund it twice
    assert order.owed_back_fen == 5000 and order.refunded_back_fen == 0
    login_as(Role.ADMIN)
    page = client.get(f"/market/orders/{order.id}").get_data(as_text=True)
    assert "退款未成功" in page and "待另行退还" in page
    assert f'已部分退款（<span class="money">{money(5000)}</span>）' not in page
    listing = client.get(f"{PAGE}?q={order.id}").get_data(as_text=True)
    assert "待另行退还" in listing and "已退款 <span" not in listing
    submit(client, _url(order, row), {"note": "转账 C-3"}, page=PAGE)
    page = client.get(f"/market/orders/{order.id}").get_data(as_text=True)
    assert f'已部分退款（<span class="money">{money(5000)}</span>）' in page
    assert "待另行退还" not in page
    assert _reload(order).refunded_back_fen == 5000
