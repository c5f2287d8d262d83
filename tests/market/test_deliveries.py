"""Delivery orders ride on the dispatcher's runs with the pickups; the driver hands them over."""

from __future__ import annotations

from decimal import Decimal

import pytest
import sqlalchemy as sa

from lithloop import clock
from lithloop.extensions import db
from lithloop.models import (
    Booking,
    BookingStatus,
    OutboxMessage,
    Plan,
    PlanRoute,
    PlanStatus,
    PlanStop,
    Role,
    Truck,
)
from lithloop.models.market import Order, OrderLine, OrderStatus
from lithloop.services.booking import prices as price_service
from lithloop.services.dispatch import driver_work, plan_edit, publishing
from lithloop.services.dispatch.problem import order_stop_id
from lithloop.services.errors import Conflict, Invalid
from lithloop.services.market import orders as market_orders
from lithloop.services.market.checkout_input import parse_delivery
from tests.factories import make_park, make_user
from tests.market.support import list_packs, make_admin, make_buyer, quick_run
from tests.route_world import at, book_places, make_route, open_day
from tests.web.test_dispatch import bearer, day_world, run_to_end  # noqa: F401 (fixture)


def paid_delivery(mass_kg: str = "400", status=OrderStatus.PAID) -> Order:
    """A paid order of one pack to an address in Mudanjiang's Dong'an district."""
    pack = list_packs(1)[0]
    pack.mass_kg = Decimal(mass_kg)
    buyer = make_buyer()
    order = Order(
        buyer_org_id=buyer.organisation_id,
        user_id=buyer.id,
        status=status,
        total_fen=pack.price_fen,
        delivery_kind="address",
        delivery_address="牡丹江市东安区江滨大道1号",
        delivery_phone="13904531234",
        delivery_lat=Decimal("44.5700"),
        delivery_lon=Decimal("129.6300"),
        paid_at=clock.now(),
    )
    order.lines.append(OrderLine(pack=pack, price_fen=pack.price_fen))
    db.session.add(order)
    db.session.commit()
    return order


def test_a_delivery_is_planned_published_and_handed_over(client, auth, day_world):  # noqa: F811
    order = paid_delivery()
    # the street as a buyer types it, the city chosen beside it: the mails join them
    order.delivery_address, order.delivery_city = "东安区江滨大道1号", "牡丹江市"
    db.session.commit()
    pickup_only = paid_delivery(status=OrderStatus.PENDING_PAYMENT)  # unpaid: not routed
    run = run_to_end(client, day_world)
    assert run["status"] == "succeeded", run
    plan = db.session.get(Plan, run["plan_id"])
    deliveries = [s for r in plan.routes for s in r.stops if s.kind == "delivery"]
    assert [s.order_id for s in deliveries] == [order.id]
    route = deliveries[0].route
    trip = deliveries[0].trip
    loaded = [s for s in route.stops if s.trip == trip and s.kind in ("start", "reload")]
    assert loaded and loaded[-1].load_kg >= 400  # loaded at the park for the trip
    shown = client.get(
        f"/api/v1/plans/{plan.id}", headers=bearer(client, day_world["dispatcher"])
    ).json["solution"]
    assert order_stop_id(order.id) in [s.get("id") for r in shown["routes"] for s in r["steps"]]
    assert pickup_only.id not in [s.order_id for r in plan.routes for s in r.stops]

    publishing.publish_plan(day_world["dispatcher"], plan.id, allow_unmanned=True)
    db.session.expire_all()
    assert db.session.get(Order, order.id).delivery_date == day_world["day"]
    told = db.session.scalar(
        sa.select(OutboxMessage).where(
            OutboxMessage.recipient == order.user.email,
            OutboxMessage.subject
            == f"[lithloop] 订单 #{order.id}：{day_world['day'].isoformat()} 送货",
        )
    )
    assert told is not None and "牡丹江市东安区江滨大道1号" in told.body, told and told.body

    driver = make_user(route.truck.organisation, role=Role.DRIVER)
    route.truck.driver = driver
    db.session.commit()
    stop_id = deliveries[0].id
    with pytest.raises(Conflict) as early:  # the plan is for a later day
        driver_work.record_delivered(driver, stop_id)
    assert early.value.code == "not_today"
    plan.plan_date = clock.today()  # as if the day has come
    db.session.commit()
    auth.login(driver.email)
    page = client.get("/driver/").get_data(as_text=True)
    assert order.delivery_address in page and f"/driver/stops/{stop_id}/delivered" in page
    # the stop is a delivery (送货), not the cart's choice of "delivery method" (交付方式)
    assert "<strong>送货</strong>" in page and "交付方式" not in page
    manifest = client.get(f"/routes/{route.id}/manifest")
    assert order.lines[0].pack.code in manifest.get_data(as_text=True)
    assert "· 送货 ·" in manifest.get_data(as_text=True)
    dangerous = client.get(f"/routes/{route.id}/dangerous-goods").get_data(as_text=True)
    assert "P903" in dangerous and order.buyer_org.name in dangerous  # consignee: the buyer
    consignee = f"收货人：{order.buyer_org.name} — {order.delivery_address}（订单 #{order.id}）"
    assert consignee in dangerous, dangerous  # full-width, no space after the colon
    assert '<dd class="mass">400.00</dd>' in dangerous  # the delivered pack under UN3480
    order.status = OrderStatus.CANCELLED  # e.g. refunded in full while the truck was out
    db.session.commit()
    with pytest.raises(Conflict) as cancelled:
        driver_work.record_delivered(driver, stop_id)
    said = str(cancelled.value.message)
    assert cancelled.value.code == "not_deliverable" and "已取消" in said, said
    assert "cancelled" not in said  # the state in words, not its stored code
    order.status = OrderStatus.PAID
    db.session.commit()
    driver_work.record_delivered(driver, stop_id)
    db.session.expire_all()
    done = db.session.get(Order, order.id)
    assert done.status is OrderStatus.DELIVERED and done.delivered_at is not None
    assert db.session.get(PlanStop, stop_id).done_at is not None
    with pytest.raises(Conflict) as twice:
        driver_work.record_delivered(driver, stop_id)
    assert twice.value.code == "already_recorded"
    with pytest.raises(Conflict):  # an administrator's move finds it delivered: no second mail
        market_orders.advance(make_admin(), order.id)
    subject = f"[lithloop] 订单 #{order.id} 已送达"
    (mail,) = db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.subject == subject))
    assert f"已由 {driver.name}（{route.truck.plate}）送达 牡丹江市东安区江滨大道1号。" in mail.body


