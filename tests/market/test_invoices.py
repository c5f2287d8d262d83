"""Business buyers: taxpayer ID check, invoice details, colleagues, frozen order invoices."""

from __future__ import annotations

import re
from urllib.parse import urlencode

import pytest
import sqlalchemy as sa
from flask_babel import force_locale

from lithloop.extensions import db
from lithloop.models import OrgKind, OutboxMessage, Role, User
from lithloop.services.accounts import buyer_company, colleagues, taxpayer_id
from lithloop.services.errors import Conflict, Forbidden, Invalid
from lithloop.services.market import checkout, invoices
from lithloop.services.market import payments as market_payments
from tests.conftest import Auth, submit
from tests.factories import make_org, make_user
from tests.market.support import list_packs, make_admin, make_buyer
from tests.pdf_text import pdf_text

VALID_IDS = ["91350100M000100Y43", "911100001000079554", "91440300708461136T"]
DETAILS = {
    "company_name": "牡丹江储能科技有限公司",
    "taxpayer_id": "91350100M000100Y43",
    "address": "牡丹江市西安区光华街 1 号",
    "phone": "0453-6000000",
    "bank_name": "中国工商银行牡丹江分行",
    "bank_account": "0901 0200 1920 0012 345",
}


@pytest.mark.parametrize("code", VALID_IDS)
def test_valid_taxpayer_ids_pass_and_are_normalised(code):
    assert taxpayer_id.validate(code) == code
    spaced = f" {code[:6].lower()} {code[6:]} "
    assert taxpayer_id.validate(spaced) == code


@pytest.mark.parametrize(
    ("code", "why"),
    [
        ("91350100M000100Y44", "check character"),  # last character off by one
        ("91350100M000100Y4", "18 characters"),
        ("91350100M0001O0Y43", "not allowed"),  # letter O is not in the alphabet
        ("9135A100M000100Y43", "administrative division"),
    ],
)
def test_invalid_taxpayer_ids_are_refused_with_the_reason(app, code, why):
    with pytest.raises(Invalid) as caught:
        taxpayer_id.validate(code)
    with force_locale("en"):
        assert why in str(caught.value.message) and caught.value.field == "taxpayer_id"


def test_every_wrong_check_character_is_caught():
    body = VALID_IDS[0][:17]
    right = taxpayer_id.check_character(body)
    wrong = [c for c in taxpayer_id.ALPHABET if c != right]
    assert len(wrong) == 30
    for c in wrong:
        with pytest.raises(Invalid):
            taxpayer_id.validate(body + c)


def test_details_are_checked_saved_and_only_buyers_edit_them(app):
    buyer = make_buyer()
    for account in ("abc", "١٢٣٤٥٦٧٨", "²²²²²²²", "１２３４５６７"):  # pass isdigit()
        with pytest.raises(Invalid) as caught:
            buyer_company.update_details(buyer, {**DETAILS, "bank_account": account})
        assert caught.value.field == "bank_account"
    with pytest.raises(Invalid) as caught:
        buyer_company.update_details(buyer, {**DETAILS, "phone": "ask the office"})
    assert caught.value.field == "phone"
    assert buyer_company.details_of(buyer.organisation) is None  # nothing half-written
    saved = buyer_company.update_details(buyer, DETAILS)
    assert saved.bank_account == "0901020019200012345" and saved.updated_by_id == buyer.id
    assert buyer.organisation.taxpayer_id == "91350100M000100Y43"
    with pytest.raises(Forbidden):
        buyer_company.update_details(make_admin(), DETAILS)


def _paid(buyer, packs):
    order = checkout.checkout(buyer, [{"pack_id": p.id} for p in packs])
    return market_payments.pay(buyer, order.id, "pm_card_visa")


