"""The cart's delivery line: pickup free with its day, delivery's fee by road distance and
its day in working days, the total charged through Stripe equal to the total shown."""

from __future__ import annotations

import math
import re
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
import sqlalchemy as sa
from flask import current_app

from lithloop import payments
from lithloop.extensions import db
from lithloop.geo.gazetteer import load_places, park_place
from lithloop.models import Order, OrderStatus
from lithloop.services.errors import Invalid
from lithloop.services.market import cart as market_cart
from lithloop.services.market import catalog_groups, delivery, invoices
from lithloop.services.market import refunds as market_refunds
from tests.conftest import Auth, submit
from tests.market.support import list_packs, make_admin, make_buyer
from tests.pdf_text import pdf_text

HAILIN = "海林市"  # 25.4 km by road from the park (great circle 19.57 km x 1.3)


def _login(client, user, lang="en"):
    client.get(f"/lang/{lang}")
    Auth(client).login(user.email)


def _order() -> Order:
    return db.session.scalar(sa.select(Order).order_by(Order.id.desc()))


def _great_circle_km(a, b) -> float:
    """Haversine on the mean Earth radius, written out here apart from the app's numpy one."""
    lat1, lon1, lat2, lon2 = map(math.radians, (a.lat, a.lon, b.lat, b.lon))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * 6371.0088 * math.asin(math.sqrt(h))


def _money(fen: int) -> str:
    return f"¥{Decimal(fen) / 100:,.2f}"


def test_the_fee_adds_km_packs_and_kg_at_their_rates():
    rate = delivery.Rates(per_km_fen=800, per_pack_fen=5000, per_kg_fen=10)
    assert delivery.fee_fen(Decimal("100.0"), 2, Decimal("300"), rate) == 80_000 + 10_000 + 3_000
    assert delivery.fee_fen(Decimal("0.1"), 0, Decimal("0"), rate) == 80
    assert delivery.fee_fen(Decimal("25.45"), 1, Decimal("0.05"), rate) == 20_360 + 5_000 + 1
    assert delivery.delivery_days(Decimal("25.4"), rate) == 3  # lead 2 + 1 for the road
    assert delivery.delivery_days(Decimal("400.1"), rate) == 4


def test_the_exact_fee_for_a_known_distance(app, monkeypatch):
    hailin = next(p for p in load_places() if p.name_zh == HAILIN)
    km = Decimal(str(round(_great_circle_km(park_place(), hailin) * 1.3, 1)))
    assert km == Decimal("25.4")
    quote = delivery.city_quote("Hailin", 2, Decimal("600"), today=date(2026, 12, 2))
    assert quote.distance_km == km and quote.city == HAILIN
    assert quote.fee_fen == 25_4 * 80 + 2 * 5000 == 30_320  # ¥8.00/km, ¥50.00 a pack
    monkeypatch.setitem(current_app.config, "DELIVERY_FEE_PER_KG_FEN", 5)
    assert delivery.city_quote(HAILIN, 2, Decimal("600")).fee_fen == 30_320 + 3_000


def test_the_day_counts_working_days_across_a_weekend_and_a_holiday(app):
    # Mid-Autumn 2026: Fri 25 - Sun 27 September off; National Day 1-7 October off,
    # Saturday 10 October a working day (调休).
    pickup = delivery.terms({"delivery_kind": "pickup"}, 1, Decimal(0), today=date(2026, 9, 24))
    assert pickup == {"delivery_fee_fen": 0, "delivery_eta": date(2026, 9, 28)}
    where = {"delivery_kind": "address", "delivery_km": Decimal("25.4")}
    shipped = delivery.terms(where, 1, Decimal(0), today=date(2026, 9, 30))
    assert shipped["delivery_eta"] == date(2026, 10, 10)  # 8, 9 and the working Saturday
    friday = delivery.terms(where, 1, Decimal(0), today=date(2026, 12, 4))
    assert friday["delivery_eta"] == date(2026, 12, 9)  # Mon 7, Tue 8, Wed 9
    far = {"delivery_kind": "address", "delivery_km": Decimal("450")}
    assert delivery.terms(far, 1, Decimal(0), today=date(2026, 12, 4))["delivery_eta"] == date(
        2026, 12, 10
    )