def test_delivery_addresses_are_located_or_refused_beside_the_field(app):
    found = parse_delivery(
        {"kind": "address", "address": "黑龙江省牡丹江市东安区", "phone": "13904531234"}
    )
    assert 44 < found["delivery_lat"] < 45 and 129 < found["delivery_lon"] < 130
    with pytest.raises(Invalid) as caught:
        parse_delivery({"kind": "address", "address": "Nowhere Street 9", "phone": "13904531234"})
    assert caught.value.field == "address"
    assert parse_delivery({"kind": "pickup"})["delivery_kind"] == "pickup"


@pytest.mark.parametrize("other_day_first", [True, False])
def test_an_order_is_never_delivered_by_two_published_plans_of_different_days(app, other_day_first):
    """A draft that delivers an order, made before another day's plan carrying the same
    order was published, would send a second truck with it: publishing it is refused, and
    nothing of it is published or told."""
    order = paid_delivery()
    park = make_park(trucks=1)
    truck = db.session.scalars(sa.select(Truck)).one()
    dispatcher = make_user(park, role=Role.DISPATCHER)
    days = [open_day(2), open_day(3)]
    other_day, day = days if other_day_first else days[::-1]
    stops = [("start", None, "08:00"), ("delivery", None, "10:00"), ("end", None, "12:00")]
    published = make_route(truck, stops, day=other_day, by=dispatcher)
    draft = make_route(truck, stops, day=day, status=PlanStatus.DRAFT, by=dispatcher)
    published.stops[1].order_id = draft.stops[1].order_id = order.id
    order.delivery_date = other_day  # as that plan's publishing left it
    db.session.commit()
    from lithloop.services.dispatch import publish_preview

    plan = db.session.get(Plan, draft.plan_id)  # the plan page warns before publishing
    assert [str(w) for w in publish_preview.stale_words(plan)] == [
        f"订单 #{order.id} 现已在 {other_day.isoformat()} 已发布的计划中；本计划会再派一辆车去送："
        f"请重新规划 {day.isoformat()}。"
    ]
    with pytest.raises(Conflict) as caught:
        publishing.publish_plan(dispatcher, draft.plan_id, allow_unmanned=True)
    assert caught.value.code == "booking_changed"
    said = str(caught.value.message)
    assert f"订单 #{order.id} " in said and f"现已在 {other_day.isoformat()} 已发布的计划中" in said
    db.session.expire_all()
    assert db.session.get(Plan, draft.plan_id).status is PlanStatus.DRAFT
    assert db.session.get(Order, order.id).delivery_date == other_day
    told = sa.select(OutboxMessage).where(OutboxMessage.recipient == order.user.email)
    assert db.session.scalars(told).all() == []


