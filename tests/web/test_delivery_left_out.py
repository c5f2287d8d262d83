"""A marketplace delivery a run cannot fit is shown as left out on the plan page and the
dispatch day page, in delivery words; one it serves is not. Publishing the plan keeps it
due and tells its buyer, once, in the buyer's language."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import sqlalchemy as sa
from markupsafe import escape

from lithloop import clock
from lithloop.extensions import db
from lithloop.models import (
    OrgKind,
    OutboxMessage,
    Plan,
    PlanRun,
    PlanStatus,
    Role,
    RunStatus,
    Truck,
)
from lithloop.models.market import Order, OrderStatus
from lithloop.services.dispatch import day_work, publishing
from lithloop.services.dispatch.left_deliveries import carry
from lithloop.services.dispatch.problem import order_stop_id, park_site
from lithloop.web.plan_view import plan_geo
from tests.conftest import api_headers
from tests.factories import make_org, make_park, make_user, make_user_as
from tests.market.support import make_admin
from tests.market.test_deliveries import paid_delivery
from tests.plain_language import untranslated
from tests.route_world import make_route, open_day
from tests.web.test_dispatch import day_world, run_to_end  # noqa: F401 (fixture)

ALL_PLACED = "当天所有预约都已安排上车"
REASON = "送货城市距产业园太远，车辆无法在一个工作日内往返"  # out_of_range, for a delivery
BOOKING_REASON = "该网点超出车辆一个工作日的行驶范围"  # the same code, for a booking's site


def _plan_page(client, auth, world) -> tuple[Plan, str]:
    run = run_to_end(client, world)
    assert run["status"] == "succeeded", run
    auth.login(world["dispatcher"].email)
    page = client.get(f"/dispatch/plans/{run['plan_id']}").get_data(as_text=True)
    return db.session.get(Plan, run["plan_id"]), page


def test_a_delivery_beyond_reach_is_listed_as_left_out(client, auth, day_world):  # noqa: F811
    order = paid_delivery()
    # Guangzhou: thousands of km from the park, beyond any shift
    order.delivery_lat, order.delivery_lon = Decimal("23.1291"), Decimal("113.2644")
    order.delivery_city = "广州市"
    db.session.commit()
    plan, page = _plan_page(client, auth, day_world)
    assert order.id not in [s.order_id for r in plan.routes for s in r.stops]
    assert "1 个配送未安排" in page
    assert f"订单 #{order.id} · {order.buyer_org.name} · 广州市" in page
    deliveries = page.split("配送未安排")[1]
    assert REASON in deliveries and BOOKING_REASON not in deliveries, page
    assert ALL_PLACED not in page
    # the map marks where it was to go, on the drawn map and on the tile-server one
    mark = f'class="left-out"><title>#{order.id} {escape(order.delivery_address)}</title>'
    assert mark in page, page[page.find("<svg") :][:3000]
    assert 'class="key-mark"' in page  # and says what the dashed circle is
    geo = plan_geo(plan, park_site())
    assert [23.1291, 113.2644] in geo["left_out"]
    if not plan.unassigned:  # no "0 bookings left out" heading over the delivery
        assert '<h2 id="deliveries-left-out">' in page and "<h2>0 " not in page
    left = len(plan.unassigned) + 1
    assert f'<a href="#left-out">{left}</a>' in page
    day = client.get(f"/dispatch/?date={day_world['day'].isoformat()}").get_data(as_text=True)
    assert "1 个待配送订单" in day and "其中 1 个未排入最新方案" in day
    assert f"订单 #{order.id} · {order.buyer_org.name} · 广州市" in day
    publishing.publish_plan(day_world["dispatcher"], plan.id, allow_unmanned=True)
    (letter,) = _letters(order)  # once, in the buyer's language (Chinese when none is saved)
    assert letter.subject == f"[lithloop] 订单 #{order.id}：{day_world['day']} 未能配送"
    assert f"{REASON}。\n" in letter.body and "请联系产业园商定配送方式和时间" in letter.body
    assert untranslated(letter.body) == [], letter.body


def test_a_served_delivery_is_not_listed_as_left_out(client, auth, day_world):  # noqa: F811
    order = paid_delivery()
    plan, page = _plan_page(client, auth, day_world)
    assert order.id in [s.order_id for r in plan.routes for s in r.stops]
    assert "配送未安排" not in page
    day = client.get(f"/dispatch/?date={day_world['day'].isoformat()}").get_data(as_text=True)
    assert "1 个待配送订单" in day and "未排入最新方案" not in day


def test_the_day_page_speaks_of_the_newest_plan_not_a_superseded_one(client, auth):
    """The day page took the plan with the highest id, superseded or not, so it could call a
    delivery served (or left out) when the plan in force said otherwise. Drafts A then B,
    B published, then A published: B is superseded yet newer by id."""
    order = paid_delivery()
    dispatcher, day = make_user_as(Role.DISPATCHER), open_day(2)
    run = PlanRun(
        plan_date=day, time_limit_s=10, status=RunStatus.SUCCEEDED, created_by_id=dispatcher.id
    )
    left = {"routes": [], "unassigned": [{"id": f"order-{order.id}", "reason": "out_of_range"}]}
    in_force = Plan(run=run, plan_date=day, status=PlanStatus.PUBLISHED, solution=left)
    db.session.add(in_force)
    db.session.flush()
    newer = Plan(run=run, plan_date=day, status=PlanStatus.SUPERSEDED, solution={"routes": []})
    db.session.add(newer)
    db.session.commit()
    assert newer.id > in_force.id and day_work.newest_plan(day) is in_force
    auth.login(dispatcher.email)
    page = client.get(f"/dispatch/?date={day.isoformat()}").get_data(as_text=True)
    assert "1 个待配送订单" in page and "其中 1 个未排入最新方案" in page


def test_a_hand_edit_keeps_the_deliveries_left_out():
    before = {"unassigned": [{"id": 7, "reason": "day_full"}, {"id": "order-3", "reason": "x"}]}
    after = {"routes": [{"steps": [{"id": 7}]}], "unassigned": []}
    assert carry(before, after)["unassigned"] == [{"id": "order-3", "reason": "x"}]
    routed = {"routes": [{"steps": [{"id": "order-3"}]}], "unassigned": []}
    assert carry(before, routed)["unassigned"] == []


def _letters(order: Order) -> list[OutboxMessage]:
    """The letters that told the order's buyer its delivery was left out."""
    return db.session.scalars(
        sa.select(OutboxMessage).where(
            OutboxMessage.recipient == order.user.email,
            OutboxMessage.body.contains(f"#{order.id} "),
            OutboxMessage.body.contains("/market/orders/"),
        )
    ).all()


