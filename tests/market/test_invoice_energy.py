"""New-user walk: the invoice named a pack by its usable energy alone ("3.58 kWh") where the
order, the cart and the catalog name it by its rated energy ("5.12 kWh"): a buyer comparing
them read another pack. The invoice line says the rated energy, then the usable, in words."""

from __future__ import annotations

from flask_babel import force_locale

from lithloop.i18n import kwh
from lithloop.services.market import checkout, invoices
from lithloop.services.market import payments as market_payments
from tests.conftest import Auth
from tests.market.support import list_packs, make_buyer


def _paid_order(buyer):
    order = checkout.checkout(buyer, [{"pack_id": p.id} for p in list_packs(1)])
    return market_payments.pay(buyer, order.id, "pm_card_visa")


def test_an_invoice_line_names_the_rated_energy_and_the_usable_in_words(app):
    buyer = make_buyer()
    order = _paid_order(buyer)
    pack = order.lines[0].pack
    rated, usable = kwh(pack.rated_kwh), kwh(pack.usable_kwh)
    assert rated != usable  # a worn pack: the two differ
    with force_locale("zh_CN"):
        (line,) = invoices.invoice_for(buyer, order.id).lines
    assert f" · {rated} kWh · 可用 {usable} kWh" in line.description, line.description
    with force_locale("en"):
        (line,) = invoices.invoice_for(buyer, order.id).lines
    assert f" · {rated} kWh · usable {usable} kWh" in line.description, line.description


def test_the_invoice_page_names_the_pack_as_the_order_page_does(client):
    buyer = make_buyer()
    order = _paid_order(buyer)
    rated = kwh(order.lines[0].pack.rated_kwh)
    client.get("/lang/zh_CN")
    Auth(client).login(buyer.email)
    shown = client.get(f"/market/orders/{order.id}").get_data(as_text=True)
    invoice = client.get(f"/market/orders/{order.id}/invoice").get_data(as_text=True)
    assert f"{rated} kWh" in shown and f"{rated} kWh" in invoice