@pytest.mark.parametrize(
    ("status", "delivered", "word"),
    [
        (OrderStatus.REFUNDED, False, "已退款"),
        (OrderStatus.CANCELLED, False, "已取消"),
        (OrderStatus.DELIVERED, True, "已送达"),
        (OrderStatus.SHIPPED, False, "已发货"),  # left the park, not on this day's trucks
    ],
)
def test_a_draft_delivering_an_order_that_ended_since_is_not_published(
    app, status, delivered, word
):
    """An order refunded, cancelled, delivered or shipped otherwise after the draft was made
    went on the truck all the same, and its buyer was told a delivery time: publishing is
    refused, naming the order and its state now, and nothing of the plan is published or told
    (not even the healthy delivery before it on the route)."""
    healthy, ended = paid_delivery(), paid_delivery()
    park = make_park(trucks=1)
    truck = db.session.scalars(sa.select(Truck)).one()
    dispatcher = make_user(park, role=Role.DISPATCHER)
    day = open_day(2)
    stops = [
        ("start", None, "08:00"),
        ("delivery", None, "09:00"),
        ("delivery", None, "10:00"),
        ("end", None, "12:00"),
    ]
    draft = make_route(truck, stops, day=day, status=PlanStatus.DRAFT, by=dispatcher)
    draft.stops[1].order_id, draft.stops[2].order_id = healthy.id, ended.id
    ended.status = status  # since the draft was made
    ended.delivered_at = clock.now() if delivered else None
    db.session.commit()
    with pytest.raises(Conflict) as caught:
        publishing.publish_plan(dispatcher, draft.plan_id, allow_unmanned=True)
    assert caught.value.code == "booking_changed"
    said = str(caught.value.message)
    assert f"订单 #{ended.id} " in said and word in said and day.isoformat() in said, said
    assert status.value not in said  # the state in words, not its stored code
    db.session.expire_all()
    assert db.session.get(Plan, draft.plan_id).status is PlanStatus.DRAFT
    assert db.session.get(Order, healthy.id).delivery_date is None
    assert db.session.get(Order, ended.id).delivery_date is None
    told = sa.select(OutboxMessage).where(
        OutboxMessage.recipient.in_([healthy.user.email, ended.user.email])
    )
    assert db.session.scalars(told).all() == []


def test_an_order_shipped_on_the_days_truck_is_published_again_with_the_day(app):
    """Shipped on a truck of the day's published plan (its delivery day is this day): a new
    plan of the day that keeps the delivery is published (the driver still hands it over)."""
    order = paid_delivery(status=OrderStatus.SHIPPED)
    park = make_park(trucks=1)
    truck = db.session.scalars(sa.select(Truck)).one()
    dispatcher = make_user(park, role=Role.DISPATCHER)
    day = open_day(2)
    order.delivery_date = day
    stops = [("start", None, "08:00"), ("delivery", None, "10:00"), ("end", None, "12:00")]
    draft = make_route(truck, stops, day=day, status=PlanStatus.DRAFT, by=dispatcher)
    draft.stops[1].order_id = order.id
    db.session.commit()
    publishing.publish_plan(dispatcher, draft.plan_id, allow_unmanned=True)
    db.session.expire_all()
    assert db.session.get(Plan, draft.plan_id).status is PlanStatus.PUBLISHED


