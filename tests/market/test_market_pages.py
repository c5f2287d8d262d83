"""The buyer's pages and the admin's refund page, through the test client."""

from __future__ import annotations

import os
import re

import sqlalchemy as sa

from lithloop import payments
from lithloop.extensions import db
from lithloop.models import Order, OrderStatus, Pack, PackState
from lithloop.services.market import cart as market_cart
from lithloop.services.market import catalog, catalog_groups
from lithloop.services.market import orders as market_orders
from lithloop.services.market import refunds as market_refunds
from tests.conftest import Auth, submit
from tests.market.support import list_packs, make_admin, make_buyer
from tests.market.test_deliveries import paid_delivery
from tests.plain_language import untranslated
from tests.sent_sql import first_line, is_write, sent_statements


def _login(client, user, lang="en"):
    client.get(f"/lang/{lang}")
    Auth(client).login(user.email)


def _order() -> Order:
    return db.session.scalar(sa.select(Order).order_by(Order.id.desc()))


def _checkout(client, group: str, quantity: int = 1):
    submit(client, "/market/cart/add", {"group_id": group, "quantity": quantity}, page="/market/")
    response = submit(client, "/market/checkout", {"delivery_kind": "pickup"}, page="/market/cart")
    assert response.status_code == 302 and "/pay" in response.location, response.data[:500]
    return _order()


def test_catalog_filters_groups_and_links_the_listing(client):
    _login(client, make_buyer())
    lfp = list_packs(3, chemistry="LFP", price_fen=1_200_000)
    list_packs(
        2,
        chemistry="NCM523",
        grade="B",
        rated_wh=5120,
        price_fen=300_000,
        use_case="low_speed_vehicle",
    )
    body = client.get("/market/").get_data(as_text=True)
    assert "3 in stock" in body and "2 in stock" in body and "Packs for sale" in body
    only = client.get("/market/?chemistry=NCM523&sort=-price").get_data(as_text=True)
    assert "2 in stock" in only and "3 in stock" not in only
    assert "No packs match" in client.get("/market/?min_soh=95").get_data(as_text=True)
    bad = client.get("/market/?min_kwh=lots").get_data(as_text=True)
    assert "Enter a number" in bad
    # Prices in yuan, as the page shows them: ¥10,000 keeps the ¥3,000 packs, not the ¥12,000
    cheap = client.get("/market/?max_price=10000").get_data(as_text=True)
    assert "2 in stock" in cheap and "3 in stock" not in cheap
    dear = client.get("/market/?min_price=¥3,000.01").get_data(as_text=True)
    assert "3 in stock" in dear and "2 in stock" not in dear
    assert "Price up to (¥)" in cheap and "(fen)" not in cheap
    refused = client.get("/market/?max_price=-5")
    assert refused.status_code == 200 and "0 or more" in refused.get_data(as_text=True)
    page = client.get(f"/market/packs/{lfp[0].id}").get_data(as_text=True)
    assert f'href="/p/{lfp[0].code}"' in page and "Test report" in page
    assert "¥12,000.00" in page and "test-1" in page and "140" in page
    assert 'class="qr"' in page and f"http://lithloop.test/p/{lfp[0].code}" in page


def test_buyer_orders_pays_with_visa_and_sees_the_order(client):
    buyer = make_buyer()
    _login(client, buyer)
    packs = list_packs(3)
    order = _checkout(client, catalog_groups.group_id(packs[0]), 2)
    pay_response = client.get(f"/market/orders/{order.id}/pay")
    script_src = pay_response.headers["Content-Security-Policy"].split("script-src ")[1]
    assert script_src.split(";")[0].split() == ["'self'", os.environ["STRIPE_API_BASE"]]
    assert "script-src 'self';" in client.get("/market/").headers["Content-Security-Policy"]
    pay_page = pay_response.get_data(as_text=True)
    assert "Test payment" in pay_page and "4242" in pay_page and 'id="card-element"' in pay_page
    response = submit(client, f"/market/orders/{order.id}/pay", {"method": "pm_card_visa"})
    assert response.status_code == 302 and response.location.endswith(f"/orders/{order.id}")
    db.session.expire_all()
    assert _order().status is OrderStatus.PAID
    assert "Paid" in client.get(f"/market/orders/{order.id}").get_data(as_text=True)
    assert f">{order.id}<" in client.get("/market/orders").get_data(as_text=True)


