"""The lists that grow with history (issue 20): current work by default, history one
filter away, search, paging, totals from aggregates, and the yearly CSV streamed."""

from __future__ import annotations

import csv
import io
import re

import pytest
import sqlalchemy as sa

from lithloop import clock
from lithloop.extensions import db
from lithloop.models import (
    Booking,
    BookingStatus,
    Order,
    OrderLine,
    OrderStatus,
    Pack,
    PackEvent,
    User,
    Warehouse,
)
from lithloop.services.market import catalog
from lithloop.services.packs import traceability
from lithloop.services.plant import warehouse_stock


@pytest.fixture
def region(demo_activity):
    """The demo region with its history (bookings through the whole chain, orders)."""
    return demo_activity


def _ids(body: str, prefix: str) -> set[int]:
    return {int(n) for n in re.findall(rf'href="{prefix}(\d+)"', body)}


def test_dispatcher_starts_at_open_bookings_and_finds_history(client, auth, region):
    auth.login_demo("dispatcher")
    shown = _ids(client.get("/bookings/").get_data(as_text=True), "/bookings/")
    statuses = dict(db.session.execute(sa.select(Booking.id, Booking.status)).all())
    assert shown and all(
        statuses[i] in (BookingStatus.REQUESTED, BookingStatus.SCHEDULED, BookingStatus.PICKED_UP)
        for i in shown
    )
    received = next(i for i, s in statuses.items() if s is BookingStatus.SETTLED)
    assert received not in shown
    found = client.get(f"/bookings/?status=all&q=%23{received}").get_data(as_text=True)
    assert _ids(found, "/bookings/") == {received}
    pack = db.session.scalar(sa.select(Pack).where(Pack.booking_id == received).limit(1))
    pack.vehicle_plate = "黑C·A1234"
    db.session.commit()
    by_plate = client.get("/bookings/?status=all&q=黑C·A1234").get_data(as_text=True)
    assert _ids(by_plate, "/bookings/") == {received}
    assert client.get("/bookings/?status=all&q=²").status_code == 200  # not a number


def _orders() -> list[Order]:
    """Two orders of the demo buyer: one paid with two packs, one awaiting payment."""
    buyer = db.session.scalar(sa.select(User).where(User.email == "buyer@demo.lithloop"))
    packs = list(db.session.scalars(catalog.for_sale().order_by(Pack.id).limit(3)))
    made = []
    for status, chosen in ((OrderStatus.PAID, packs[:2]), (OrderStatus.PENDING_PAYMENT, packs[2:])):
        order = Order(
            buyer_org_id=buyer.organisation_id,
            user_id=buyer.id,
            status=status,
            total_fen=sum(p.price_fen for p in chosen),
        )
        order.lines = [OrderLine(pack=p, price_fen=p.price_fen) for p in chosen]
        db.session.add(order)
        made.append(order)
    db.session.commit()
    return made


def test_orders_are_paged_searched_and_filtered(client, auth, region):
    orders = _orders()
    auth.login_demo("admin")
    body = client.get("/market/orders").get_data(as_text=True)
    assert _ids(body, "/market/orders/") == {o.id for o in orders}
    one = orders[0]
    found = client.get(f"/market/orders?q={one.id}").get_data(as_text=True)
    assert _ids(found, "/market/orders/") == {one.id}
    by_status = client.get(f"/market/orders?status={one.status.value}").get_data(as_text=True)
    assert one.id in _ids(by_status, "/market/orders/")
    by_buyer = client.get(f"/market/orders?q={one.buyer_org.name[:3]}").get_data(as_text=True)
    assert one.id in _ids(by_buyer, "/market/orders/")
    paid = client.get("/market/orders?status=paid").get_data(as_text=True)
    assert _ids(paid, "/market/orders/") == {one.id}
    assert re.search(rf'{one.id}</a>.*?<td class="num">2</td>', paid, re.S)  # its packs


def test_trace_groups_count_all_and_page_each(app, region):
    everything = traceability.due_groups(per_page=1000)
    assert everything.total == len(traceability.pending()) > 1
    paged = traceability.due_groups(per_page=1)
    assert paged.counts == everything.counts and paged.has_next
    assert all(len(getattr(paged, g)) <= 1 for g in ("overdue", "due_soon", "later"))
    second = traceability.due_groups(per_page=1, page=2)
    firsts = {e.id for g in ("overdue", "due_soon", "later") for e in getattr(paged, g)}
    seconds = {e.id for g in ("overdue", "due_soon", "later") for e in getattr(second, g)}
    assert firsts and not firsts & seconds
    org = traceability.organisations_owing()[0]
    mine = traceability.due_groups(organisation_id=org[0])
    assert mine.total == org[2]
    # the handovers it is a party to: recorded by it, its packs received, packs sold to it
    for e in (e for g in ("overdue", "due_soon", "later") for e in getattr(mine, g)):
        counterparty = {"received": e.pack.owner_id, "sold": e.pack.buyer_id}.get(e.kind)
        assert org[0] in (e.organisation_id, counterparty), e.id


def test_a_years_handovers_stream_as_csv_reported_or_not(client, auth, region):
    event = db.session.scalar(
        sa.select(PackEvent).where(PackEvent.report_due.is_not(None)).order_by(PackEvent.id)
    )
    event.reported_at = clock.now()
    db.session.commit()
    auth.login_demo("admin")
    with client.get(f"/trace/handovers.csv?year={clock.today().year}", buffered=False) as response:
        assert response.status_code == 200 and response.is_streamed
        rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    handovers = db.session.scalar(
        sa.select(sa.func.count()).where(PackEvent.report_due.is_not(None))
    )
    assert len(rows) - 1 == handovers  # this year's, the reported one too
    unreported = client.get("/trace/handovers.csv").get_data(as_text=True)
    assert len(unreported.strip().splitlines()) - 1 == handovers - 1
    # a year out of range is refused (it once served the next batch as if it were that year)
    assert client.get("/trace/handovers.csv?year=1999").status_code == 422


def test_warehouse_filters_and_totals_from_the_aggregate(client, auth, region):
    stock = list(db.session.scalars(sa.select(Pack).where(Pack.warehouse == Warehouse.FINISHED)))
    assert stock
    totals = warehouse_stock.totals(Warehouse.FINISHED, warehouse_stock.Filters())
    assert totals.packs == len(stock)
    assert totals.mass_kg == sum(p.mass_kg for p in stock)
    chemistry = stock[0].chemistry
    only = warehouse_stock.Filters(chemistry=chemistry)
    assert warehouse_stock.totals(Warehouse.FINISHED, only).packs == sum(
        p.chemistry == chemistry for p in stock
    )
    auth.login_demo("plant")
    code = stock[0].code
    body = client.get(f"/plant/warehouses/finished?code={code[-6:]}").get_data(as_text=True)
    assert code in body and all(p.code not in body for p in stock if code[-6:] not in p.code)
    assert client.get("/plant/warehouses/finished?age=%3E30&grade=Z").status_code == 200