def test_an_urgent_booking_keeps_the_deliveries_already_done(app):
    """A new draft with an urgent booking lost the record of every stop already done (its
    new routes had no truck id before the flush, so none was matched with the published
    route; and deliveries were not looked at): a picked-up booking's stop made publishing
    it refuse (booking_changed), a delivered order's would have told its buyer a delivery
    time again, and the urgent stop could go before a delivery done. The done stops stay
    done, the urgent one comes after them, and the draft is published without a word to
    that buyer."""
    price_service.ensure_default_index()
    park = make_park(trucks=1)
    truck = db.session.scalars(sa.select(Truck)).one()
    dispatcher = make_user(park, role=Role.DISPATCHER)
    day = open_day(2)
    picked, urgent = book_places(day, [(44.60, 129.64), (44.58, 129.61)])
    order = paid_delivery(status=OrderStatus.DELIVERED)
    stops = [
        ("start", None, "08:00"),
        ("pickup", picked, "08:30"),
        ("delivery", None, "09:30"),
        ("end", None, "12:00"),
    ]
    published = make_route(truck, stops, day=day, by=dispatcher)
    published.stops[1].done_at = clock.now()
    db.session.get(Booking, picked).status = BookingStatus.PICKED_UP
    handed = published.stops[2]
    handed.order_id = order.id
    handed.done_at = order.delivered_at = clock.now()
    order.delivery_date = day
    db.session.commit()
    draft = plan_edit.insert_urgent(dispatcher, published.plan_id, urgent)
    db.session.commit()
    (route,) = draft.routes
    kinds = [(s.kind, s.order_id or s.booking_id, s.done_at is not None) for s in route.stops]
    assert kinds[1:4] == [
        ("pickup", picked, True),
        ("delivery", order.id, True),
        ("pickup", urgent, False),
    ], kinds
    publishing.publish_plan(dispatcher, draft.id, allow_unmanned=True)
    db.session.expire_all()
    assert db.session.get(Plan, draft.id).status is PlanStatus.PUBLISHED
    told = sa.select(OutboxMessage).where(OutboxMessage.recipient == order.user.email)
    assert db.session.scalars(told).all() == []


def test_an_urgent_booking_goes_after_an_unloading_done_and_keeps_it_done(app):
    """A reload at the park already done (the truck unloaded) is part of what is done: the
    urgent stop goes after it and the draft keeps it done (the driver was asked to unload
    again, and the stop could go before it); a truck whose day is over takes none."""
    price_service.ensure_default_index()
    park = make_park(trucks=2)
    trucks = list(db.session.scalars(sa.select(Truck).order_by(Truck.id)))
    dispatcher = make_user(park, role=Role.DISPATCHER)
    day = open_day(2)
    first, later, urgent = book_places(day, [(44.60, 129.64), (44.62, 129.66), (44.58, 129.61)])
    stops = [
        ("start", None, "08:00"),
        ("pickup", first, "08:30"),
        ("reload", None, "09:30"),
        ("pickup", later, "10:30"),
        ("end", None, "12:00"),
    ]
    published = make_route(trucks[0], stops, day=day, by=dispatcher)
    for stop in published.stops[:3]:
        stop.done_at = clock.now()
    db.session.get(Booking, first).status = BookingStatus.PICKED_UP
    trucks[1].active = False  # one truck: the urgent stop must share the route
    db.session.commit()
    draft = plan_edit.insert_urgent(dispatcher, published.plan_id, urgent)
    db.session.commit()
    (route,) = draft.routes
    kinds = [(s.kind, s.booking_id, s.done_at is not None) for s in route.stops]
    assert kinds[:3] == [("start", None, True), ("pickup", first, True), ("reload", None, True)]
    assert [k[1] for k in kinds if k[0] == "pickup"].index(urgent) == 1, kinds


def _delivery_letters(order: Order) -> list[str]:
    """The subjects of the letters telling the order's buyer a delivery day and time."""
    return db.session.scalars(
        sa.select(OutboxMessage.subject).where(
            OutboxMessage.recipient == order.user.email,
            OutboxMessage.subject.contains(f"订单 #{order.id}："),
            OutboxMessage.subject.endswith(" 送货"),
        )
    ).all()


def test_a_buyer_is_written_again_only_when_their_delivery_changes(app):
    """Every publish wrote to every buyer the plan carries, even when nothing changed for
    them (a re-publish after a hand move of one stop wrote to them all). As for bookings,
    a buyer whose delivery keeps its day, truck and time is not written to again (nor
    counted as told by the confirmation); one whose time moved is."""
    from lithloop.services.dispatch import publish_preview

    same, moved = paid_delivery(), paid_delivery()
    park = make_park(trucks=1)
    truck = db.session.scalars(sa.select(Truck)).one()
    dispatcher = make_user(park, role=Role.DISPATCHER)
    day = open_day(2)

    def publish(at_same: str, at_moved: str):
        stops = [
            ("start", None, "08:00"),
            ("delivery", None, at_same),
            ("delivery", None, at_moved),
            ("end", None, "12:00"),
        ]
        draft = make_route(truck, stops, day=day, status=PlanStatus.DRAFT, by=dispatcher)
        draft.stops[1].order_id, draft.stops[2].order_id = same.id, moved.id
        db.session.commit()
        shown = publish_preview.preview(draft.plan)
        publishing.publish_plan(dispatcher, draft.plan_id, allow_unmanned=True)
        return {d["order"].id for d in shown.deliveries}, shown.not_told

    assert publish("09:00", "10:00") == ({same.id, moved.id}, 0)
    assert len(_delivery_letters(same)) == len(_delivery_letters(moved)) == 1
    assert publish("09:00", "10:40") == ({moved.id}, 1)  # the second stop moved by hand
    assert len(_delivery_letters(same)) == 1
    assert len(_delivery_letters(moved)) == 2
    assert publish("09:00", "10:40") == (set(), 2)  # published again as it is: no one
    assert len(_delivery_letters(same)) == 1 and len(_delivery_letters(moved)) == 2