def test_invoice_keeps_the_details_frozen_at_payment_and_splits_vat(app):
    make_org(OrgKind.PARK_OPERATOR, name="牡丹江锂循环产业园")
    buyer = make_buyer()
    buyer_company.update_details(buyer, DETAILS)
    order = _paid(buyer, list_packs(2, price_fen=1_200_000))
    buyer_company.update_details(
        buyer, {**DETAILS, "company_name": "改名后的公司", "taxpayer_id": "911100001000079554"}
    )
    invoice = invoices.invoice_for(buyer, order.id)
    assert invoice.buyer["company_name"] == DETAILS["company_name"]
    assert invoice.buyer["taxpayer_id"] == "91350100M000100Y43"
    assert invoice.seller["company_name"] == "牡丹江锂循环产业园"
    assert invoice.number.startswith("LL") and invoice.number.endswith(f"-{order.id:06d}")
    # 12,000.00 incl. 13 % VAT = 10,619.47 + 1,380.53
    assert [(li.net_fen, li.vat_fen) for li in invoice.lines] == [(1_061_947, 138_053)] * 2
    assert invoice.total_fen == 2_400_000 == invoice.net_fen + invoice.vat_fen


def test_the_sellers_tax_id_address_and_bank_come_from_configuration(app):
    from flask import current_app

    make_org(OrgKind.PARK_OPERATOR, name="牡丹江锂循环产业园")
    current_app.config.update(
        SELLER_NAME="牡丹江锂循环科技有限公司",
        SELLER_TAXPAYER_ID="91231000MA1BXXXX0K",
        SELLER_ADDRESS="黑龙江省牡丹江市经济技术开发区",
        SELLER_PHONE="0453-6100119",
        SELLER_BANK="中国工商银行牡丹江分行",
        SELLER_ACCOUNT="0904 0201 0900 0123 456",
    )
    buyer = make_buyer()
    order = _paid(buyer, list_packs(1, price_fen=113_00))
    seller = invoices.invoice_for(buyer, order.id).seller
    assert seller["company_name"] == "牡丹江锂循环科技有限公司"
    assert seller["taxpayer_id"] == "91231000MA1BXXXX0K"
    assert seller["address"].startswith("黑龙江省") and seller["phone"] == "0453-6100119"
    assert seller["bank_name"] == "中国工商银行牡丹江分行"
    assert seller["bank_account"].endswith("456")


def test_invoice_of_an_unpaid_order_is_refused(app):
    buyer = make_buyer()
    order = checkout.checkout(buyer, [{"pack_id": list_packs(1)[0].id}])
    with pytest.raises(Conflict) as caught:
        invoices.invoice_for(buyer, order.id)
    assert caught.value.code == "not_paid"


def _login(client, user):
    client.get("/lang/en")
    Auth(client).login(user.email)


def test_invoice_page_shows_frozen_details_and_is_refused_to_others(client):
    buyer = make_buyer()
    buyer_company.update_details(buyer, DETAILS)
    order = _paid(buyer, list_packs(1, price_fen=113_00))
    pending = checkout.checkout(buyer, [{"pack_id": list_packs(1)[0].id}])
    _login(client, buyer)
    page = submit(client, "/market/company", {**DETAILS, "company_name": "新名称有限公司"})
    assert page.status_code == 302
    body = client.get(f"/market/orders/{order.id}/invoice").get_data(as_text=True)
    assert DETAILS["company_name"] in body and "新名称有限公司" not in body
    assert "not an official fapiao" in body and "¥13.00" in body and "¥100.00" in body
    download = client.get(f"/market/orders/{order.id}/invoice?download=1")
    assert "attachment" in download.headers["Content-Disposition"]
    assert 'href="data:text/css;base64,' in download.get_data(as_text=True)
    printed = client.get(f"/market/orders/{order.id}/invoice?format=pdf")
    assert printed.headers["Content-Type"] == "application/pdf"
    words = pdf_text(printed.data)
    assert DETAILS["company_name"] in words and "91350100M000100Y43" in words
    assert "¥113.00" in words and "¥13.00" in words  # the price and its VAT
    assert client.get(f"/market/orders/{pending.id}/invoice").status_code == 409
    other = make_buyer()
    Auth(client).logout()
    _login(client, other)
    assert client.get(f"/market/orders/{order.id}/invoice").status_code == 404


def test_company_page_shows_field_errors_beside_the_field(client):
    buyer = make_buyer()
    _login(client, buyer)
    response = submit(client, "/market/company", {**DETAILS, "taxpayer_id": "91350100M000100Y44"})
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert re.search(r'id="inv-taxpayer_id-err">[^<]*check character', body)
    assert buyer_company.details_of(buyer.organisation) is None


