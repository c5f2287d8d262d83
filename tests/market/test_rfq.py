"""Requests for quote through the services: ask, quote or decline, accept, pay."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask_babel import force_locale

from lithloop import clock
from lithloop.extensions import db
from lithloop.models import (
    Order,
    OrderStatus,
    OutboxMessage,
    PackState,
    QuoteRequest,
    RfqStatus,
)
from lithloop.services.errors import Conflict, Forbidden, Invalid, NotFound
from lithloop.services.market import checkout as market_checkout
from lithloop.services.market import payments as market_payments
from lithloop.services.market import release as market_release
from lithloop.services.market import rfq as rfqs
from lithloop.services.market import rfq_admin, rfq_spec
from tests.conftest import freeze_clock
from tests.market.support import list_packs, make_admin, make_buyer


def spec(**changes) -> dict:
    """A request for LFP storage packs of grade B or better, 40 kWh usable, SoH 80 %."""
    return {
        "quantity": 3,
        "chemistry": "lfp",
        "min_usable_kwh": "40",
        "min_soh_pct": "80",
        "min_grade": "B",
        "use_case": "storage",
        "wanted_by": (clock.today() + timedelta(days=20)).isoformat(),
        "note": "三个储能柜",
        **changes,
    }


def _states(packs) -> list[PackState]:
    for pack in packs:
        db.session.refresh(pack)
    return [p.state for p in packs]


def _mails_to(email: str) -> list[OutboxMessage]:
    return list(
        db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.recipient == email))
    )


def _quoted(buyer, admin, *, price=1_000_000, days=3, **changes) -> QuoteRequest:
    rfq = rfqs.create(buyer, spec(**changes))
    return rfq_admin.quote(
        admin, rfq.id, unit_price_fen=price, valid_until=clock.today() + timedelta(days=days)
    )


def test_happy_path_to_a_paid_order_at_the_quoted_price(app):
    buyer, admin = make_buyer(), make_admin()
    good = list_packs(3, soh="88", price_fen=1_200_000)  # 45.06 kWh usable
    list_packs(2, soh="70", price_fen=900_000)  # SoH too low
    list_packs(2, chemistry="NCM523", price_fen=900_000)  # other chemistry
    list_packs(2, grade="C", price_fen=900_000)  # grade too low
    list_packs(2, rated_wh=40_000, price_fen=900_000)  # 35.2 kWh: too small
    rfq = rfqs.create(buyer, spec())
    assert rfq.chemistry == "LFP" and rfq.min_usable_wh == 40_000 and rfqs.state(rfq) == "open"
    assert rfq_spec.matching_stock(rfq) == 3
    assert "询价" in _mails_to(admin.email)[0].subject  # in the admin's language
    rfq = rfq_admin.quote(
        admin, rfq.id, unit_price_fen=1_000_000, valid_until=clock.today() + timedelta(days=3)
    )
    assert rfqs.state(rfq) == "quoted" and rfq.total_fen == 3_000_000
    assert "¥10,000.00" in _mails_to(buyer.email)[-1].body
    order = rfqs.accept(buyer, rfq.id)
    assert order.status is OrderStatus.PENDING_PAYMENT and order.payment.client_secret
    assert sorted(li.pack_id for li in order.lines) == sorted(p.id for p in good)
    assert {li.price_fen for li in order.lines} == {1_000_000} and order.total_fen == 3_000_000
    assert order.payment.amount_fen == 3_000_000
    assert _states(good) == [PackState.RESERVED] * 3
    paid = market_payments.pay(buyer, order.id, "pm_card_visa")
    assert paid.status is OrderStatus.PAID and _states(good) == [PackState.SOLD] * 3
    db.session.expire_all()
    assert db.session.get(QuoteRequest, rfq.id).status is RfqStatus.ACCEPTED
    with pytest.raises(Conflict) as twice:
        rfqs.accept(buyer, rfq.id)
    assert twice.value.code == "rfq_accepted"


def test_expired_quote_cannot_be_accepted_and_reserves_nothing(app, monkeypatch):
    buyer, admin = make_buyer(), make_admin()
    packs = list_packs(3)
    rfq = _quoted(buyer, admin, days=0)  # valid through today only
    later = clock.now() + timedelta(days=1, hours=1)
    freeze_clock(monkeypatch, later)
    assert rfqs.state(rfq) == "expired"
    with pytest.raises(Conflict) as caught:
        rfqs.accept(buyer, rfq.id)
    with force_locale("en"):
        assert caught.value.code == "quote_expired" and "expired" in str(caught.value.message)
    assert _states(packs) == [PackState.FINISHED] * 3
    assert db.session.scalar(sa.select(sa.func.count(Order.id))) == 0


def test_declined_request_cannot_be_accepted_and_the_buyer_is_told(app):
    buyer, admin = make_buyer(), make_admin()
    list_packs(3)
    rfq = rfqs.create(buyer, spec())
    with pytest.raises(Invalid):
        rfq_admin.decline(admin, rfq.id, "  ")
    rfq_admin.decline(admin, rfq.id, "没有足够的 B 级电池包")
    assert "没有足够" in _mails_to(buyer.email)[-1].body
    with pytest.raises(Conflict) as caught:
        rfqs.accept(buyer, rfq.id)
    assert caught.value.code == "rfq_declined" and "没有足够" in str(caught.value.message)
    with pytest.raises(Conflict) as closed:
        rfq_admin.quote(admin, rfq.id, unit_price_fen=1, valid_until=clock.today())
    with force_locale("en"):  # its state in a sentence, not a badge's capital
        assert str(closed.value.message) == (
            f"Request #{rfq.id} has been declined and can no longer be answered."
        )
    with force_locale("zh_CN"):
        assert str(closed.value.message) == f"询价 #{rfq.id} 已拒绝，无法再答复。"


def test_not_enough_matching_stock_is_a_conflict_with_nothing_reserved(app):
    buyer, admin = make_buyer(), make_admin()
    packs = list_packs(3)
    list_packs(3, soh="60")
    rfq = _quoted(buyer, admin)
    market_checkout.checkout(make_buyer(), [{"pack_id": packs.pop().id}])  # sold meanwhile
    with pytest.raises(Conflict) as caught:
        rfqs.accept(buyer, rfq.id)
    with force_locale("en"):
        assert caught.value.code == "not_enough_stock" and "Only 2" in str(caught.value.message)
    assert _states(packs) == [PackState.FINISHED] * 2
    mine = sa.select(sa.func.count(Order.id)).where(Order.buyer_org_id == buyer.organisation_id)
    assert db.session.scalar(mine) == 0
    db.session.expire_all()
    assert db.session.get(QuoteRequest, rfq.id).status is RfqStatus.QUOTED


def test_a_quote_beyond_the_stock_is_refused_with_the_stock_named(app):
    buyer, admin = make_buyer(), make_admin()
    list_packs(2)
    rfq = rfqs.create(buyer, spec(quantity="3"))
    with pytest.raises(Conflict) as caught:
        rfq_admin.quote(admin, rfq.id, unit_price_fen=1_000_000, valid_until=clock.today())
    with force_locale("en"):
        assert caught.value.code == "not_enough_stock" and "Only 2" in str(caught.value.message)
    db.session.expire_all()
    assert db.session.get(QuoteRequest, rfq.id).status is RfqStatus.OPEN  # nothing sent


def test_chemistry_comes_from_the_list(app):
    buyer = make_buyer()
    with pytest.raises(Invalid) as caught:
        rfqs.create(buyer, spec(chemistry="磷酸铁锂"))
    assert caught.value.field == "chemistry"
    assert "LFP" in str(caught.value.message)  # the choices are listed, not only "the list"
    assert rfqs.create(buyer, spec(chemistry="lfp")).chemistry == "LFP"


def test_an_unknown_use_case_lists_the_use_cases_in_words(app):
    """Walk finding: a tampered use case was told "storage、base_station、low_speed_vehicle"."""
    with pytest.raises(Invalid) as caught:
        rfqs.create(make_buyer(), spec(use_case="rocket"))
    assert caught.value.field == "use_case"
    with force_locale("zh_CN"):
        told = str(caught.value.message)
        assert "储能" in told and "基站" in told and "低速" in told, told
        assert not re.search(r"[a-z_]{4,}", told), told
    with force_locale("en"):
        told = str(caught.value.message)
        assert "Energy storage" in told and "Base-station backup" in told, told
        assert "base_station" not in told and "low_speed" not in told, told


def test_a_cancelled_order_frees_the_quote_again(app):
    buyer, admin = make_buyer(), make_admin()
    packs = list_packs(3)
    rfq = _quoted(buyer, admin)
    order = rfqs.accept(buyer, rfq.id)
    market_release.release(order.id, "changed my mind")
    assert _states(packs) == [PackState.FINISHED] * 3
    again = rfqs.accept(buyer, rfq.id)
    assert again.id != order.id and again.total_fen == 3_000_000


def test_only_admins_answer_and_only_the_buyer_sees_or_accepts(app):
    buyer, other, admin = make_buyer(), make_buyer(), make_admin()
    list_packs(3)
    rfq = rfqs.create(buyer, spec())
    with pytest.raises(Forbidden):
        rfq_admin.quote(buyer, rfq.id, unit_price_fen=100, valid_until=clock.today())
    with pytest.raises(Forbidden):
        rfq_admin.decline(buyer, rfq.id, "no")
    with pytest.raises(Forbidden):
        rfqs.create(admin, spec())
    with pytest.raises(NotFound):
        rfqs.get(other, rfq.id)
    rfq_admin.quote(admin, rfq.id, unit_price_fen=100, valid_until=clock.today())
    with pytest.raises(NotFound):
        rfqs.accept(other, rfq.id)
    assert [r.id for r in rfq_admin.open_requests(admin)] == [rfq.id]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"quantity": "0"}, "quantity"),
        ({"quantity": ""}, "quantity"),
        ({"quantity": "٣"}, "quantity"),
        ({"quantity": "1_0"}, "quantity"),
        ({"min_soh_pct": "٨٠"}, "min_soh_pct"),
        ({"min_soh_pct": "101"}, "min_soh_pct"),
        ({"min_usable_kwh": "lots"}, "min_usable_kwh"),
        ({"min_grade": "S"}, "min_grade"),
        # walk finding: "AB", "BC" and blank passed a substring test, then a 500 at insert
        ({"min_grade": "AB"}, "min_grade"),
        ({"min_grade": "BC"}, "min_grade"),
        ({"min_grade": "ABC"}, "min_grade"),
        # walk finding: a note of control characters only, or reversed, was kept
        ({"note": "\x01\x02"}, "note"),
        ({"note": "\u202e12 块"}, "note"),
        ({"note": "要 \x07"}, "note"),
        ({"use_case": "rocket"}, "use_case"),
        ({"wanted_by": "2020-01-01"}, "wanted_by"),
        ({"wanted_by": "soon"}, "wanted_by"),
    ],
)
def test_bad_requests_name_the_field(app, changes, field):
    with pytest.raises(Invalid) as caught:
        rfqs.create(make_buyer(), spec(**changes))
    assert caught.value.field == field
    assert db.session.scalar(sa.select(sa.func.count(QuoteRequest.id))) == 0


def test_a_blank_grade_means_any_grade(app):
    # walk finding: a grade of spaces was stored as "" and the insert failed (a 500)
    rfq = rfqs.create(make_buyer(), spec(min_grade="   "))
    assert rfq.min_grade == "C"


def test_admin_quote_needs_a_price_and_a_date_not_in_the_past(app):
    buyer, admin = make_buyer(), make_admin()
    rfq = rfqs.create(buyer, spec())
    with pytest.raises(Invalid) as price:
        rfq_admin.quote(admin, rfq.id, unit_price_fen=0, valid_until=clock.today())
    with pytest.raises(Invalid) as until:
        rfq_admin.quote(
            admin, rfq.id, unit_price_fen=100, valid_until=clock.today() - timedelta(days=1)
        )
    assert (price.value.field, until.value.field) == ("unit_price", "valid_until")