def test_a_locked_route_loses_the_stops_of_orders_and_bookings_ended_since(app):
    """A locked route was copied whole into the next run, with a stop for a booking
    cancelled and an order refunded since: publishing refused that plan, and every next
    one while the route stayed locked. The run takes those stops off (the rest stays
    locked, in its order, its loads without theirs, its times simulated again) and says
    so in its log."""
    from flask_babel import force_locale

    from lithloop.web.dispatch.run_log import run_log

    price_service.ensure_default_index()
    park = make_park(trucks=2)
    truck = db.session.scalars(sa.select(Truck).order_by(Truck.id)).first()
    dispatcher = make_user(park, role=Role.DISPATCHER)
    day = open_day(2)
    kept, cancelled = book_places(day, [(44.60, 129.64), (44.58, 129.61)])
    refunded = paid_delivery()
    stops = [
        ("start", None, "08:00"),
        ("pickup", kept, "09:00"),
        ("pickup", cancelled, "10:00"),
        ("delivery", None, "11:00"),
        ("end", None, "12:00"),
    ]
    locked = make_route(truck, stops, day=day, status=PlanStatus.DRAFT, by=dispatcher)
    locked.locked = True
    locked.stops[3].order_id = refunded.id
    for stop, load in zip(locked.stops, [400, 900, 1400, 1000, 1000], strict=True):
        stop.load_kg = load  # the order's 400 kg loaded at the park, 500 kg a pickup
    other = db.session.scalars(sa.select(Truck).order_by(Truck.id)).all()[1]
    (gone,) = book_places(day, [(44.59, 129.60)], name="另一网点")
    emptied = PlanRoute(
        plan=locked.plan, truck=other, locked=True, cost_fen=0, trips=1, distance_m=0, duration_s=0
    )
    emptied.stops = [  # nothing left on it once its one pickup is off: not kept
        PlanStop(seq=i, kind=kind, booking_id=b, arrival=at(day, t), departure=at(day, t))
        for i, (kind, b, t) in enumerate([("start", None, "08:00"), ("pickup", gone, "09:00")])
    ]
    db.session.add(emptied)
    db.session.get(Booking, gone).status = BookingStatus.CANCELLED
    db.session.get(Booking, cancelled).status = BookingStatus.CANCELLED
    refunded.status = OrderStatus.REFUNDED
    plan = quick_run(day, dispatcher)
    run = plan.run
    (route,) = [r for r in plan.routes if r.truck_id == truck.id]
    assert route.locked
    assert not [r for r in plan.routes if r.truck_id == other.id and r.locked]
    got = [(s.seq, s.kind, s.booking_id, s.load_kg) for s in route.stops]
    assert got == [(0, "start", None, 0), (1, "pickup", kept, 500), (2, "end", None, 500)]
    # simulated again without the stops taken off (the next test checks its figures)
    assert route.stops[1].arrival < locked.stops[1].arrival
    assert route.collected_kg == 500
    with app.test_request_context("/"), force_locale("zh_CN"):
        told = run_log(run.log).lines
    plate = truck.plate
    assert (
        f"{day}：预约 #{cancelled} 已取消，已将其站点从保持不变的 {plate} 路线中移除；"
        "该路线其余部分保持不变"
    ) in told, told
    assert any(f"订单 #{refunded.id} 已退款，已将其送货站点" in line for line in told), told
    with app.test_request_context("/"), force_locale("en"):
        said = run_log(run.log).lines
    assert f"{day}: Order #{refunded.id} has been refunded, so its delivery was taken off" in (
        " ".join(said)
    ), said
    publishing.publish_plan(dispatcher, plan.id, allow_unmanned=True)  # not refused
    assert db.session.get(Plan, plan.id).status is PlanStatus.PUBLISHED