def test_company_page_names_every_refused_field_at_once(client):
    """Walk finding: an empty form said only "the taxpayer ID is required"; the phone and the
    bank account were refused one per try after it."""
    buyer = make_buyer()
    _login(client, buyer)
    typed = {**DETAILS, "taxpayer_id": "", "phone": "ask the office", "bank_account": "12"}
    response = submit(client, "/market/company", typed)
    assert response.status_code == 422
    refused = set(re.findall(r'id="inv-(\w+)-err"', response.get_data(as_text=True)))
    assert refused == {"taxpayer_id", "phone", "bank_account"}, refused
    assert buyer_company.details_of(buyer.organisation) is None


@pytest.mark.parametrize("field", ["company_name", "address", "bank_name"])
@pytest.mark.parametrize("text", ["\x01\x02", "\u200b", "\u202e公司有限", "北疆\x07储能\x1b[31m"])
def test_invisible_or_reversed_invoice_text_is_refused_beside_its_field(client, field, text):
    """Walk finding: a company name of control characters only (a blank name on the invoice)
    or with a direction control (read backwards there) was saved."""
    buyer = make_buyer()
    _login(client, buyer)
    response = submit(client, "/market/company", {**DETAILS, field: text})
    assert response.status_code == 422
    refused = set(re.findall(r'id="inv-(\w+)-err"', response.get_data(as_text=True)))
    assert refused == {field}, refused
    assert buyer_company.details_of(buyer.organisation) is None


def test_buyer_invites_a_colleague_who_sets_a_password_and_sees_the_orders(client):
    buyer = make_buyer()
    order = _paid(buyer, list_packs(1))
    _login(client, buyer)
    response = submit(
        client,
        "/market/company/colleagues",
        {"name": "李工", "email": "Li.Gong@Example.com"},
        page="/market/company",
    )
    assert response.status_code == 302
    colleague = db.session.scalar(sa.select(User).where(User.email == "li.gong@example.com"))
    assert colleague.organisation_id == buyer.organisation_id
    mail = db.session.scalar(
        sa.select(OutboxMessage).where(OutboxMessage.recipient == "li.gong@example.com")
    )
    link = re.search(r"http://lithloop\.test(/reset/\S+)", mail.body).group(1)
    # how long the link works, and where to go once it does not (before: neither)
    # (in English: the inviter logged in on the English page, their colleague's letter follows)
    assert "choose your password (valid for 7 days):\n" in mail.body, mail.body
    assert "'Forgot your password?' on the login page: http://lithloop.test/login\n" in mail.body
    again = submit(
        client,
        "/market/company/colleagues",
        {"name": "李工", "email": "li.gong@example.com"},
        page="/market/company",
    )
    said = again.get_data(as_text=True)
    assert again.status_code == 409 and "already in your organisation" in said
    Auth(client).logout()
    assert (
        submit(
            client, link, {"password": "new-secret-pass-9", "confirm": "new-secret-pass-9"}
        ).status_code
        == 302
    )
    Auth(client).login(colleague.email, "new-secret-pass-9")
    assert f">{order.id}<" in client.get("/market/orders").get_data(as_text=True)
    assert client.get(f"/market/orders/{order.id}/invoice").status_code == 200


def test_a_colleagues_empty_name_and_bad_address_are_told_together(client):
    _login(client, make_buyer())
    typed = {"name": " ", "email": "li.gong@"}
    response = submit(client, "/market/company/colleagues", typed, page="/market/company")
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert '<p class="error" id="col-name-err">' in page
    assert '<p class="error" id="col-email-err">' in page


@pytest.mark.parametrize("name", ["\x01\x02", "\u200b", "\u202e工李"])
def test_a_colleagues_invisible_or_reversed_name_is_refused_beside_the_field(client, name):
    """Walk finding: a colleague named with control characters only, or a direction control,
    was invited (a blank or backwards name on orders and in letters)."""
    buyer = make_buyer()
    _login(client, buyer)
    typed = {"name": name, "email": "li.gong@example.com"}
    response = submit(client, "/market/company/colleagues", typed, page="/market/company")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert re.search(r'has-error"><label for="col-name">.*?<p class="error"', page), page
    # walk finding: the error was not tied to its field for a screen reader
    assert 'aria-describedby="col-name-err"' in page
    assert '<p class="error" id="col-name-err">' in page
    assert db.session.scalar(sa.select(User).where(User.email == typed["email"])) is None


