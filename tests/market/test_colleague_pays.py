"""A colleague of the buyer who ordered (a buyer of the same organisation, in finance say)
pays the order on its pay page, as the API lets them; an administrator, who sees every
order, pays none; another organisation's buyer does not find it."""

from __future__ import annotations

from lithloop.extensions import db
from lithloop.models import Order, OrderStatus
from lithloop.services.market import checkout
from tests.conftest import Auth, submit
from tests.factories import make_user
from tests.market.support import list_packs, make_buyer


def test_a_colleague_pays_on_the_pay_page(client):
    buyer = make_buyer()
    colleague = make_user(buyer.organisation, role=buyer.role)
    (pack,) = list_packs(1)
    order = checkout.checkout(buyer, [{"pack_id": pack.id}])
    page = f"/market/orders/{order.id}/pay"
    Auth(client).login(colleague.email)
    assert client.get(page).status_code == 200
    paid = submit(client, page, {"method": "pm_card_visa"})
    assert paid.status_code == 302, paid.text
    db.session.expire_all()
    assert db.session.get(Order, order.id).status is OrderStatus.PAID


def test_another_organisations_buyer_does_not_find_the_pay_page(client):
    order = checkout.checkout(make_buyer(), [{"pack_id": list_packs(1)[0].id}])
    Auth(client).login(make_buyer().email)
    assert client.get(f"/market/orders/{order.id}/pay").status_code == 404
