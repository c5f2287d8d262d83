"""Requests for quote through the pages (buyer and admin) and the bearer-token API."""

from __future__ import annotations

import re
from datetime import timedelta

import sqlalchemy as sa

from lithloop import clock
from lithloop.extensions import db
from lithloop.models import Order, OrderStatus, PackState, QuoteRequest
from lithloop.services.market import checkout as market_checkout
from lithloop.services.market import rfq as rfqs
from lithloop.services.market import rfq_admin, rfq_spec
from tests.conftest import Auth, api_headers, freeze_clock, submit
from tests.market.support import list_packs, make_admin, make_buyer
from tests.market.test_rfq import spec


def _login(client, user, lang="en"):
    client.get(f"/lang/{lang}")
    Auth(client).login(user.email)


def test_buyer_asks_admin_quotes_buyer_accepts_and_pays_on_the_pages(client):
    buyer, admin = make_buyer(), make_admin()
    packs = list_packs(2, price_fen=1_200_000)
    _login(client, buyer)
    assert "Requests for quote" in client.get("/market/").get_data(as_text=True)  # nav
    bad = submit(client, "/market/rfqs/new", {**spec(quantity="2"), "wanted_by": "2020-01-01"})
    assert bad.status_code == 422 and "The date has passed" in bad.get_data(as_text=True)
    created = submit(client, "/market/rfqs/new", spec(quantity="2"))
    assert created.status_code == 302
    rfq = db.session.scalar(sa.select(QuoteRequest))
    page = client.get(created.location).get_data(as_text=True)
    assert "Waiting for a quote" in page and "Matching packs in stock now" in page
    assert client.post(f"/market/admin/rfqs/{rfq.id}/quote").status_code in (400, 403)
    assert (
        submit(
            client,
            f"/market/admin/rfqs/{rfq.id}/quote",
            {"unit_price": "9000", "valid_until": clock.today().isoformat()},
            page=f"/market/rfqs/{rfq.id}",
        ).status_code
        == 403
    )
    Auth(client).logout()

    _login(client, admin)
    listed = client.get("/market/admin/rfqs").get_data(as_text=True)
    assert buyer.organisation.name in listed and f"/market/rfqs/{rfq.id}" in listed
    wrong = submit(
        client,
        f"/market/admin/rfqs/{rfq.id}/quote",
        {"unit_price": "abc", "valid_until": clock.today().isoformat()},
        page=f"/market/rfqs/{rfq.id}",
    )
    assert wrong.status_code == 422 and "unit price above 0" in wrong.get_data(as_text=True)
    until = (clock.today() + timedelta(days=5)).isoformat()
    answered = submit(
        client,
        f"/market/admin/rfqs/{rfq.id}/quote",
        {"unit_price": "9,000.50", "valid_until": until},
        page=f"/market/rfqs/{rfq.id}",
    )
    assert answered.status_code == 302
    Auth(client).logout()

    _login(client, buyer)
    page = client.get(f"/market/rfqs/{rfq.id}").get_data(as_text=True)
    assert "¥9,000.50" in page and "¥18,001.00" in page and "Accept and pay" in page
    accepted = submit(
        client,
        f"/market/rfqs/{rfq.id}/accept",
        {"delivery_kind": "pickup"},
        page=f"/market/rfqs/{rfq.id}",
    )
    assert accepted.status_code == 302 and accepted.location.endswith("/pay")
    order = db.session.scalar(sa.select(Order))
    assert order.total_fen == 1_800_100
    paid = submit(client, f"/market/orders/{order.id}/pay", {"method": "pm_card_visa"})
    assert paid.status_code == 302
    db.session.expire_all()
    assert db.session.get(Order, order.id).status is OrderStatus.PAID
    assert all(db.session.get(type(p), p.id).state is PackState.SOLD for p in packs)
    invoice = client.get(f"/market/orders/{order.id}/invoice").get_data(as_text=True)
    assert "¥9,000.50" in invoice


def test_expired_quote_page_says_so_and_accept_is_refused(client, monkeypatch):

    buyer, admin = make_buyer(), make_admin()
    list_packs(3)
    rfq = rfqs.create(buyer, spec())
    rfq_admin.quote(admin, rfq.id, unit_price_fen=100_000, valid_until=clock.today())
    _login(client, buyer)
    form_page = f"/market/rfqs/{rfq.id}"
    token_page = client.get(form_page)
    later = clock.now() + timedelta(days=2)
    freeze_clock(monkeypatch, later)
    assert "has expired" in client.get(form_page).get_data(as_text=True)
    assert token_page.status_code == 200
    refused = submit(client, f"/market/rfqs/{rfq.id}/accept", {}, page="/market/rfqs")
    assert refused.status_code == 409 and "expired on" in refused.get_data(as_text=True)