def test_pickup_instructions_follow_payment_only(client):
    from tests.factories import make_park

    make_park()
    buyer = make_buyer()
    _login(client, buyer)
    packs = list_packs(2)
    order = _checkout(client, catalog_groups.group_id(packs[0]), 1)
    unpaid = client.get(f"/market/orders/{order.id}").get_data(as_text=True)
    assert "How to collect your packs" not in unpaid  # nothing to collect before paying
    submit(client, f"/market/orders/{order.id}/pay", {"method": "pm_card_visa"})
    paid = client.get(f"/market/orders/{order.id}").get_data(as_text=True)
    assert "How to collect your packs" in paid and "产业园" in paid and "08:00" in paid
    assert f"give order #{order.id}" in paid and "UN3480" in paid


def test_3d_secure_step_then_declined_card_message(client):
    _login(client, make_buyer())
    packs = list_packs(2)
    order = _checkout(client, catalog_groups.group_id(packs[0]))
    response = submit(client, f"/market/orders/{order.id}/pay", {"method": "4000002760003184"})
    assert response.location.endswith(f"/orders/{order.id}/authenticate")
    challenge = client.get(response.location).get_data(as_text=True)
    assert "confirm-3ds" in challenge and "Approve the payment" in challenge
    submit(client, f"/market/orders/{order.id}/authenticate", {"outcome": "approve"})
    db.session.expire_all()
    assert db.session.get(Order, order.id).status is OrderStatus.PAID
    declined = _checkout(client, catalog_groups.group_id(packs[0]))
    response = submit(
        client, f"/market/orders/{declined.id}/pay", {"method": "pm_card_chargeCustomerFail"}
    )
    assert response.status_code == 402
    assert "declined" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Order, declined.id).status is OrderStatus.PENDING_PAYMENT
    assert db.session.get(Order, declined.id).lines[0].pack.state is PackState.RESERVED


def _writes_of(client, url: str) -> list[str]:
    """The INSERT / UPDATE / DELETE statements a GET of `url` makes."""
    with sent_statements(client.application, is_write) as made:
        assert client.get(url).status_code == 302
    return [first_line(s) for s in made]


def test_the_3d_secure_return_writes_only_when_the_payment_changed(client):
    _login(client, make_buyer())
    first, second = list_packs(2)
    paid = _checkout(client, catalog_groups.group_id(first))
    submit(client, f"/market/orders/{paid.id}/pay", {"method": "pm_card_visa"})
    db.session.expire_all()
    before = db.session.get(Order, paid.id).payment.updated_at
    for _ in range(2):  # Stripe says succeeded, as stored: nothing to write
        assert _writes_of(client, f"/market/orders/{paid.id}/return") == []
    db.session.expire_all()
    assert db.session.get(Order, paid.id).payment.updated_at == before
    waiting = _checkout(client, catalog_groups.group_id(second))
    submit(client, f"/market/orders/{waiting.id}/pay", {"method": "4000002760003184"})
    assert _writes_of(client, f"/market/orders/{waiting.id}/return") == []  # still waiting
    payment = db.session.get(Order, waiting.id).payment
    payments.gateway().test_authenticate(
        payments.Intent(payment.intent_id, payment.client_secret, "requires_action", 1, None, None),
        True,
    )
    assert any(
        "market_payment" in w for w in _writes_of(client, f"/market/orders/{waiting.id}/return")
    )
    db.session.expire_all()
    assert db.session.get(Order, waiting.id).status is OrderStatus.PAID


def test_sold_pack_conflict_shown_in_the_cart_and_other_buyers_order_404(app, client):
    buyer = make_buyer()
    _login(client, buyer)
    (pack,) = list_packs(1)
    other = app.test_client()
    _login(other, make_buyer())
    submit(other, "/market/cart/add", {"pack_id": pack.id}, page="/market/")  # while on sale
    submit(client, "/market/cart/add", {"pack_id": pack.id}, page="/market/")
    submit(client, "/market/checkout", {"delivery_kind": "pickup"}, page="/market/cart")
    order = _order()
    again = submit(other, "/market/checkout", {"delivery_kind": "pickup"}, page="/market/cart")
    assert again.status_code == 409 and pack.code in again.get_data(as_text=True)
    assert other.get(f"/market/orders/{order.id}").status_code == 404
    assert other.get(f"/market/orders/{order.id}/pay").status_code == 404


