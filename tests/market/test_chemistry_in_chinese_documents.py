"""Walk finding: a Chinese invoice's lines said "LFP" without its Chinese name, and a request
for quote's letter to the park did too. Chinese documents name a chemistry as the pages do,
"磷酸铁锂 LFP" (labels.chemistry_name); English ones keep the code."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from flask_babel import force_locale

from lithloop import clock
from lithloop.extensions import db
from lithloop.models import OutboxMessage
from lithloop.services.market import checkout, invoices
from lithloop.services.market import payments as market_payments
from lithloop.services.market import rfq as rfqs
from tests.conftest import Auth
from tests.market.support import list_packs, make_admin, make_buyer
from tests.pdf_text import pdf_text


def _paid_order(buyer):
    order = checkout.checkout(buyer, [{"pack_id": p.id} for p in list_packs(1)])
    return market_payments.pay(buyer, order.id, "pm_card_visa")


def test_a_chinese_invoice_names_the_chemistry_in_chinese(app):
    buyer = make_buyer()
    order = _paid_order(buyer)
    with force_locale("zh_CN"):
        (line,) = invoices.invoice_for(buyer, order.id).lines
    assert line.description.startswith("磷酸铁锂 LFP · "), line.description
    with force_locale("en"):
        (line,) = invoices.invoice_for(buyer, order.id).lines
    assert line.description.startswith("LFP · grade A"), line.description


def test_the_chinese_invoice_page_and_pdf_name_the_chemistry_in_chinese(client):
    buyer = make_buyer()
    order = _paid_order(buyer)
    client.get("/lang/zh_CN")
    Auth(client).login(buyer.email)
    page = client.get(f"/market/orders/{order.id}/invoice").get_data(as_text=True)
    assert "<small>磷酸铁锂 LFP · " in page
    printed = client.get(f"/market/orders/{order.id}/invoice?format=pdf")
    assert "磷酸铁锂" in pdf_text(printed.data)


def test_a_request_for_quote_letter_names_the_chemistry_in_the_readers_language(app):
    admin = make_admin()  # reads Chinese, the default
    english = make_admin()
    english.locale = "en"
    db.session.commit()
    wanted = (clock.today() + timedelta(days=20)).isoformat()
    rfqs.create(make_buyer(), {"quantity": 2, "chemistry": "lfp", "wanted_by": wanted})

    def body(user) -> str:
        sent = sa.select(OutboxMessage).where(OutboxMessage.recipient == user.email)
        return db.session.scalars(sent).one().body

    assert "个电池包，磷酸铁锂 LFP，" in body(admin), body(admin)
    assert "2 packs, LFP (lithium iron phosphate), grade" in body(english), body(english)