def test_the_cart_shows_the_fee_and_the_order_charges_the_total_shown(client, frozen_clock):
    frozen_clock(datetime(2026, 12, 4, 2, 0, tzinfo=UTC))  # Friday 10:00 in Mudanjiang
    buyer = make_buyer()
    _login(client, buyer)
    packs = list_packs(2, price_fen=1_130_00)
    group = catalog_groups.group_id(packs[0])
    submit(client, "/market/cart/add", {"group_id": group, "quantity": 2}, page="/market/")
    page = client.get("/market/cart").get_data(as_text=True)
    words = re.sub(r"<[^>]+>", "", page)  # the day is kept whole
    assert "ready for pickup from 2026-12-07 (Mon)" in words  # Friday: next working day
    chosen = {"delivery_kind": "address", "city": "Hailin", "address": "Xinhua St 8"}
    shown = submit(
        client,
        "/market/cart/delivery",
        {**chosen, "phone": "13904531234"},
        page="/market/cart",
        follow_redirects=True,
    )
    page = shown.get_data(as_text=True)
    fee, total = 30_320, 2 * 1_130_00 + 30_320
    words = re.sub(r"<[^>]+>", "", page)  # the amount and the distance are kept whole
    assert f"Delivery fee {_money(fee)} (25.4 km from the park); expected on 2026-12-09 (Wed)" in (
        words
    )
    assert re.search(r'class="num money total-fen">' + re.escape(_money(total)), page)
    vat = sum(invoices.split_vat(p, 13)[1] for p in (1_130_00, 1_130_00, fee))
    assert _money(vat) in page
    ordered = submit(
        client, "/market/checkout", {**chosen, "phone": "13904531234"}, page="/market/cart"
    )
    assert ordered.status_code == 302 and "/pay" in ordered.location, ordered.data[:400]
    order = _order()
    assert (order.total_fen, order.delivery_fee_fen) == (total, fee)
    assert order.delivery_eta == date(2026, 12, 9) and order.delivery_km == Decimal("25.4")
    intent = payments.gateway().retrieve(order.payment.intent_id)
    assert intent.amount_fen == total == order.payment.amount_fen  # what Stripe will charge
    pay_page = client.get(ordered.location).get_data(as_text=True)
    assert f'pay-total">{_money(total)}' in pay_page and _money(fee) in pay_page
    client.get("/lang/zh_CN")  # no space before the full-width bracket (was "¥… （电池包")
    chinese = client.get(ordered.location).get_data(as_text=True)
    assert re.search(r'</strong><span class="muted">\uff08电池包 ', chinese), chinese
    client.get("/lang/en")
    order_page = client.get(f"/market/orders/{order.id}").get_data(as_text=True)
    order_words = re.sub(r"<[^>]+>", "", order_page)
    assert "Delivery fee" in order_words and "expected on 2026-12-09 (Wed)" in order_words


def test_another_city_than_the_one_shown_is_shown_before_it_is_ordered(client):
    _login(client, make_buyer())
    packs = list_packs(1)
    submit(client, "/market/cart/add", {"pack_id": packs[0].id}, page="/market/")
    first = {"delivery_kind": "address", "city": "海林市", "address": "A 1", "phone": "13904531234"}
    submit(client, "/market/cart/delivery", first, page="/market/cart")
    moved = submit(client, "/market/checkout", {**first, "city": "穆棱市"}, page="/market/cart")
    assert moved.status_code == 302 and moved.location.endswith("/market/cart#delivery")
    assert _order() is None  # nothing ordered at a fee the buyer did not see
    page = client.get("/market/cart").get_data(as_text=True)
    assert "Delivery to Muling" in page and "Check the delivery fee" in page


HOSTILE = [
    ({"city": "Atlantis"}, "city", "We do not deliver to"),
    ({"city": ""}, "city", "Choose the city or county"),
    ({"city": "x" * 5000}, "city", "We do not deliver to"),
    ({"city": "<script>alert(1)</script>"}, "city", "We do not deliver to"),
    ({"city": "海林市", "address": "   "}, "address", "enter the street address"),
    # walk finding: a longer address was cut to its first 300 characters, and ordered
    ({"city": "海林市", "address": "Xinhua St " * 31}, "address", "at most 300 characters"),
    ({"city": "海林市", "contact": "Zhang " * 17}, "contact", "at most 100 characters"),
    ({"city": "海林市", "phone": ""}, "phone", "enter a phone number"),
    ({"city": "海林市", "phone": "call me"}, "phone", "7 to 15 digits"),
    # sold, it would be left out of every run: no truck gets there and back within a day
    ({"city": "大庆市"}, "city", "cannot drive to Daqing and back within a working day"),
]


@pytest.mark.parametrize(("fields", "field", "message"), HOSTILE)
def test_bad_delivery_input_is_refused_beside_its_field(client, fields, field, message):
    _login(client, make_buyer())
    packs = list_packs(1)
    submit(client, "/market/cart/add", {"pack_id": packs[0].id}, page="/market/")
    form = {"delivery_kind": "address", "city": "海林市", "address": "A 1", "phone": "13904531234"}
    form.update(fields)
    submit(client, "/market/cart/delivery", {**form, "city": "海林市"}, page="/market/cart")
    answer = submit(client, "/market/checkout", form, page="/market/cart")
    assert answer.status_code == 422, answer.status_code
    page = answer.get_data(as_text=True)
    beside = re.search(rf'<p class="error" id="c-{field}-err">([^<]*)</p>', page)
    assert beside and message in beside.group(1), page[page.find("<form") :][:1500]
    assert "<script>alert" not in page
    assert _order() is None
    assert packs[0].state.value == "finished"


