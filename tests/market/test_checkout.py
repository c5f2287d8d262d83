"""Checkout: reservation under row locks, conflicts named, expiry released."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from lithloop import clock
from lithloop.extensions import db
from lithloop.models import Order, OrderStatus, PackEvent, PackState
from lithloop.services.errors import Conflict, Forbidden, Invalid
from lithloop.services.market import catalog, catalog_groups, checkout, expiry
from lithloop.services.market import payments as market_payments
from tests.market.support import list_packs, make_admin, make_buyer


def _orders() -> int:
    return db.session.scalar(sa.select(sa.func.count(Order.id)))


def test_checkout_reserves_the_packs_and_opens_a_payment_intent_in_fen(app):
    buyer = make_buyer()
    a, b = list_packs(2, price_fen=1_234_500)
    order = checkout.checkout(buyer, [{"pack_id": b.id}, {"pack_id": a.id}], {"kind": "pickup"})
    assert order.status is OrderStatus.PENDING_PAYMENT and order.total_fen == 2_469_000
    assert order.payment.intent_id.startswith("pi_") and order.payment.client_secret
    assert order.payment.amount_fen == 2_469_000
    assert order.reserved_until > clock.now() + timedelta(minutes=29)
    for pack in (a, b):
        db.session.refresh(pack)
        assert pack.state is PackState.RESERVED
        assert pack.events[-1].kind == "reserved"
        assert pack.events[-1].data["order_id"] == order.id


def test_ordering_a_reserved_pack_is_a_conflict_naming_it_and_writes_nothing(app):
    first, second = make_buyer(), make_buyer()
    free, taken = list_packs(2)
    checkout.checkout(first, [{"pack_id": taken.id}])
    events = db.session.scalar(sa.select(sa.func.count(PackEvent.id)))
    with pytest.raises(Conflict) as caught:
        checkout.checkout(second, [{"pack_id": free.id}, {"pack_id": taken.id}])
    assert taken.code in str(caught.value.message) and caught.value.code == "pack_unavailable"
    assert "已预留" in str(caught.value.message) and "reserved" not in str(caught.value.message)
    db.session.refresh(free)
    assert free.state is PackState.FINISHED and _orders() == 1
    assert db.session.scalar(sa.select(sa.func.count(PackEvent.id))) == events


def test_group_line_takes_identical_packs_and_refuses_more_than_stock(app):
    buyer = make_buyer()
    packs = list_packs(3)
    list_packs(2, grade="B", price_fen=800_000)  # another group
    group = catalog_groups.group_id(packs[0])
    assert catalog.stock_of(group) == 3
    with pytest.raises(Conflict) as caught:
        checkout.checkout(buyer, [{"group_id": group, "quantity": 4}])
    assert caught.value.code == "not_enough_stock" and "3" in str(caught.value.message)
    assert "磷酸铁锂 LFP，等级 A，51.2 kWh" in str(caught.value.message)  # in words, not its key
    assert _orders() == 0 and catalog.stock_of(group) == 3
    order = checkout.checkout(buyer, [{"group_id": group, "quantity": 2}])
    assert sorted(line.pack_id for line in order.lines) == [packs[0].id, packs[1].id]
    assert catalog.stock_of(group) == 1


def test_bad_lines_and_roles_are_refused(app):
    buyer = make_buyer()
    (pack,) = list_packs(1)
    for lines in (
        [],
        [{"pack_id": pack.id}, {"pack_id": pack.id}],
        [{"group_id": catalog_groups.group_id(pack), "quantity": 0}],
        [{"x": 1}],
    ):
        with pytest.raises(Invalid):
            checkout.checkout(buyer, lines)
    with pytest.raises(Invalid) as caught:
        checkout.checkout(buyer, [{"pack_id": pack.id}], {"kind": "address", "address": ""})
    assert caught.value.field == "address"
    with pytest.raises(Forbidden):
        checkout.checkout(make_admin(), [{"pack_id": pack.id}])


def test_expired_reservations_are_swept_back_on_sale(app):
    buyer = make_buyer()
    (pack,) = list_packs(1)
    order = checkout.checkout(buyer, [{"pack_id": pack.id}])
    assert expiry.sweep_expired() == 0
    assert expiry.sweep_expired(now=clock.now() + timedelta(minutes=31)) == 1
    db.session.refresh(order)
    db.session.refresh(pack)
    assert order.status is OrderStatus.CANCELLED and "expired" in order.cancel_reason
    assert pack.state is PackState.FINISHED and pack.events[-1].kind == "released"


def test_paying_after_the_reservation_expired_is_refused_clearly(app):
    buyer = make_buyer()
    (pack,) = list_packs(1)
    order = checkout.checkout(buyer, [{"pack_id": pack.id}])
    order.reserved_until = clock.now() - timedelta(seconds=1)
    db.session.commit()
    with pytest.raises(Conflict) as caught:
        market_payments.pay(buyer, order.id, "pm_card_visa")
    assert caught.value.code == "reservation_expired"
    db.session.refresh(pack)
    assert pack.state is PackState.FINISHED
    assert db.session.get(Order, order.id).status is OrderStatus.CANCELLED


def test_demo_stock_is_listed_once_in_groups_with_valid_codes(demo):
    from lithloop.batteries import validate_code
    from lithloop.demo.market import SPECS, seed_market_packs

    assert seed_market_packs() == 0  # the demo listed its stock: nothing more
    groups = catalog_groups.grouped(catalog.search(catalog.Filters()))
    assert sorted(g.quantity for g in groups) == sorted(spec[-1] for spec in SPECS)
    for group in groups:
        assert validate_code(group.first.code).ok and group.first.price_fen > 0
        assert group.first.events[-1].kind == "listed" and catalog.latest_test(group.first)


@pytest.mark.parametrize("backend", ["sqlite"])  # refused before any lock is taken
def test_ordering_a_pack_the_plant_still_holds_says_it_is_not_for_sale_in_words(app):
    (pack,) = list_packs(1)
    pack.state = PackState.AGING
    db.session.commit()
    with pytest.raises(Conflict) as caught:
        checkout.checkout(make_buyer(), [{"pack_id": pack.id}])
    message = str(caught.value.message)
    assert message == f"电池包 {pack.code} 不在出售中。" and caught.value.code == "pack_unavailable"