def test_the_cart_takes_only_packs_on_sale_and_shows_no_other(app, client):
    buyer = make_buyer()
    _login(client, buyer)
    sold, consumed, on_sale = list_packs(3)
    hidden = Pack(  # a bus company's pack on its register: never listed, no price
        code="TSTREG0000000001",
        chemistry="LFP",
        rated_wh=51_200,
        mass_kg=400,
        state=PackState.RECEIVED,
    )
    db.session.add(hidden)
    consumed.state, consumed.warehouse = PackState.CONSUMED, None
    db.session.commit()
    submit(client, "/market/cart/add", {"pack_id": sold.id}, page="/market/")
    submit(client, "/market/checkout", {"delivery_kind": "pickup"}, page="/market/cart")
    for pack in (sold, consumed, hidden):  # reserved by this order, used up, not for sale
        refused = submit(client, "/market/cart/add", {"pack_id": pack.id}, page="/market/")
        text = refused.get_data(as_text=True)
        assert refused.status_code == 404 and "No such pack for sale" in text
        assert pack.code not in text
    for typed in ("abc", "0", str(10**12)):
        refused = submit(client, "/market/cart/add", {"pack_id": typed}, page="/market/")
        assert refused.status_code == 404
    page = client.get("/market/cart").get_data(as_text=True)
    assert all(p.code not in page for p in (sold, consumed, hidden)) and "Cart" in page
    assert market_cart.read(buyer)["packs"] == []  # nothing was added
    market_cart.save(buyer, [consumed.id, hidden.id], {})  # a cart kept from before
    page = client.get("/market/cart").get_data(as_text=True)
    assert consumed.code not in page and hidden.code not in page
    added = submit(client, "/market/cart/add", {"pack_id": on_sale.id}, page="/market/")
    assert added.status_code == 302 and on_sale.code in client.get("/market/cart").get_data(
        as_text=True
    )


def test_admin_refunds_a_line_and_over_refund_is_refused(app, client):
    buyer = make_buyer()
    _login(client, buyer)
    packs = list_packs(2, price_fen=100_000)
    order = _checkout(client, catalog_groups.group_id(packs[0]), 2)
    submit(client, f"/market/orders/{order.id}/pay", {"method": "pm_card_visa"})
    admin_client = app.test_client()
    _login(admin_client, make_admin())
    page = f"/market/orders/{order.id}"
    line = order.lines[0]
    too_much = submit(
        admin_client,
        f"/market/admin/orders/{order.id}/refund",
        {"line_id": line.id, "amount": "1000.01"},
        page=page,
    )
    assert too_much.status_code == 422
    assert "more than the ¥1,000.00" in too_much.get_data(as_text=True)
    for typed in ("0,5", "1,2345", "²", "1e3", "-5"):  # a decimal comma is not a thousands one
        refused = submit(
            admin_client,
            f"/market/admin/orders/{order.id}/refund",
            {"line_id": line.id, "amount": typed},
            page=page,
        )
        assert refused.status_code == 422, typed
    comma = submit(
        admin_client,
        f"/market/admin/orders/{order.id}/refund",
        {"line_id": line.id, "amount": "0,5"},
        page=page,
    )
    assert "a comma only separates thousands (1,234.50)" in comma.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Order, order.id).refunded_fen == 0
    admin_client.get("/lang/zh_CN")  # no space before the full-width bracket
    asked = submit(
        admin_client,
        f"/market/admin/orders/{order.id}/refund",
        {"line_id": line.id, "amount": "250"},
        page=page,
    ).get_data(as_text=True)
    assert re.search(r"</strong>\uff08可退余额 ", asked), asked
    admin_client.get("/lang/en")
    done = submit(
        admin_client,
        f"/market/admin/orders/{order.id}/refund",
        {"line_id": line.id, "amount": "¥250.00", "reason": "scratch", "confirmed": "1"},
        page=page,
    )
    assert done.status_code == 302
    db.session.expire_all()
    order = db.session.get(Order, order.id)
    assert order.status is OrderStatus.PAID and order.refunded_fen == 25_000  # money, not a state
    body = admin_client.get(page).get_data(as_text=True)
    assert re.search(r"scratch", body) and "Mark returned" not in body  # not shipped yet
    assert client.get("/market/orders").status_code == 200