def test_pages_in_chinese_and_other_buyers_get_404(client):
    buyer, other = make_buyer(), make_buyer()
    rfq = rfqs.create(buyer, spec())
    _login(client, buyer, "zh_CN")
    body = client.get(f"/market/rfqs/{rfq.id}").get_data(as_text=True)
    assert "询价" in body and "等待报价" in body
    assert "公司" in client.get("/market/company").get_data(as_text=True)
    Auth(client).logout()
    _login(client, other)
    assert client.get(f"/market/rfqs/{rfq.id}").status_code == 404
    assert (
        submit(client, f"/market/rfqs/{rfq.id}/accept", {}, page="/market/rfqs").status_code == 404
    )


def test_api_ask_show_accept_and_isolation(client):
    buyer, other, admin = make_buyer(), make_buyer(), make_admin()
    packs = list_packs(2, price_fen=1_200_000)
    headers = api_headers(client, buyer)
    body = {
        "quantity": 2,
        "chemistry": "LFP",
        "min_soh_pct": 85,
        "min_grade": "A",
        "wanted_by": (clock.today() + timedelta(days=9)).isoformat(),
    }
    created = client.post("/api/v1/rfqs", json=body, headers=headers)
    assert created.status_code == 201, created.json
    rfq_id = created.json["id"]
    assert created.json["status"] == "open" and created.json["unit_price_fen"] is None
    early = client.post(f"/api/v1/rfqs/{rfq_id}/accept", json={}, headers=headers)
    assert early.status_code == 409 and early.json["error"] == "rfq_not_quoted"
    rfq_admin.quote(
        admin, rfq_id, unit_price_fen=1_100_000, valid_until=clock.today() + timedelta(days=2)
    )
    shown = client.get(f"/api/v1/rfqs/{rfq_id}", headers=headers).json
    assert shown["status"] == "quoted" and shown["total_fen"] == 2_200_000
    foreign = api_headers(client, other)
    assert client.get(f"/api/v1/rfqs/{rfq_id}", headers=foreign).status_code == 404
    assert client.post(f"/api/v1/rfqs/{rfq_id}/accept", json={}, headers=foreign).status_code == 404
    accepted = client.post(
        f"/api/v1/rfqs/{rfq_id}/accept", json={"delivery": {"kind": "pickup"}}, headers=headers
    )
    assert accepted.status_code == 201, accepted.json
    order = accepted.json
    assert order["total_fen"] == 2_200_000 and order["status"] == "pending_payment"
    assert order["payment"]["client_secret"].startswith(order["payment"]["intent_id"])
    assert sorted(li["pack_id"] for li in order["lines"]) == sorted(p.id for p in packs)
    assert client.get(f"/api/v1/rfqs/{rfq_id}", headers=headers).json["order_id"] == order["id"]
    bad = client.post("/api/v1/rfqs", json={**body, "quantity": 0}, headers=headers)
    assert bad.status_code == 422


def test_api_accept_without_enough_stock_is_409_and_reserves_nothing(client):
    buyer, admin = make_buyer(), make_admin()
    packs = list_packs(3)
    headers = api_headers(client, buyer)
    rfq = rfqs.create(buyer, spec(quantity="3"))
    rfq_admin.quote(admin, rfq.id, unit_price_fen=1_000_000, valid_until=clock.today())
    market_checkout.checkout(make_buyer(), [{"pack_id": packs.pop().id}])  # sold meanwhile
    response = client.post(f"/api/v1/rfqs/{rfq.id}/accept", json={}, headers=headers)
    assert response.status_code == 409 and response.json["error"] == "not_enough_stock"
    db.session.expire_all()
    assert [db.session.get(type(p), p.id).state for p in packs] == [PackState.FINISHED] * 2
    mine = sa.select(sa.func.count(Order.id)).where(Order.buyer_org_id == buyer.organisation_id)
    assert db.session.scalar(mine) == 0


def test_the_request_form_names_every_problem_at_once_not_one_per_try(client):
    """'50 kWh' in the kWh field, '80%' in the health field and a past day: three fields
    marked in one answer (the form named the first and hid the others until it was fixed)."""
    buyer = make_buyer()
    _login(client, buyer, "zh_CN")
    typed = {
        **spec(quantity="2"),
        "min_usable_kwh": "50 kWh",
        "min_soh_pct": "80%",
        "wanted_by": "2020-01-01",
    }
    refused = submit(client, "/market/rfqs/new", typed)
    page = refused.get_data(as_text=True)
    assert refused.status_code == 422 and db.session.scalar(sa.select(QuoteRequest)) is None
    marked = re.findall(r'<div class="field has-error"><label for="([\w-]+)"', page)
    assert marked == ["r-kwh", "r-soh", "r-date"], marked
    assert "该日期已过。" in page and "请填写数字" in page