def test_a_dealer_invites_no_buyer_the_colleague_gets_the_dealer_s_role_and_organisation(app):
    """One invitation path for every organisation (services/accounts/colleagues.py): a
    dealer's colleague is a dealer's staff in the dealer's branch, never a buyer."""
    dealer = make_user(make_org(OrgKind.DEALER_BRANCH))
    made = colleagues.invite_colleague(dealer, name="x", email="x@example.com", link_for=str)
    assert made.role is Role.DEALER_STAFF and made.organisation_id == dealer.organisation_id


def test_cart_and_payment_page_say_the_invoice_lacks_the_taxpayer_id_until_it_is_given(client):
    """The invoice keeps the details of the day the order is paid: a buyer who pays first
    and fills in the company's taxpayer ID after gets an invoice without it, for good."""
    from lithloop.services.market import cart as market_cart

    buyer = make_buyer()
    (pack,) = list_packs(1)
    market_cart.save(buyer, [pack.id], {})
    _login(client, buyer)
    cart = client.get("/market/cart").get_data(as_text=True)
    note = cart.split('id="invoice-details-missing">', 1)[1].split("</p>", 1)[0]
    assert "taxpayer ID" in note and 'href="/market/company?back=cart"' in note
    ordered = submit(client, "/market/checkout", {"delivery_kind": "pickup"}, page="/market/cart")
    assert ordered.status_code == 302 and ordered.location.endswith("/pay")
    pay = client.get(ordered.location).get_data(as_text=True)
    assert 'id="invoice-details-missing"' in pay
    buyer_company.update_details(buyer, DETAILS)  # given before paying: on the invoice
    assert 'id="invoice-details-missing"' not in client.get(ordered.location).get_data(as_text=True)
    assert buyer_company.invoice_details_missing(buyer.organisation) is False


def test_a_taxpayer_id_given_at_registration_needs_no_reminder(app):
    buyer = make_buyer()
    assert buyer_company.invoice_details_missing(buyer.organisation) is True
    buyer.organisation.taxpayer_id = VALID_IDS[1]
    db.session.commit()
    assert buyer_company.invoice_details_missing(buyer.organisation) is False


@pytest.mark.parametrize(
    ("lang", "named", "downloads"),
    [
        ("zh_CN", "<dt>公司名称</dt>", ["下载网页文件（HTML）", "下载 PDF"]),
        ("en", "<dt>Company name</dt>", ["Download as a web page (HTML)", "Download PDF"]),
    ],
)
def test_the_invoice_names_each_party_as_a_company_and_says_what_each_download_is(
    client, lang, named, downloads
):
    """Seller and buyer are companies: '姓名' is a person's name. Two buttons both called
    'download' did not say which gives what."""
    buyer = make_buyer()
    buyer_company.update_details(buyer, DETAILS)
    order = _paid(buyer, list_packs(1, price_fen=113_00))
    client.get(f"/lang/{lang}")
    Auth(client).login(buyer.email)
    page = client.get(f"/market/orders/{order.id}/invoice").get_data(as_text=True)
    assert page.count(named) == 2 and "<dt>姓名</dt>" not in page and "<dt>Name</dt>" not in page
    actions = page.split('class="actions no-print">', 1)[1].split("</p>", 1)[0]
    links = re.findall(r'<a class="button secondary" href="[^"]+">([^<]+)</a>', actions)
    assert links == downloads, links


def test_the_delivery_fee_line_is_not_labelled_as_a_pack_on_a_phone(client):
    """Walk finding: on a phone each invoice line is a card whose first cell takes the
    column's heading, so the delivery fee read "Pack: Delivery fee"."""
    buyer = make_buyer()
    (pack,) = list_packs(1)
    where = {"kind": "address", "city": "海林市", "address": "长安街 1 号", "phone": "13904531234"}
    order = checkout.checkout(buyer, [{"pack_id": pack.id}], where)
    market_payments.pay(buyer, order.id, "pm_card_visa")
    _login(client, buyer)
    page = client.get(f"/market/orders/{order.id}/invoice").get_data(as_text=True)
    fee = re.search(r'<tr class="delivery-line"><td([^>]*)>Delivery fee', page)
    assert fee and 'data-label=""' in fee.group(1), page
    pack_cell = re.search(r"<tr><td([^>]*)><code>", page)
    assert pack_cell and "data-label" not in pack_cell.group(1)  # headed by cards.js


