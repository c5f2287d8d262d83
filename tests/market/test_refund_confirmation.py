"""A refund shows its amount on a confirmation page (no JS needed) before it is made."""

from __future__ import annotations

import re

import sqlalchemy as sa

from lithloop.extensions import db
from lithloop.models import AuditEntry, Order, Refund
from lithloop.services.market import catalog_groups
from tests.conftest import Auth, submit
from tests.market.support import list_packs, make_admin, make_buyer


def text(response) -> str:
    """The page without its tags (a notice keeps an amount whole in a span of its own)."""
    return re.sub(r'<span class="nowrap">([^<]*)</span>', r"\1", response.get_data(as_text=True))


def count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def _paid_order_and_admin(app, client):
    """A buyer's paid order of two packs at ¥1,000 (one line), and an admin's client."""
    client.get("/lang/en")
    Auth(client).login(make_buyer().email)
    packs = list_packs(2, price_fen=100_000)
    group = catalog_groups.group_id(packs[0])
    submit(client, "/market/cart/add", {"group_id": group, "quantity": 2}, page="/market/")
    submit(client, "/market/checkout", {"delivery_kind": "pickup"}, page="/market/cart")
    order = db.session.scalar(sa.select(Order).order_by(Order.id.desc()))
    submit(client, f"/market/orders/{order.id}/pay", {"method": "pm_card_visa"})
    admin = app.test_client()
    admin.get("/lang/en")
    Auth(admin).login(make_admin().email)
    return order, admin


def test_a_refund_shows_its_amount_before_it_is_made(app, client):
    order, admin = _paid_order_and_admin(app, client)
    url, page = f"/market/admin/orders/{order.id}/refund", f"/market/orders/{order.id}"
    line = order.lines[0]
    asked = submit(admin, url, {"line_id": line.id, "amount": "", "reason": "scratch"}, page=page)
    assert asked.status_code == 200
    assert "Refund ¥1,000.00?" in text(asked)  # empty amount = all that is left of the line
    assert count(Refund) == 0
    too_much = submit(
        admin, url, {"line_id": line.id, "amount": "1000.01", "reason": "dent"}, page=page
    )
    assert too_much.status_code == 422 and count(Refund) == 0
    kept = text(too_much)  # what the admin typed is still in the line's form
    assert f'id="amt-{line.id}"' in kept and 'value="1000.01"' in kept and 'value="dent"' in kept
    odd = submit(admin, url, {"amount": "12.345", "reason": "scuff"}, page=page)
    assert odd.status_code == 422
    assert 'value="12.345"' in text(odd) and 'value="scuff"' in text(odd)
    form = {"line_id": line.id, "amount": "250", "reason": "scratch", "confirmed": "1"}
    assert submit(admin, url, form, page=page).status_code == 302
    db.session.expire_all()
    assert db.session.get(Order, order.id).refunded_fen == 25_000
    (entry,) = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "order.refund"))
    assert entry.details["amount_fen"] == 25_000 and entry.details["reason"] == "scratch"
    log = text(admin.get("/admin/audit"))
    assert "Order refunded" in log and "¥250.00" in log and "order.refund</" not in log
    assert "\\u" not in log  # details as a table, not escaped JSON


def test_a_refund_refused_in_a_second_tab_says_why_on_the_page(app, client):
    """Two tabs confirm the same line's refund: the second is refused, and the page says so
    although the line, refunded in full by the first, no longer has a refund form."""
    order, admin = _paid_order_and_admin(app, client)
    url, page = f"/market/admin/orders/{order.id}/refund", f"/market/orders/{order.id}"
    line = order.lines[0]
    for tab, token in enumerate(("tab-one-token-0001", "tab-two-token-0002")):
        form = {"line_id": line.id, "amount": "1000.00", "reason": "dent", "confirmed": "1"}
        answer = submit(admin, url, {**form, "refund_token": token}, page=page)
        if tab == 0:
            assert answer.status_code == 302
    assert answer.status_code in (409, 422)
    assert count(Refund) == 1
    # beside the line, which no longer has a refund form
    assert "¥1,000.00 is more than the ¥0.00 that can still be refunded." in text(answer)


def test_the_confirmation_carries_the_amount_exactly_from_fen(app, client):
    """The confirmed form sends back the amount shown, to the fen: formatted from integer
    fen, not through a float (which gives ¥…0.02 for ¥100,000,000,000,000.01)."""
    order, admin = _paid_order_and_admin(app, client)
    line = order.lines[0]
    line.price_fen = 10_000_000_000_000_001  # the largest amounts a person may type
    db.session.commit()
    url, page = f"/market/admin/orders/{order.id}/refund", f"/market/orders/{order.id}"
    asked = submit(admin, url, {"line_id": line.id, "amount": "", "reason": ""}, page=page)
    assert asked.status_code == 200
    assert 'name="amount" value="100000000000000.01"' in text(asked), text(asked)


def test_a_refund_reason_over_300_characters_is_refused_before_any_money_moves(app, client):
    """Walk finding: a longer reason was booked (and mailed to the buyer) cut to 300."""
    order, admin = _paid_order_and_admin(app, client)
    url, page = f"/market/admin/orders/{order.id}/refund", f"/market/orders/{order.id}"
    line = order.lines[0]
    for confirmed in ("", "1"):  # refused on the confirmation step and on the refund itself
        form = {"line_id": line.id, "amount": "250", "reason": "长" * 301, "confirmed": confirmed}
        refused = submit(admin, url, form, page=page)
        kept = text(refused)
        assert refused.status_code == 422 and count(Refund) == 0
        assert "Enter at most 300 characters; this has 301." in kept
        field = f'id="why-{line.id}" name="reason" maxlength="300" size="12" value="{"长" * 301}"'
        assert field + ' aria-invalid="true"' in kept
    db.session.expire_all()
    assert db.session.get(Order, order.id).refunded_fen == 0
    form = {"line_id": line.id, "amount": "250", "reason": "长" * 300, "confirmed": "1"}
    assert submit(admin, url, form, page=page).status_code == 302
    assert db.session.scalar(sa.select(Refund)).reason == "长" * 300