def test_a_locked_route_that_loses_a_stop_stores_its_own_distance_duration_and_cost(app):
    """A locked route that lost a stop (its booking cancelled since) kept the distance,
    duration and cost of the longer route it was, in the route and the plan's totals. The
    route left is simulated again: park, the kept pickup, park, with the truck's rates."""
    from lithloop.services.booking.distances import day_matrices
    from lithloop.services.dispatch.plan_store import route_cost_fen
    from lithloop.services.dispatch.problem import park_site

    price_service.ensure_default_index()
    park = make_park(trucks=1)
    truck = db.session.scalars(sa.select(Truck)).one()
    dispatcher = make_user(park, role=Role.DISPATCHER)
    day = open_day(2)
    kept, cancelled = book_places(day, [(44.60, 129.64), (44.95, 130.10)])
    stops = [
        ("start", None, "08:00"),
        ("pickup", kept, "09:00"),
        ("pickup", cancelled, "11:00"),
        ("end", None, "14:00"),
    ]
    locked = make_route(truck, stops, day=day, status=PlanStatus.DRAFT, by=dispatcher)
    locked.locked = True
    locked.distance_m, locked.duration_s, locked.cost_fen = 180_000, 6 * 3600, 123_456
    db.session.get(Booking, cancelled).status = BookingStatus.CANCELLED
    plan = quick_run(day, dispatcher)
    (route,) = plan.routes
    assert route.locked
    start, pickup, end = sorted(route.stops, key=lambda s: s.seq)
    assert (start.kind, pickup.booking_id, end.kind) == ("start", kept, "end")
    site = db.session.get(Booking, kept).site
    depot = park_site()
    mats, _notes = day_matrices([(depot.lon, depot.lat), (site.lon, site.lat)], day)
    there_and_back = int(mats.distance[0, 1]) + int(mats.distance[1, 0])
    assert route.distance_m == end.distance_m == there_and_back, route.distance_m
    assert route.duration_s == int((end.arrival - start.departure).total_seconds())
    assert route.duration_s < 6 * 3600
    assert route.cost_fen == route_cost_fen(truck, [start, pickup, end], there_and_back)
    assert (plan.distance_m, plan.duration_s, plan.cost_fen) == (
        route.distance_m,
        route.duration_s,
        route.cost_fen,
    )


def test_a_replan_keeps_an_order_shipped_on_a_truck_on_that_truck(app, monkeypatch):
    """Re-planning the rest of the day dropped the delivery of an order marked shipped (its
    packs on a truck already out): the planner took only paid or packed orders. It stays on
    its truck, after the stops done, as an under-way truck keeps what it picked up (even
    when the other truck, from the park, would be cheaper: it has not got the packs); the
    new plan is published with it."""

    price_service.ensure_default_index()
    park = make_park(trucks=2)
    truck = db.session.scalars(sa.select(Truck).order_by(Truck.id.desc())).first()
    truck.cost_per_km_fen = 100_000  # any detour of it costs more than the other truck
    dispatcher = make_user(park, role=Role.DISPATCHER)
    day = open_day(2)
    (picked,) = book_places(day, [(44.70, 129.75)])  # north-east of the park
    order = paid_delivery(status=OrderStatus.SHIPPED)
    order.delivery_lat, order.delivery_lon = Decimal("44.45"), Decimal("129.50")  # south-west
    order.delivery_date = day  # shipped on the day's published plan's truck
    stops = [
        ("start", None, "08:00"),
        ("pickup", picked, "09:00"),
        ("delivery", None, "10:00"),
        ("end", None, "12:00"),
    ]
    published = make_route(truck, stops, day=day, by=dispatcher)
    monkeypatch.setattr(clock, "now", lambda: at(day, "09:30"))  # the day under way
    published.stops[1].done_at = at(day, "09:20")
    db.session.get(Booking, picked).status = BookingStatus.PICKED_UP
    published.stops[2].order_id = order.id
    plan = quick_run(day, dispatcher)
    carried = [(r.truck_id, s) for r in plan.routes for s in r.stops if s.order_id == order.id]
    assert [(t, s.done_at) for t, s in carried] == [(truck.id, None)], carried
    route = carried[0][1].route
    kinds = [(s.kind, s.booking_id or s.order_id) for s in sorted(route.stops, key=lambda s: s.seq)]
    assert kinds[1:3] == [("pickup", picked), ("delivery", order.id)], kinds
    publishing.publish_plan(dispatcher, plan.id, allow_unmanned=True)
    assert db.session.get(Plan, plan.id).status is PlanStatus.PUBLISHED