def test_an_unknown_kind_or_a_nul_is_refused(client):
    _login(client, make_buyer())
    packs = list_packs(1)
    submit(client, "/market/cart/add", {"pack_id": packs[0].id}, page="/market/")
    with pytest.raises(Invalid):
        delivery.find_city("\u200b")
    bad_kind = submit(client, "/market/checkout", {"delivery_kind": "drone"}, page="/market/cart")
    assert bad_kind.status_code in (302, 422)
    order = _order()
    assert order is None or order.delivery_fee_fen == 0  # anything but "address" is pickup
    nul = submit(
        client,
        "/market/cart/delivery",
        {"delivery_kind": "address", "city": "海\x00"},
        page="/market/cart",
    )
    assert nul.status_code == 400


def test_a_full_refund_gives_back_the_delivery_fee_too(client):
    buyer = make_buyer()
    _login(client, buyer)
    packs = list_packs(1, price_fen=500_00)
    submit(client, "/market/cart/add", {"pack_id": packs[0].id}, page="/market/")
    form = {"delivery_kind": "address", "city": "海林市", "address": "A 1", "phone": "13904531234"}
    submit(client, "/market/cart/delivery", form, page="/market/cart")
    submit(client, "/market/checkout", form, page="/market/cart")
    order = _order()
    submit(
        client,
        f"/market/orders/{order.id}/pay",
        {"method": "pm_card_visa"},
        page=f"/market/orders/{order.id}/pay",
    )
    db.session.refresh(order)
    assert order.status is OrderStatus.PAID
    invoice = invoices.invoice_for(buyer, order.id)
    assert invoice.total_fen == order.total_fen == 500_00 + order.delivery_fee_fen
    assert invoice.pack_count == 1 and invoice.lines[-1].delivery
    pdf = client.get(f"/market/orders/{order.id}/invoice?format=pdf")
    assert pdf.status_code == 200, pdf.status_code
    text = " ".join(pdf_text(pdf.data).split())
    assert "Delivery fee" in text and "Delivery to Hailin, 25.4 km" in text
    assert _money(order.delivery_fee_fen) in text and _money(order.total_fen) in text
    market_refunds.refund(make_admin(), order.id, reason="changed mind")
    db.session.refresh(order)
    assert order.status is OrderStatus.REFUNDED and order.refunded_fen == order.total_fen


def test_the_park_city_by_its_own_name_is_its_centre(app):
    """Mudanjiang is listed by its districts; a buyer typing the city means its centre."""
    centre = delivery.find_city("东安区")
    for name in ("牡丹江市", "牡丹江", "Mudanjiang", " mudanjiang "):
        assert delivery.find_city(name) == centre, name
    with pytest.raises(Invalid):
        delivery.find_city("牡丹江省")


def test_the_cart_lists_only_cities_a_truck_reaches_and_returns_from_within_a_day(
    client, frozen_clock
):
    from datetime import time

    from tests.factories import TruckFactory

    # a winter Monday: travel times take the winter factor (in summer Daqing is in reach)
    frozen_clock(datetime(2026, 12, 7, 1, 0, tzinfo=UTC))

    _login(client, make_buyer(), lang="zh_CN")
    submit(client, "/market/cart/add", {"pack_id": list_packs(1)[0].id}, page="/market/")
    offered = re.search(
        r'<datalist id="c-cities">(.*?)</datalist>', client.get("/market/cart").text
    )
    names = set(re.findall(r'<option value="([^"]+)">', offered.group(1)))
    assert HAILIN in names and "穆棱市" in names
    assert "大庆市" not in names and "哈尔滨市" not in names  # refused when typed (HOSTILE)
    far = {p.name_zh for p in delivery.cities()} - names
    assert far and all(
        _great_circle_km(park_place(), p) > 100 for p in delivery.cities() if p.name_zh in far
    )
    # The trucks' working day sets the reach: a two-hour shift reaches only the nearest places.
    TruckFactory(shift_start=time(7), shift_end=time(9))
    near = {p.name_zh for p in delivery.reachable_cities()}
    assert HAILIN in near and near < names