def _publish_leaving_out(*orders: Order, reason: str) -> Plan:
    """A draft of the day after tomorrow that routes nothing and leaves the orders' deliveries
    out for `reason`, published by a dispatcher (no run: the solver is not the point)."""
    dispatcher = make_user(make_org(OrgKind.PARK_OPERATOR), role=Role.DISPATCHER)
    day = clock.today() + timedelta(days=2)
    run = PlanRun(
        plan_date=day, time_limit_s=1, status=RunStatus.SUCCEEDED, created_by_id=dispatcher.id
    )
    left = [
        {"id": order_stop_id(o.id), "reason": reason, "reason_text": "solver's English"}
        for o in orders
    ]
    plan = Plan(run=run, plan_date=day, solution={"routes": [], "unassigned": left})
    db.session.add(plan)
    db.session.commit()
    publishing.publish_plan(dispatcher, plan.id)
    assert plan.status is PlanStatus.PUBLISHED
    return plan


def test_a_delivery_an_earlier_plan_routed_and_the_next_leaves_out_stays_due(app):
    order = paid_delivery()
    day = clock.today() + timedelta(days=2)
    order.delivery_date = day  # the day's first published plan had it on a truck
    db.session.commit()
    _publish_leaving_out(order, reason="day_full")
    db.session.expire_all()
    assert db.session.get(Order, order.id).delivery_date is None
    # due again: a run of a later day plans it (one dated the old day was left to that day)
    assert order.id in [o.id for o in day_work.due_deliveries(day + timedelta(days=1))]


def test_a_buyer_whose_delivery_a_later_plan_can_take_is_told_it_stays_due(app):
    order = paid_delivery()
    order.user.locale = "en"  # the buyer's language, whoever publishes
    refunded, elsewhere = paid_delivery(), paid_delivery()
    refunded.status = OrderStatus.REFUNDED  # nothing left to deliver
    elsewhere.delivery_date = clock.today() + timedelta(days=3)  # another day's plan has it
    db.session.commit()
    plan = _publish_leaving_out(order, refunded, elsewhere, reason="day_full")
    (letter,) = _letters(order)
    assert letter.subject == f"[lithloop] Order #{order.id}: no delivery on {plan.plan_date}"
    assert f"of {plan.plan_date}: The day's trucks are full (load or time).\n" in letter.body
    assert "plans it again with its next routes" in letter.body
    assert f"/market/orders/{order.id}" in letter.body and "solver" not in letter.body
    assert _letters(refunded) == [] and _letters(elsewhere) == []