def test_the_invoice_details_filled_in_from_the_cart_or_payment_lead_back_there(client):
    """New-user walk: "Fill in the invoice details" on the cart and the payment page led to
    the company page, which after saving stayed there, offering no way back to the packs or
    the order being paid. It offers the way back, and saving returns there; a `back` that
    names no such page (an address elsewhere) is ignored."""
    from lithloop.services.market import cart as market_cart

    buyer = make_buyer()
    (pack,) = list_packs(1)
    market_cart.save(buyer, [pack.id], {})
    _login(client, buyer)
    page = client.get("/market/company?back=cart").get_data(as_text=True)
    assert re.search(r'id="back-to-order"><a href="/market/cart">', page)
    assert 'action="/market/company?back=cart"' in page
    saved = submit(client, "/market/company?back=cart", DETAILS, page="/market/company")
    assert saved.status_code == 302 and saved.location.endswith("/market/cart")
    assert buyer_company.invoice_details_missing(buyer.organisation) is False
    ordered = submit(client, "/market/checkout", {"delivery_kind": "pickup"}, page="/market/cart")
    order_id = int(re.search(r"/orders/(\d+)/pay", ordered.location)[1])
    back = f"/market/company?back=order-{order_id}"
    page = client.get(back).get_data(as_text=True)
    assert f'<a href="/market/orders/{order_id}/pay">' in page
    again = submit(client, back, {**DETAILS, "phone": "0453-6180002"}, page="/market/company")
    assert again.location.endswith(f"/market/orders/{order_id}/pay")
    for elsewhere in (
        "https://evil.example/",
        "//evil.example",
        "order-0",
        "order-1x",
        "order-9999999999",
    ):
        page = client.get("/market/company", query_string={"back": elsewhere})
        assert 'id="back-to-order"' not in page.get_data(as_text=True), elsewhere
        done = submit(
            client,
            "/market/company?" + urlencode({"back": elsewhere}),
            DETAILS,
            page="/market/company",
        )
        assert done.location.endswith("/market/company"), (elsewhere, done.location)


def test_an_invoice_without_the_sellers_details_says_it_is_incomplete(client):
    """Walk finding: with SELLER_* unset and nothing saved for the park, the seller's tax ID,
    address and bank were dashes, and nothing said the invoice was incomplete."""
    make_org(OrgKind.PARK_OPERATOR, name="牡丹江锂循环产业园")
    buyer = make_buyer()
    order = _paid(buyer, list_packs(1, price_fen=113_00))
    Auth(client).login(buyer.email)
    client.get("/lang/zh_CN")
    page = client.get(f"/market/orders/{order.id}/invoice").get_data(as_text=True)
    note = re.search(r'<p class="warning seller-missing" role="note">([^<]*)</p>', page)
    assert note and "发票信息不完整" in note.group(1), page[:3000]
    assert (
        "纳税人识别号" in note.group(1)
        and "地址" in note.group(1)
        and "公司名称" not in note.group(1)
    )
    words = pdf_text(client.get(f"/market/orders/{order.id}/invoice?format=pdf").data)
    assert "发票信息不完整" in words


def test_an_invoice_with_every_seller_detail_has_no_incomplete_note(client):
    from flask import current_app

    make_org(OrgKind.PARK_OPERATOR, name="牡丹江锂循环产业园")
    current_app.config.update(
        SELLER_TAXPAYER_ID="91231000MA1BXXXX0K",
        SELLER_ADDRESS="黑龙江省牡丹江市经济技术开发区",
        SELLER_PHONE="0453-6100119",
        SELLER_BANK="中国工商银行牡丹江分行",
        SELLER_ACCOUNT="0904 0201 0900 0123 456",
    )
    buyer = make_buyer()
    order = _paid(buyer, list_packs(1, price_fen=113_00))
    Auth(client).login(buyer.email)
    page = client.get(f"/market/orders/{order.id}/invoice").get_data(as_text=True)
    assert "seller-missing" not in page and "91231000MA1BXXXX0K" in page