def test_a_return_asks_first_and_only_for_a_pack_the_buyer_received(app, client):
    buyer = make_buyer()
    _login(client, buyer)
    (pack,) = list_packs(1, price_fen=100_000)
    order = _checkout(client, catalog_groups.group_id(pack))
    submit(client, f"/market/orders/{order.id}/pay", {"method": "pm_card_visa"})
    admin = make_admin()
    admin_client = app.test_client()
    _login(admin_client, admin, lang="zh")
    page, line_id = f"/market/orders/{order.id}", order.lines[0].id
    url = f"/market/admin/lines/{line_id}/returned"
    assert "标记为已退回" not in admin_client.get(page).get_data(as_text=True)
    for form in ({}, {"confirmed": "1"}):  # paid, never shipped, nothing refunded
        refused = submit(admin_client, url, form, page=page)
        said = refused.get_data(as_text=True)
        assert refused.status_code == 409 and "全额退款" in said and pack.code in said
        db.session.expire_all()
        assert db.session.get(Pack, pack.id).state is PackState.SOLD
    market_orders.advance(admin, order.id)
    market_orders.advance(admin, order.id)  # shipped
    assert "标记为已退回" in admin_client.get(page).get_data(as_text=True)
    asked = submit(admin_client, url, {}, page=page)  # the button asks first, as a page
    body = asked.get_data(as_text=True)
    assert asked.status_code == 200 and 'name="confirmed" value="1"' in body
    box = body[body.index('<section class="card confirm-box') : body.index("</section>")]
    assert "回到成品仓" in box and untranslated(re.sub(r"<[^>]+>", " ", box)) == []
    heading = box[box.index("<h1>") : box.index("</h1>")]  # the code never breaks at 390 px
    assert f"<code>{pack.code}</code>" in heading, heading
    db.session.expire_all()
    assert db.session.get(Pack, pack.id).state is PackState.SOLD
    done = submit(admin_client, url, {"confirmed": "1"}, page=page)
    assert done.status_code == 302
    db.session.expire_all()
    assert db.session.get(Pack, pack.id).state is PackState.FINISHED


def test_the_last_fulfilment_step_asks_first_saying_what_happens(client):
    """Delivered (a pickup: completed) ends the order's fulfilment for good: its button asks
    first through confirm.js, like every other irreversible button; earlier steps do not."""
    _login(client, make_admin(), lang="zh_CN")
    order = paid_delivery(status=OrderStatus.SHIPPED)

    def asked() -> str | None:
        body = client.get(f"/market/orders/{order.id}").get_data(as_text=True)
        form = re.search(
            rf'<form [^>]*action="/market/admin/orders/{order.id}/advance"[^>]*>', body
        )
        question = re.search(r'data-confirm="([^"]*)"', form.group(0))
        return question.group(1) if question else None

    assert asked() == (
        f"将订单 #{order.id} 标记为已送达？买家会收到电池包已送达的邮件通知，且无法撤销。"
    )
    order.delivery_kind = "pickup"
    db.session.commit()
    assert asked() == f"将订单 #{order.id} 标记为已完成？订单的履约到此结束，且无法撤销。"
    order.status = OrderStatus.PACKED
    db.session.commit()
    assert asked() is None  # shipping (handing over) is not the end


def test_an_unknown_cycle_count_is_shown_filtered_and_sorted_as_unknown(client):
    _login(client, make_buyer())
    (unread,) = list_packs(1, cycles=None, price_fen=100_000)
    (counted,) = list_packs(1, cycles=50, price_fen=200_000)
    body = client.get("/market/").get_data(as_text=True)
    assert "cycles unknown" in body and "50 cycles" in body
    assert not re.search(r"(?<!\d)0 cycles", body)  # not counted as none
    few = client.get("/market/?max_cycles=100").get_data(as_text=True)
    assert f"/market/packs/{counted.id}" in few and f"/market/packs/{unread.id}" not in few
    fewest = catalog.search(catalog.parse_filters({"sort": "cycles"}))
    assert [p.id for p in fewest] == [counted.id, unread.id]  # unknown last, not as 0
    client.get("/lang/zh_CN")
    assert "循环次数未知" in client.get("/market/").get_data(as_text=True)
    assert unread.cycle_count is None