def test_spec_problems_is_empty_for_a_request_parse_spec_takes(app):
    assert rfq_spec.spec_problems(spec(quantity="2")) == {}
    assert rfq_spec.parse_spec(spec(quantity="2"))["quantity"] == 2
    assert set(rfq_spec.spec_problems({"quantity": "0", "wanted_by": ""})) == {
        "quantity",
        "wanted_by",
    }


def test_accepting_for_delivery_without_address_or_phone_says_so_beside_the_field(client):
    """The accept form answered 422 and showed nothing: the address's and the phone's
    errors had no place on the page. Each is now beside its field, the typed values kept."""
    buyer, admin = make_buyer(), make_admin()
    list_packs(2)
    rfq = rfqs.create(buyer, spec(quantity="2"))
    rfq_admin.quote(admin, rfq.id, unit_price_fen=100_000, valid_until=rfq.wanted_by)
    _login(client, buyer, "zh_CN")
    page = f"/market/rfqs/{rfq.id}"
    typed = {
        "delivery_kind": "address",
        "city": "海林市",
        "address": "",
        "contact": "王经理",
        "phone": "",
    }
    shown = submit(client, f"{page}/accept", typed, page=page)  # the fee first
    assert shown.status_code == 200 and "运费" in shown.text
    typed.update(re.findall(r'<input type="hidden" name="(seen_\w+)" value="([^"]*)">', shown.text))
    refused = submit(client, f"{page}/accept", typed, page=page)
    body = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert 'id="a-address-err"' in body and "送货需要填写街道地址" in body, body
    assert 'value="王经理"' in body
    typed["address"] = "牡丹江市东安区江滨大道1号"
    refused = submit(client, f"{page}/accept", typed, page=page)
    body = refused.get_data(as_text=True)
    assert refused.status_code == 422 and 'id="a-phone-err"' in body
    assert 'value="牡丹江市东安区江滨大道1号"' in body
    db.session.expire_all()
    assert db.session.get(QuoteRequest, rfq.id).order_id is None


def test_declining_a_request_asks_first(client):
    """Decline is final (the buyer is mailed, the request can no longer be quoted), yet one
    tap sent it: the form now asks, naming the request and the buyer, like other final acts."""
    buyer, admin = make_buyer(), make_admin()
    rfq = rfqs.create(buyer, spec())
    _login(client, admin, "zh_CN")
    page = client.get(f"/market/rfqs/{rfq.id}").get_data(as_text=True)
    form = re.search(r'<form method="post" action="/market/admin/rfqs/\d+/decline"[^>]*>', page)
    assert form, page
    assert f'data-confirm="拒绝{buyer.organisation.name}的询价 {rfq.id}？' in form.group(0)


def test_request_pages_name_the_chemistry_and_count_the_stock_in_words(client):
    """The request, the buyer's list and the admin's list showed the stored code ("LFP")
    where every other page says 磷酸铁锂 LFP, and the matching stock as a bare number."""
    buyer, admin = make_buyer(), make_admin()
    list_packs(2)
    rfq = rfqs.create(buyer, spec(quantity="2"))
    _login(client, buyer, "zh_CN")
    shown = client.get(f"/market/rfqs/{rfq.id}").get_data(as_text=True)
    assert "<dd>磷酸铁锂 LFP</dd>" in shown
    assert '<dd><span class="quantity nowrap">2 个电池包</span></dd>' in shown
    assert "磷酸铁锂 LFP · ≥ B" in client.get("/market/rfqs").get_data(as_text=True)
    Auth(client).logout()
    _login(client, admin, "zh_CN")
    assert "磷酸铁锂 LFP · ≥ B" in client.get("/market/admin/rfqs").get_data(as_text=True)
    client.get("/lang/en")
    shown = client.get(f"/market/rfqs/{rfq.id}").get_data(as_text=True)
    assert "<dd>LFP</dd>" in shown
    assert '<dd><span class="quantity nowrap">2 packs</span></dd>' in shown


