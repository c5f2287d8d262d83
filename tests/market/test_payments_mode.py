"""No fake Stripe in production: without a key and outside an explicit demo, payments are off."""

from __future__ import annotations

import pytest

from lithloop import payments
from lithloop.extensions import db
from lithloop.models import Order, PackState
from lithloop.services.market import catalog_groups
from tests.conftest import Auth, api_headers, make_app
from tests.market.support import list_packs, make_admin, make_buyer

OFF = {
    "STRIPE_SECRET_KEY": "",
    "STRIPE_PUBLISHABLE_KEY": "",
    "STRIPE_WEBHOOK_SECRET": "",
    "PAYMENTS_MODE": "",
}
WARNING = 'id="payments-off-warning"'


@pytest.fixture
def unpaid_app(app, database_url):
    """The app of the test's database with no Stripe key and no demo mode."""
    return make_app(database_url, **OFF)


def _documented(client, path: str) -> dict:
    """The responses the OpenAPI document gives for POST `path`."""
    return client.get("/api/v1/openapi.json").json["paths"][path]["post"]["responses"]


def test_without_a_key_checkout_refuses_before_reserving_anything(unpaid_app):
    buyer = make_buyer()
    (pack,) = list_packs(1)
    client = unpaid_app.test_client()
    response = client.post(
        "/api/v1/orders",
        headers=api_headers(client, buyer),
        json={"lines": [{"pack_id": pack.id}], "delivery": {"kind": "pickup"}},
    )
    assert response.status_code == 503, response.json
    assert response.json["error"] == "payments_off"
    assert "请联系产业园" in response.json["message"]  # contact the park
    assert "503" in _documented(client, "/api/v1/orders")  # in the document, as it answers
    db.session.expire_all()
    assert db.session.get(type(pack), pack.id).state is PackState.FINISHED
    assert db.session.query(Order).count() == 0
    with unpaid_app.app_context():
        assert not payments.enabled()
        with pytest.raises(payments.PaymentError):  # the fake server is never started
            payments.gateway()


def test_without_a_key_the_cart_says_so_instead_of_offering_to_order(unpaid_app):
    """The cart offered "Order and pay" with payments off: the buyer chose the delivery,
    pressed it, and only then read that no order can be placed."""
    from tests.conftest import submit

    buyer = make_buyer()
    (pack,) = list_packs(1)
    client = unpaid_app.test_client()
    client.get("/lang/zh_CN")
    Auth(client).login(buyer.email)
    group = catalog_groups.group_id(pack)
    added = submit(client, "/market/cart/add", {"group_id": group, "quantity": 1}, page="/market/")
    assert added.status_code in (302, 303)
    page = client.get("/market/cart").get_data(as_text=True)
    assert 'id="payments-off"' in page and "请联系产业园" in page
    assert "下单并付款" not in page  # no button that can only be refused


def test_admins_are_warned_when_payments_are_off(unpaid_app, app):
    admin = make_admin()
    off = unpaid_app.test_client()
    Auth(off).login(admin.email)
    assert WARNING in off.get("/").get_data(as_text=True)
    on = app.test_client()  # the test session's Stripe key (localstripe)
    Auth(on).login(admin.email)
    assert WARNING not in on.get("/").get_data(as_text=True)


def test_the_admins_warning_is_plain_words_and_names_the_readme_section(unpaid_app):
    """New user's walk: the Chinese admin page read "未设置 STRIPE_SECRET_KEY ... (PAYMENTS_MODE
    =demo)"; it now says what is missing, what it means, and where the operator reads how."""
    off = unpaid_app.test_client()
    Auth(off).login(make_admin().email)
    said = {}
    for lang in ("zh_CN", "en"):
        off.get(f"/lang/{lang}")
        page = off.get("/").get_data(as_text=True)
        said[lang] = page.split(WARNING)[1].split("</p>")[0]
    assert "产业园的 Stripe 密钥尚未配置，买家无法付款" in said["zh_CN"]
    assert "README 的 Configuration（配置）一节" in said["zh_CN"]
    assert "Stripe keys are not configured, so buyers cannot pay" in said["en"]
    assert "README, section Configuration" in said["en"]
    for words in said.values():
        assert "STRIPE_" not in words and "PAYMENTS_MODE" not in words and "=" not in words


def test_demo_mode_is_explicit_and_a_key_needs_no_demo(database_url, app):
    for mode, key, expected in (
        ("demo", "", True),
        ("", "", False),
        ("", "sk_test_x", True),
    ):
        with make_app(
            database_url, **{**OFF, "PAYMENTS_MODE": mode, "STRIPE_SECRET_KEY": key}
        ).app_context():
            assert payments.enabled() is expected, (mode, key)
    with pytest.raises(ValueError, match="PAYMENTS_MODE='production'"):  # not quietly "off"
        make_app(database_url, **{**OFF, "PAYMENTS_MODE": "production"})


def test_without_a_key_accepting_a_quote_refuses_before_reserving_anything(unpaid_app):
    """Accepting a quote reserved the packs, marked the quote accepted and then failed with
    "the payment service is not reachable, try again in a few minutes" (502): with payments
    off it is refused first, as a checkout is, and the quote can still be accepted later."""
    from lithloop.models import QuoteRequest, RfqStatus
    from lithloop.services.market import rfq as rfqs
    from lithloop.services.market import rfq_admin
    from tests.market.test_rfq import spec

    buyer, admin = make_buyer(), make_admin()
    packs = list_packs(2)
    rfq = rfqs.create(buyer, spec(quantity="2"))
    rfq_admin.quote(admin, rfq.id, unit_price_fen=100_000, valid_until=rfq.wanted_by)
    client = unpaid_app.test_client()
    response = client.post(
        f"/api/v1/rfqs/{rfq.id}/accept",
        headers=api_headers(client, buyer),
        json={"delivery": {"kind": "pickup"}},
    )
    assert response.status_code == 503, response.json
    assert response.json["error"] == "payments_off"
    assert "503" in _documented(client, "/api/v1/rfqs/{rfq_id}/accept")
    db.session.expire_all()
    assert db.session.get(QuoteRequest, rfq.id).status is RfqStatus.QUOTED
    assert [db.session.get(type(p), p.id).state for p in packs] == [PackState.FINISHED] * 2
    assert db.session.query(Order).count() == 0