def test_cart_is_kept_on_the_server_with_quantities_subtotal_and_vat(client):
    buyer = make_buyer()
    _login(client, buyer)
    packs = list_packs(3, price_fen=113_00)
    group = catalog_groups.group_id(packs[0])
    submit(client, "/market/cart/add", {"group_id": group, "quantity": 1}, page="/market/")
    submit(client, "/market/cart/add", {"group_id": group, "quantity": 2}, page="/market/cart")
    Auth(client).logout()
    _login(client, buyer)  # a new session: the cart is the buyer's, not the session's
    page = client.get("/market/cart").get_data(as_text=True)
    assert 'name="quantity"' in page and 'value="2"' in page
    assert "¥226.00" in page and "¥26.00" in page  # 2 × ¥113, of which 13 % VAT
    assert 'class="delivery-address"' in page  # hidden by CSS unless delivery is chosen
    other = make_buyer()
    Auth(client).logout()
    _login(client, other)
    assert "The cart is empty" in client.get("/market/cart").get_data(as_text=True)


def test_a_partial_refund_of_a_shipped_order_keeps_it_shipped_with_the_amount_shown(app, client):
    """A partial refund replaced the fulfilment state: a shipped order became 'partially
    refunded' and the admin was offered 'Next step: packed' again."""
    buyer = make_buyer()
    _login(client, buyer)
    packs = list_packs(2, price_fen=100_000)
    order = _checkout(client, catalog_groups.group_id(packs[0]), 2)
    submit(client, f"/market/orders/{order.id}/pay", {"method": "pm_card_visa"})
    admin = make_admin()
    for _ in range(2):
        market_orders.advance(admin, order.id)
    market_refunds.refund(admin, order.id, amount_fen=30_000, reason="scratch")
    order = db.session.get(Order, order.id)
    assert order.status is OrderStatus.SHIPPED and order.refunded_fen == 30_000
    admin_client = app.test_client()
    _login(admin_client, admin, lang="zh_CN")
    body = admin_client.get(f"/market/orders/{order.id}").get_data(as_text=True)
    assert "下一步：已完成" in body and "下一步：已打包" not in body, body  # picked up at the park
    collected = r"已在产业园提货</span>\s*<span class=\"tag refunded-part\">已退款 <span"
    assert re.search(collected, body)
    listing = client.get("/market/orders").get_data(as_text=True)
    assert 'refunded <span class="money">¥300.00</span>' in listing
    assert market_orders.advance(admin, order.id).status is OrderStatus.DELIVERED
    market_refunds.refund(admin, order.id)  # the rest: everything is refunded, the order ends
    assert db.session.get(Order, order.id).status is OrderStatus.REFUNDED


def test_the_catalogue_keeps_a_quantity_with_its_unit_and_says_soh_one_way(client):
    """At phone width '库存 3 个' broke between the number and its unit; the plant's pages
    wrote 'SoH' untranslated beside the catalogue's 'SOH'."""
    list_packs(3)
    _login(client, make_buyer(), lang="zh_CN")
    page = client.get("/market/").get_data(as_text=True)
    assert '<span class="quantity nowrap">库存 3 个</span>' in page
    assert "SoH" not in page and "SOH" in page


