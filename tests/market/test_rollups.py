"""The dashboard's monthly rollups equal a recomputation from the raw rows after the whole
chain through the real services: intake, grading, aging, assembly, dismantling (a closed
batch), settlement (the demo's history), then a sale paid through localstripe, a refund and
a correction; and the check notices an event written behind the rollups' back."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import sqlalchemy as sa

from lithloop import clock
from lithloop.extensions import db
from lithloop.models import MonthlyRollup, Order, OrderStatus, Pack, PackEvent, PackState
from lithloop.services.market import catalog
from lithloop.services.market import refunds as market_refunds
from lithloop.services.packs import events as pack_events
from lithloop.services.reporting import dashboard, raw_figures, rollups
from tests.conftest import Auth, submit
from tests.market.support import make_admin, make_buyer


def _measures() -> set[str]:
    return {measure for _month, measure, _key in rollups.stored()}


def _sell_and_refund(app) -> Order:
    """A buyer orders two listed packs and pays; the admin refunds one line."""
    buyer = make_buyer()
    client = app.test_client()
    Auth(client).login(buyer.email)
    pack = db.session.scalar(catalog.for_sale().order_by(Pack.price_fen, Pack.id).limit(1))
    submit(client, "/market/cart/add", {"pack_id": pack.id}, page="/market/")
    response = submit(client, "/market/checkout", {"delivery_kind": "pickup"}, page="/market/cart")
    assert response.status_code == 302, response.data[:300]
    order = db.session.scalar(sa.select(Order).order_by(Order.id.desc()))
    submit(client, f"/market/orders/{order.id}/pay", {"method": "pm_card_visa"})
    db.session.expire_all()
    assert order.status is OrderStatus.PAID
    market_refunds.refund(make_admin(), order.id, line_id=order.lines[0].id, amount_fen=100)
    return order


def test_rollups_equal_recomputation_after_the_chain(app, demo_activity):
    assert {"intake_kg", "received_kg", "processed_kg", "built", "material_kg"} <= _measures()
    assert rollups.stored() == rollups.recompute()

    order = _sell_and_refund(app)
    received = db.session.scalar(
        sa.select(PackEvent).where(PackEvent.kind == "received").order_by(PackEvent.id)
    )
    pack_events.correct(make_admin(), received.id, "weighed again: 2 kg lighter")
    db.session.commit()
    assert db.session.get(Order, order.id).refunded_fen == 100
    assert rollups.stored() == rollups.recompute()

    # The dashboard reads the rollups: its year equals the raw GROUP BY queries.
    starts = raw_figures.month_starts(clock.today().year)
    data = dashboard.dashboard()
    assert data["months"]["received_t"] == [
        dashboard._tonnes(v) for v in raw_figures.received_by_month(starts)
    ]
    assert data["months"]["built"] == raw_figures.built_by_month(starts)
    assert data["chemistry"] == raw_figures.by_chemistry(starts)
    assert data["second_life_kwh"] == raw_figures.second_life_kwh(starts)


def test_an_event_written_past_the_rollups_is_noticed_and_rebuilt(app, demo_activity):
    raw = db.session.scalar(
        sa.select(Pack)
        .where(Pack.state.not_in([PackState.DISMANTLED, PackState.CONSUMED]))
        .order_by(Pack.id)
        .limit(1)
    )
    raw.state, raw.warehouse = PackState.DISMANTLED, None
    db.session.add(  # straight into the table, as a careless import would
        PackEvent(pack=raw, kind="dismantled", at=clock.now() - timedelta(days=40), data={})
    )
    db.session.commit()
    assert rollups.stored() != rollups.recompute()
    result = app.test_cli_runner().invoke(args=["rebuild-rollups"])
    assert result.exit_code == 0 and "rollup rows rebuilt" in result.output
    db.session.expire_all()
    assert rollups.stored() == rollups.recompute()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(MonthlyRollup)) > 0
    assert sum(
        v for (_m, measure, _k), v in rollups.stored().items() if measure == "dismantled_kg"
    ) >= Decimal(raw.mass_kg)