def test_an_answer_over_1000_characters_is_refused_beside_its_field_not_cut(client):
    """Walk finding: a longer quote note or decline reason reached the buyer cut to 1,000
    characters. A textarea's line break (sent as CR LF) counts as one, as its maxlength does."""
    buyer, admin = make_buyer(), make_admin()
    list_packs(2, price_fen=1_200_000)
    rfq = rfqs.create(buyer, spec(quantity="2"))
    _login(client, admin)
    url, page = f"/market/admin/rfqs/{rfq.id}", f"/market/rfqs/{rfq.id}"
    typed = {"unit_price": "9000", "valid_until": clock.today().isoformat()}
    long = submit(client, f"{url}/quote", {**typed, "note": "长" * 1001}, page=page)
    text = long.get_data(as_text=True)
    assert long.status_code == 422
    beside = re.search(r'id="q-note"[^>]*>[^<]*</textarea><p class="error">([^<]*)</p>', text)
    assert beside and beside.group(1) == "Enter at most 1,000 characters; this has 1,001.", text
    db.session.expire_all()
    assert db.session.get(QuoteRequest, rfq.id).status.value == "open"
    note = "长" * 998 + "\r\n" + "长"
    assert submit(client, f"{url}/quote", {**typed, "note": note}, page=page).status_code == 302
    db.session.expire_all()
    assert db.session.get(QuoteRequest, rfq.id).answer_note == "长" * 998 + "\n长"
    refused = submit(client, f"{url}/decline", {"reason": "不" * 1001}, page=page)
    text = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert re.search(r'id="d-reason"[^>]*><p class="error">[^<]*at most 1,000 characters', text)
    db.session.expire_all()
    assert db.session.get(QuoteRequest, rfq.id).status.value == "quoted"
    assert submit(client, f"{url}/decline", {"reason": "不" * 1000}, page=page).status_code == 302
    db.session.expire_all()
    assert db.session.get(QuoteRequest, rfq.id).answer_note == "不" * 1000


def test_wanted_by_is_tomorrow_to_a_year_ahead_and_the_form_says_so(client):
    """Walk finding: a request wanted by 2199-12-31 (or by today) was taken; the form now
    names the range beside the field and refuses a day outside it, keeping nothing."""
    buyer = make_buyer()
    _login(client, buyer, "zh_CN")
    first, last = clock.today() + timedelta(days=1), clock.today() + timedelta(days=365)
    form = client.get("/market/rfqs/new").get_data(as_text=True)
    assert f'min="{first.isoformat()}" max="{last.isoformat()}"' in form
    hint = re.search(r'<p class="hint" id="r-date-hint">([^<]*)</p>', form).group(1)
    assert first.isoformat() in hint and last.isoformat() in hint and "明天" in hint
    for day in ("2199-12-31", clock.today().isoformat(), (last + timedelta(days=1)).isoformat()):
        refused = submit(client, "/market/rfqs/new", spec(quantity="2", wanted_by=day))
        beside = re.search(r'<p class="error" id="r-wanted_by-err">([^<]*)</p>', refused.text)
        assert refused.status_code == 422 and beside and last.isoformat() in beside.group(1)
    assert db.session.scalar(sa.select(QuoteRequest)) is None
    for day in (first, last):
        kept = submit(client, "/market/rfqs/new", spec(quantity="2", wanted_by=day.isoformat()))
        assert kept.status_code == 302


def test_the_api_refuses_a_wanted_by_past_a_year_naming_the_field(client):
    buyer = make_buyer()
    answer = client.post(
        "/api/v1/rfqs",
        json={"quantity": 2, "wanted_by": "2199-12-31"},
        headers=api_headers(client, buyer),
    )
    assert answer.status_code == 422, answer.json
    assert answer.json["field"] == "wanted_by"
    last = (clock.today() + timedelta(days=365)).isoformat()
    assert last in answer.json["message"]
    assert db.session.scalar(sa.select(QuoteRequest)) is None


def test_the_valid_until_line_has_one_bracket_in_either_language(client):
    """Walk finding: the day's weekday in brackets, then "(Beijing time)" in brackets:
    "2026-12-10（周四）（北京时间）" and "2026-12-10 (Thu) (Beijing time)"."""
    buyer, admin = make_buyer(), make_admin()
    list_packs(2)
    rfq = rfqs.create(buyer, spec(quantity="2"))
    rfq_admin.quote(admin, rfq.id, unit_price_fen=100_000, valid_until=rfq.wanted_by)
    _login(client, buyer, "zh_CN")
    for lang in ("zh_CN", "en"):
        client.get(f"/lang/{lang}")
        page = client.get(f"/market/rfqs/{rfq.id}").get_data(as_text=True)
        line = re.search(r'<p class="valid-until">(.*?)</p>', page).group(1)
        text = re.sub(r"<[^>]+>", "", line)
        assert rfq.wanted_by.isoformat() in text, text
        assert "）（" not in text and ") (" not in text and text.count("(") + text.count("（") == 1
        assert ("北京时间" if lang == "zh_CN" else "Beijing time") in text, text


def test_the_api_document_says_the_wanted_by_range_in_words(client):
    """The range moves with the day, so the document says it rather than a fixed min/max."""
    schemas = client.get("/api/v1/openapi.json").json["components"]["schemas"]
    wanted_by = next(
        s
        for s in schemas.values()
        if "wanted_by" in s.get("properties", {}) and "quantity" in s.get("required", [])
    )["properties"]["wanted_by"]
    assert wanted_by["format"] == "date"
    assert "from tomorrow to 365 days ahead" in wanted_by["description"]
    assert "Beijing time" in wanted_by["description"]
    assert "minimum" not in wanted_by and "maximum" not in wanted_by