def test_the_reachable_list_is_worked_out_once_unless_osrm_did_not_answer(app, monkeypatch):
    from lithloop.services.booking import distances

    calls = []
    real = distances.day_matrices
    monkeypatch.setattr(distances, "day_matrices", lambda *a: calls.append(a) or real(*a))
    app.config["OSRM_URL"] = current_app.config["OSRM_URL"] = "http://127.0.0.1:9"  # refused
    first = delivery.reachable_cities()
    assert delivery.reachable_cities() == first and len(calls) == 2  # a fallback is not kept
    app.config["OSRM_URL"] = current_app.config["OSRM_URL"] = None
    assert delivery.reachable_cities() == first  # straight lines x 1.3 either way
    assert delivery.reachable_cities() == first and len(calls) == 3  # kept: one matrix call


def _city_field(page: str) -> str:
    return re.search(r'<input id="c-city" name="city"[^>]* value="([^"]*)"', page).group(1)


@pytest.mark.parametrize("path", ["/market/cart/delivery", "/market/checkout"])
def test_a_refused_city_is_not_kept_and_the_last_good_one_stays(client, frozen_clock, path):
    frozen_clock(datetime(2026, 12, 7, 1, 0, tzinfo=UTC))  # winter: Daqing is out of reach
    buyer = make_buyer()
    _login(client, buyer)
    packs = list_packs(1)
    submit(client, "/market/cart/add", {"pack_id": packs[0].id}, page="/market/")
    form = {"delivery_kind": "address", "city": "海林市", "address": "A 1", "phone": "13904531234"}
    submit(client, "/market/cart/delivery", form, page="/market/cart")
    answer = submit(client, path, {**form, "city": "大庆市"}, page="/market/cart")
    assert answer.status_code == 422
    page = answer.get_data(as_text=True)
    beside = re.search(r'<p class="error" id="c-city-err">([^<]*)</p>', page)
    assert beside and "cannot drive to Daqing" in beside.group(1)
    # shown as typed, with no fee: the last good city there was ordered by the next press
    assert _city_field(page) == "大庆市" and "Delivery to Hailin" not in _city_words(page)
    assert market_cart.read(buyer)["delivery"]["city"] == "海林市"  # kept in the cart
    assert "Delivery to Hailin" in _city_words(client.get("/market/cart").text)
    assert _order() is None


def test_a_refused_first_city_leaves_none(client, frozen_clock):
    frozen_clock(datetime(2026, 12, 7, 1, 0, tzinfo=UTC))
    buyer = make_buyer()
    _login(client, buyer)
    submit(client, "/market/cart/add", {"pack_id": list_packs(1)[0].id}, page="/market/")
    form = {"delivery_kind": "address", "city": "大庆市", "address": "A 1", "phone": "13904531234"}
    answer = submit(client, "/market/cart/delivery", form, page="/market/cart")
    assert answer.status_code == 422 and 'id="c-city-err"' in answer.text
    assert _city_field(answer.text) == "大庆市"  # as typed; the cart keeps no city
    kept = market_cart.read(buyer)["delivery"]
    assert (kept["kind"], kept["city"], kept["address"]) == ("address", "", "A 1")
    assert "大庆" not in client.get("/market/cart").text.split('id="c-cities"')[0]


def test_ordering_from_the_page_that_refused_a_city_does_not_send_the_last_good_one(
    client, frozen_clock
):
    """walk: the refused page put the last good city back in the field, with its fee, under
    the street address typed for the refused one; the next press ordered a delivery to
    Hailin at a street of Daqing."""
    frozen_clock(datetime(2026, 12, 7, 1, 0, tzinfo=UTC))
    _login(client, make_buyer())
    submit(client, "/market/cart/add", {"pack_id": list_packs(1)[0].id}, page="/market/")
    good = {"delivery_kind": "address", "city": "海林市", "address": "A 1", "phone": "13904531234"}
    submit(client, "/market/cart/delivery", good, page="/market/cart")
    daqing = {**good, "city": "大庆市", "address": "让胡路区 8 号"}
    refused = submit(client, "/market/cart/delivery", daqing, page="/market/cart")
    assert refused.status_code == 422
    shown = {**daqing, "city": _city_field(refused.text)}  # the form as the page shows it
    again = submit(client, "/market/checkout", shown, page="/market/cart")
    assert again.status_code == 422 and _order() is None


def _city_words(page: str) -> str:
    return re.sub(r"<[^>]+>", "", page)


@pytest.mark.parametrize("typed", ["Mudanjiang Province", "  MUDANJIANG Province "])
def test_a_refused_city_is_echoed_as_typed_not_lower_cased(app, typed):
    """The refusal names the city as the person typed it (trimmed); matching ignores case."""
    assert delivery.find_city("MUDANJIANG") == delivery.find_city("mudanjiang")
    with pytest.raises(Invalid) as refused:
        delivery.find_city(typed)
    assert f"“{typed.strip()}”" in str(refused.value.message)
