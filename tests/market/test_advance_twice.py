"""An order's next fulfilment step pressed twice (a double click, or two admins' tabs that
both showed "Next step: packed") moved it two steps: packed, then shipped, and the buyer was
mailed that the packs were on their way while they sat packed at the park. The form now
says which status it showed; a press on a page the order has moved past changes nothing."""

from __future__ import annotations

import re

import sqlalchemy as sa

from lithloop.extensions import db
from lithloop.models import OrderStatus, OutboxMessage
from tests.conftest import submit
from tests.market.support import make_admin
from tests.market.test_deliveries import paid_delivery
from tests.market.test_market_pages import _login


def _advance_form(client, order_id: int) -> dict:
    """The advance form's fields as the order page shows them (the CSRF token aside)."""
    body = client.get(f"/market/orders/{order_id}").get_data(as_text=True)
    form = re.search(rf'action="/market/admin/orders/{order_id}/advance".*?</form>', body, re.S)
    return dict(
        re.findall(r'<input type="hidden" name="(?!csrf_token)([^"]+)" value="([^"]*)"', form[0])
    )


def test_the_same_page_pressed_twice_moves_the_order_one_step(client):
    _login(client, make_admin(), lang="zh_CN")
    order = paid_delivery(status=OrderStatus.PAID)
    shown = _advance_form(client, order.id)  # both tabs show "Next step: packed"
    url, page = f"/market/admin/orders/{order.id}/advance", f"/market/orders/{order.id}"
    mails = db.session.scalar(sa.select(sa.func.count(OutboxMessage.id)))
    assert submit(client, url, shown, page=page).status_code == 302
    second = submit(client, url, shown, page=page, follow_redirects=True)
    db.session.expire_all()
    assert order.status is OrderStatus.PACKED  # not shipped
    said = second.get_data(as_text=True)
    assert f"订单 #{order.id} 已打包（在此页面显示之后" in said
    assert db.session.scalar(sa.select(sa.func.count(OutboxMessage.id))) == mails  # no letter


def test_the_next_page_moves_it_on(client):
    _login(client, make_admin(), lang="zh_CN")
    order = paid_delivery(status=OrderStatus.PAID)
    url, page = f"/market/admin/orders/{order.id}/advance", f"/market/orders/{order.id}"
    for expected in (OrderStatus.PACKED, OrderStatus.SHIPPED):
        assert submit(client, url, _advance_form(client, order.id), page=page).status_code == 302
        db.session.expire_all()
        assert order.status is expected