def _delivery_line(client, order: Order) -> str:
    page = client.get(f"/market/orders/{order.id}").get_data(as_text=True)
    return page.split('<p class="order-delivery">')[1].split("</p>")[0]


def _api_delivery(client, headers, order: Order) -> dict:
    response = client.get(f"/api/v1/orders/{order.id}", headers=headers)
    assert response.status_code == 200, response.json
    return response.json["delivery"]


def test_the_order_page_stops_promising_the_checkout_day_once_the_delivery_is_left_out(
    client, auth
):
    """The buyer's (and an admin's) order page kept "expected on" the day of checkout after
    a published plan left the delivery out and its buyer was told so; it says it is being
    rescheduled, then the day of the published plan that carries it. The API's order body
    said only checkout's day: it says the same as the page (state, planned_day,
    left_out_day), one by one and in the list."""
    order, far = paid_delivery(), paid_delivery()
    promised = clock.today() + timedelta(days=2)
    order.delivery_eta = far.delivery_eta = promised
    db.session.commit()
    buyer = api_headers(client, order.user)
    auth.login(order.user.email)
    assert "预计 " in _delivery_line(client, order)  # before any plan: checkout's day
    expected = _api_delivery(client, buyer, order)
    assert expected["state"] == "expected" and expected["eta"] == promised.isoformat()
    assert expected["planned_day"] is None and expected["left_out_day"] is None
    plan = _publish_leaving_out(order, reason="day_full")
    _publish_leaving_out(far, reason="out_of_range")
    day = plan.plan_date.isoformat()
    line = _delivery_line(client, order)
    assert "未能排入 " in line and day in line and "正在重新安排" in line, line
    assert "预计" not in line
    told = _api_delivery(client, buyer, order)
    assert (told["state"], told["left_out_day"], told["planned_day"]) == ("rescheduling", day, None)
    assert told["eta"] == promised.isoformat()  # checkout's estimate, kept for old clients
    auth.logout()
    auth.login(make_admin().email)
    assert "正在重新安排" in _delivery_line(client, order)
    line = _delivery_line(client, far)  # no later plan can help: the park is to be called
    assert "请联系产业园" in line and "正在重新安排" not in line and "预计" not in line, line
    admin = api_headers(client, make_admin())
    listed = {o["id"]: o["delivery"] for o in client.get("/api/v1/orders", headers=admin).json}
    assert listed[order.id]["state"] == "rescheduling"
    assert listed[far.id]["state"] == "contact_park" and listed[far.id]["left_out_day"]

    park = make_park(trucks=1)
    truck = db.session.scalars(sa.select(Truck)).one()
    later = plan.plan_date + timedelta(days=1)
    stops = [("start", None, "08:00"), ("delivery", None, "10:00"), ("end", None, "12:00")]
    route = make_route(truck, stops, day=later, status=PlanStatus.DRAFT, by=make_user(park))
    route.stops[1].order_id = order.id
    db.session.commit()
    publishing.publish_plan(make_user_as(Role.DISPATCHER), route.plan_id, allow_unmanned=True)
    line = _delivery_line(client, order)
    assert "已排入 " in line and later.isoformat() in line and "重新安排" not in line, line
    planned = _api_delivery(client, buyer, order)
    assert (planned["state"], planned["planned_day"]) == ("planned", later.isoformat())
    assert planned["left_out_day"] is None


def test_the_api_documents_where_a_delivery_stands(client):
    delivery = client.get("/api/v1/openapi.json").json["components"]["schemas"]["DeliveryOut"]
    state = delivery["properties"]["state"]
    assert state["enum"] == [
        "pickup",
        "expected",
        "planned",
        "rescheduling",
        "contact_park",
        "delivered",
        "none",
    ]
    assert all(f"`{code}`" in state["description"] for code in state["enum"])
    assert {"state", "planned_day", "left_out_day", "eta"} <= set(delivery["required"])
    assert delivery["properties"]["planned_day"]["format"] == "date"


def test_a_buyer_is_told_a_delivery_is_left_out_once_a_day_not_once_a_publish(app):
    """Each publish of the day that left a delivery out wrote to its buyer again. Once for
    the day; again only when it was on a truck of the day in between (newly left out)."""
    order = paid_delivery()
    plan = _publish_leaving_out(order, reason="day_full")
    _publish_leaving_out(order, reason="day_full")  # the day published again
    assert len(_letters(order)) == 1
    park = make_park(trucks=1)
    truck = db.session.scalars(sa.select(Truck)).one()
    stops = [("start", None, "08:00"), ("delivery", None, "10:00"), ("end", None, "12:00")]
    route = make_route(
        truck, stops, day=plan.plan_date, status=PlanStatus.DRAFT, by=make_user(park)
    )
    route.stops[1].order_id = order.id
    db.session.commit()
    publishing.publish_plan(make_user_as(Role.DISPATCHER), route.plan_id, allow_unmanned=True)
    assert len(_letters(order)) == 2  # on a truck: the day and time
    _publish_leaving_out(order, reason="day_full")  # then left out again: told
    assert len(_letters(order)) == 3


