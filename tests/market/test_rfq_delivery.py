"""Accepting a quote for delivery: the city from the cart's list, the cart's fee for it, and
the fee and the total shown before the quote is accepted (on the page and in the API)."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
import sqlalchemy as sa

from lithloop.extensions import db
from lithloop.models import Order, QuoteRequest
from lithloop.services.market import delivery, rfq_admin
from lithloop.services.market import rfq as rfqs
from tests.conftest import Auth, api_headers, submit
from tests.market.support import list_packs, make_admin, make_buyer
from tests.market.test_rfq import spec

HAILIN = "海林市"  # 25.4 km by road from the park
PHONE = "13904531234"
PACK_KG = Decimal(400)  # tests.market.support.list_packs


def _quoted(quantity: int = 2):
    buyer, admin = make_buyer(), make_admin()
    list_packs(quantity, price_fen=1_000_000)
    rfq = rfqs.create(buyer, spec(quantity=str(quantity)))
    rfq_admin.quote(admin, rfq.id, unit_price_fen=900_000, valid_until=rfq.wanted_by)
    return buyer, rfq


def _money(fen: int) -> str:
    return f"¥{Decimal(fen) / 100:,.2f}"


def _orders() -> list[Order]:
    return list(db.session.scalars(sa.select(Order)))


def _hidden(page: str) -> dict:
    return dict(re.findall(r'<input type="hidden" name="(seen_\w+)" value="([^"]*)">', page))


def _on_page(client, buyer, lang="en"):
    client.get(f"/lang/{lang}")
    Auth(client).login(buyer.email)


def test_the_accept_form_offers_the_carts_cities(client):
    buyer, rfq = _quoted()
    _on_page(client, buyer, "zh_CN")
    page = client.get(f"/market/rfqs/{rfq.id}").text
    offered = re.search(r'<datalist id="a-cities">(.*?)</datalist>', page)
    assert offered, page[page.find("<form") :][:1500]
    names = set(re.findall(r'<option value="([^"]+)">', offered.group(1)))
    assert names == {p.name_zh for p in delivery.reachable_cities()}
    assert HAILIN in names and "大庆市" not in names


def test_delivery_shows_the_carts_fee_and_the_total_before_accepting(client):
    buyer, rfq = _quoted()
    _on_page(client, buyer)
    page = f"/market/rfqs/{rfq.id}"
    typed = {"delivery_kind": "address", "city": "Hailin", "address": "Xinhua St 8", "phone": PHONE}
    shown = submit(client, f"{page}/accept", typed, page=page)
    assert shown.status_code == 200 and _orders() == []  # nothing accepted yet
    fee = delivery.city_quote(HAILIN, 2, 2 * PACK_KG).fee_fen
    assert fee == 254 * 80 + 2 * 5000
    total = 2 * 900_000 + fee
    body = shown.text
    words = re.sub(r"<[^>]+>", "", body)
    assert f"Delivery fee {_money(fee)} (25.4 km from the park)" in words
    assert "Check the delivery fee and the total above, then accept." in words
    # amounts from integer fen, each kept on one line (the .money span does not wrap)
    assert f'<td class="num money delivery-fee">{_money(fee)}</td>' in body
    assert f'<td class="num money total-fen">{_money(total)}</td>' in body
    assert f'<span class="money">{_money(fee)}</span>' in body
    seen = {"seen_city": "Hailin", "seen_fee_fen": str(fee), "seen_unit_fen": "900000"}
    assert _hidden(body) == seen
    accepted = submit(client, f"{page}/accept", {**typed, **_hidden(body)}, page=page)
    assert accepted.status_code == 302 and accepted.location.endswith("/pay")
    (order,) = _orders()
    assert (order.delivery_fee_fen, order.total_fen) == (fee, total)
    assert order.delivery_city == HAILIN and order.delivery_km == Decimal("25.4")


def test_the_show_fee_button_only_shows_and_another_city_is_shown_again(client):
    buyer, rfq = _quoted()
    _on_page(client, buyer)
    page = f"/market/rfqs/{rfq.id}"
    typed = {"delivery_kind": "address", "city": HAILIN, "address": "A 1", "phone": PHONE}
    first = submit(client, f"{page}/accept", typed, page=page)
    seen = _hidden(first.text)
    asked = submit(client, f"{page}/accept", {**typed, **seen, "show_fee": "1"}, page=page)
    assert asked.status_code == 200 and _orders() == []
    moved = submit(client, f"{page}/accept", {**typed, **seen, "city": "穆棱市"}, page=page)
    assert moved.status_code == 200 and _orders() == []
    words = re.sub(r"<[^>]+>", "", moved.text)
    assert "Delivery to Muling" in words and "then accept" in words
    assert _hidden(moved.text)["seen_city"] == "穆棱市"
    forged = submit(client, f"{page}/accept", {**typed, **seen, "seen_fee_fen": "1"}, page=page)
    assert forged.status_code == 200 and _orders() == []  # a fee the page did not show


@pytest.mark.parametrize(
    ("city", "message"),
    [
        ("Atlantis", "We do not deliver to"),
        ("", "Choose the city or county"),
        ("大庆市", "cannot drive to Daqing and back within a working day"),
    ],
)
def test_a_city_not_in_the_list_is_refused_beside_the_field(client, city, message):
    buyer, rfq = _quoted()
    _on_page(client, buyer)
    page = f"/market/rfqs/{rfq.id}"
    typed = {"delivery_kind": "address", "city": city, "address": "A 1", "phone": PHONE}
    refused = submit(client, f"{page}/accept", typed, page=page)
    assert refused.status_code == 422
    beside = re.search(r'<p class="error" id="a-city-err">([^<]*)</p>', refused.text)
    assert beside and message in beside.group(1), refused.text[refused.text.find("<form") :][:1500]
    assert _orders() == []
    db.session.expire_all()
    assert db.session.get(QuoteRequest, rfq.id).order_id is None


def test_pickup_is_accepted_at_once_at_the_quoted_total(client):
    buyer, rfq = _quoted()
    _on_page(client, buyer)
    page = f"/market/rfqs/{rfq.id}"
    accepted = submit(client, f"{page}/accept", {"delivery_kind": "pickup"}, page=page)
    assert accepted.status_code == 302
    (order,) = _orders()
    assert (order.delivery_fee_fen, order.total_fen) == (0, 1_800_000)


@pytest.mark.parametrize(("city", "words"), [("Atlantis", "“Atlantis”"), ("大庆市", "大庆")])
def test_api_accept_refuses_an_unknown_or_unreachable_city_naming_the_field(client, city, words):
    buyer, rfq = _quoted()
    where = {"kind": "address", "city": city, "address": "A 1", "phone": PHONE}
    answer = client.post(
        f"/api/v1/rfqs/{rfq.id}/accept",
        json={"delivery": where},
        headers=api_headers(client, buyer),
    )
    assert answer.status_code == 422, answer.json
    assert answer.json["field"] == "city" and words in answer.json["message"]
    assert _orders() == []


def test_api_accept_charges_the_carts_fee_for_the_city(client):
    buyer, rfq = _quoted()
    where = {"kind": "address", "city": HAILIN, "address": "A 1", "phone": PHONE}
    answer = client.post(
        f"/api/v1/rfqs/{rfq.id}/accept",
        json={"delivery": where},
        headers=api_headers(client, buyer),
    )
    assert answer.status_code == 201, answer.json
    fee = delivery.city_quote(HAILIN, 2, 2 * PACK_KG).fee_fen
    assert answer.json["delivery"]["fee_fen"] == fee and answer.json["delivery"]["city"] == HAILIN
    assert answer.json["total_fen"] == 2 * 900_000 + fee


def test_accepting_at_another_fee_than_the_one_shown_is_refused_and_reserves_nothing(app):
    """The fee shown is worked out on the packs free when the page was drawn; accepting
    reserves the packs free then (another buyer may hold some): a fee that differs from the
    one shown is refused, nothing reserved, the quote still open to accept."""
    from lithloop.models import RfqStatus
    from lithloop.services.errors import Conflict

    buyer, rfq = _quoted()
    where = {"kind": "address", "city": HAILIN, "address": "A 1", "phone": PHONE}
    fee = delivery.city_quote(HAILIN, 2, 2 * PACK_KG).fee_fen
    with pytest.raises(Conflict) as refused:
        rfqs.accept(buyer, rfq.id, where, seen_fee_fen=fee - 1)
    assert refused.value.code == "fee_changed" and refused.value.field == "city"
    assert _money(fee) in str(refused.value.message) and _money(fee - 1) in str(
        refused.value.message
    )
    db.session.expire_all()
    assert _orders() == [] and db.session.get(QuoteRequest, rfq.id).status is RfqStatus.QUOTED
    order = rfqs.accept(buyer, rfq.id, where, seen_fee_fen=fee)  # the fee shown: accepted
    assert order.delivery_fee_fen == fee


def test_accepting_names_every_refused_delivery_field_at_once(client):
    # Walk finding: once the fee was seen, accepting refused one delivery field a submit.
    buyer, rfq = _quoted()
    _on_page(client, buyer)
    page = f"/market/rfqs/{rfq.id}"
    typed = {"delivery_kind": "address", "city": HAILIN, "address": "", "phone": "12"}
    shown = submit(client, f"{page}/accept", typed, page=page)
    refused = submit(client, f"{page}/accept", {**typed, **_hidden(shown.text)}, page=page)
    assert refused.status_code == 422
    assert set(re.findall(r'<p class="error" id="a-(\w+)-err">', refused.text)) == {
        "address",
        "phone",
    }
    assert _orders() == []