def test_a_pack_gone_since_its_link_was_shared_offers_its_identical_twins(client):
    """The page of a pack reserved or sold since said "2 identical packs in stock" and "no
    longer available", and offered no way to buy one of the two."""
    buyer = make_buyer()
    packs = list_packs(3, price_fen=113_00)
    packs[0].state = PackState.RESERVED
    db.session.commit()
    _login(client, buyer, "zh_CN")
    page = client.get(f"/market/packs/{packs[0].id}").get_data(as_text=True)
    assert "该电池包已不可购买" in page
    offer = page.split('id="add-identical"', 1)[1].split("</form>", 1)[0]
    assert (
        f'value="{catalog_groups.group_id(packs[0])}"' in offer
        and "将一个同款电池包加入购物车" in offer
    )
    added = submit(
        client,
        "/market/cart/add",
        {"group_id": catalog_groups.group_id(packs[0]), "quantity": "1"},
        page=f"/market/packs/{packs[0].id}",
    )
    assert added.status_code == 302
    assert market_cart.read(buyer)["groups"] == {catalog_groups.group_id(packs[0]): 1}
    on_sale = client.get(f"/market/packs/{packs[1].id}").get_data(as_text=True)
    assert 'id="add-identical"' not in on_sale and 'name="pack_id"' in on_sale  # itself
    for twin in packs[1:]:
        twin.state = PackState.SOLD
    db.session.commit()
    gone = client.get(f"/market/packs/{packs[0].id}").get_data(as_text=True)
    assert 'id="add-identical"' not in gone  # none left to offer


def test_a_buyer_searches_its_orders_by_number_the_admin_by_buyer_too(client):
    """A buyer's orders are all its own: "order number or buyer" offered a search it has no
    use for."""
    buyer, admin = make_buyer(), make_admin()
    _login(client, buyer, "zh_CN")
    page = client.get("/market/orders").get_data(as_text=True)
    label = page.split('role="search">', 1)[1].split('<input type="search"', 1)[0]
    assert "订单号" in label and "买家" not in label, label
    Auth(client).logout()
    _login(client, admin, "zh_CN")
    page = client.get("/market/orders").get_data(as_text=True)
    assert "订单号或买家" in page.split('role="search">', 1)[1].split('<input type="search"', 1)[0]


def test_an_order_filter_that_finds_nothing_does_not_say_there_are_no_orders(client):
    """Walk finding: a buyer with an order who filtered by a status none had read "No orders
    yet."."""
    buyer = make_buyer()
    _login(client, buyer, "zh_CN")
    _checkout(client, catalog_groups.group_id(list_packs(1)[0]))
    assert "暂无订单" not in client.get("/market/orders").get_data(as_text=True)
    for query in ("status=refunded", "q=999999"):
        page = client.get(f"/market/orders?{query}").get_data(as_text=True)
        assert "没有符合筛选条件的订单" in page and "暂无订单" not in page, query


def test_a_pack_alone_of_its_kind_is_in_stock_in_the_singular(client):
    """Walk finding: the page of a pack with no twin read "1 identical packs in stock"."""
    pack = list_packs(1, price_fen=117_00)[0]
    _login(client, make_buyer())
    page = client.get(f"/market/packs/{pack.id}").get_data(as_text=True)
    assert "1 identical pack in stock" in page and "1 identical packs" not in page
    client.get("/lang/zh_CN")
    assert "同款电池包库存 1 个" in client.get(f"/market/packs/{pack.id}").get_data(as_text=True)


def test_every_refused_catalog_filter_is_named_beside_its_field(client):
    """Walk finding: two bad filters (SoH -5, price "abc") showed the first only; the second
    appeared once the first was corrected."""
    list_packs(1)
    _login(client, make_buyer(), "zh_CN")
    page = client.get("/market/?min_soh=-5&max_price=abc&min_kwh=12").get_data(as_text=True)
    soh = page.split('id="f-min_soh"', 1)[1].split("</div>", 1)[0]
    price = page.split('id="f-max_price"', 1)[1].split("</div>", 1)[0]
    kwh = page.split('id="f-min_kwh"', 1)[1].split("</div>", 1)[0]
    assert 'class="error"' in soh and "0 至 100" in soh, soh
    assert 'class="error"' in price, price
    assert 'class="error"' not in kwh, kwh


def test_a_new_buyers_empty_order_list_leads_to_the_catalog(client):
    """New-user walk: a buyer's first look at the orders read "No orders yet." and offered
    nothing to do; it leads to the packs for sale (a filtered empty list does not)."""
    buyer = make_buyer()
    _login(client, buyer, "zh_CN")
    page = client.get("/market/orders").get_data(as_text=True)
    assert "暂无订单" in page
    assert re.search(
        r'id="first-order"><a class="button" href="/market/"[^>]*>浏览在售电池包', page
    )
    assert 'id="first-order"' not in client.get("/market/orders?status=paid").get_data(as_text=True)