def test_a_cancelled_or_refunded_order_expects_no_delivery(client, auth):
    """The order page and the API said "expected on" checkout's day (or the planned day) for
    an order cancelled or refunded in full: no delivery now (state none), in words; an
    order refunded after its delivery still says the day it was delivered on."""
    cancelled, refunded, delivered, collect = (paid_delivery() for _ in range(4))
    day = clock.today() + timedelta(days=2)
    for order in (cancelled, refunded, delivered, collect):
        order.delivery_eta = order.delivery_date = day  # checkout's day; a plan's too
    cancelled.status = collect.status = OrderStatus.CANCELLED
    refunded.status = delivered.status = OrderStatus.REFUNDED
    delivered.delivered_at = clock.now()  # handed over, then refunded
    collect.delivery_kind = "pickup"
    db.session.commit()
    auth.login(make_admin().email)
    words = {
        cancelled: "不再配送：订单已取消",
        refunded: "不再配送：订单已全额退款",
        collect: "无需提货：订单已取消",
    }
    for order, said in words.items():
        line = _delivery_line(client, order)
        assert said in line and "预计" not in line and "已排入" not in line, line
    assert "已排入 " in _delivery_line(client, delivered)
    admin = api_headers(client, make_admin())
    listed = {o["id"]: o["delivery"] for o in client.get("/api/v1/orders", headers=admin).json}
    assert [listed[o.id]["state"] for o in words] == ["none", "none", "none"]
    assert listed[delivered.id]["state"] == "planned"
    assert _api_delivery(client, admin, refunded)["planned_day"] is None
    auth.logout()
    cancelled.user.locale = "en"
    db.session.commit()
    auth.login(cancelled.user.email)
    assert "no delivery: the order was cancelled" in _delivery_line(client, cancelled)


def test_an_order_delivered_by_hand_without_a_plans_day_is_delivered_not_expected(client, auth):
    """An order the park marked delivered by hand (admin fulfilment: packed, shipped,
    delivered) that no published plan ever carried still said "expected on" checkout's day
    on its page and `expected` in the API. It says delivered, on the day it was marked, in
    both languages and in the API (state `delivered`, no planned or left-out day)."""
    from lithloop.services.market import orders as market_orders

    order = paid_delivery()
    order.delivery_eta = clock.today() + timedelta(days=2)  # checkout's promise
    db.session.commit()
    admin = make_admin()
    for _step in range(3):  # packed, shipped, delivered
        market_orders.advance(admin, order.id)
    db.session.expire_all()
    order = db.session.get(Order, order.id)
    assert order.status is OrderStatus.DELIVERED and order.delivery_date is None
    auth.login(order.user.email)
    line = re.sub(r"<[^>]+>", "", _delivery_line(client, order))  # the words, without tags
    day = clock.local(order.delivered_at).date().isoformat()
    assert f"已于 {day}" in line and "送达" in line and "预计" not in line, line
    assert untranslated(line) == [], line
    told = _api_delivery(client, api_headers(client, order.user), order)
    assert (told["state"], told["planned_day"], told["left_out_day"]) == ("delivered", None, None)
    auth.logout()
    order.user.locale = "en"
    db.session.commit()
    auth.login(order.user.email)
    line = re.sub(r"<[^>]+>", "", _delivery_line(client, order))
    assert f"delivered on {day}" in line and "expected" not in line, line


def test_only_plans_of_days_from_the_orders_payment_on_are_read_for_its_outlook(app):
    """The outlook read every published plan ever made to find one naming the order; a plan
    of a day before the order was paid cannot name it and is not read (here one does, so
    that reading it would show)."""
    from lithloop.services.dispatch.left_deliveries import DeliveryState, outlook

    order = paid_delivery()
    plan = _publish_leaving_out(order, reason="day_full")
    assert outlook(order).state is DeliveryState.RESCHEDULING
    order.paid_at = clock.at(plan.plan_date + timedelta(days=3), 10 * 3600)
    db.session.commit()
    assert outlook(order).state is DeliveryState.EXPECTED
