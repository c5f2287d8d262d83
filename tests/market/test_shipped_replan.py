"""An order shipped on a truck of the day's published plan (its packs on that truck) when the
day is planned again and the run does not plan that truck: the truck is not active, or its
route is locked (kept as it is). It stays on its truck's locked route when a place there
breaks nothing; else it is listed as left out with a reason naming the truck, in Chinese
and English. It was left out with "no truck is on the road that day", its truck unnamed."""

from __future__ import annotations

import re

import sqlalchemy as sa
from flask_babel import force_locale

from lithloop.extensions import db
from lithloop.models import PlanStatus, Role, Truck
from lithloop.models.market import OrderStatus
from lithloop.services.booking import prices as price_service
from lithloop.services.dispatch import left_deliveries
from lithloop.services.dispatch.problem import order_stop_id
from lithloop.web.booking_text import delivery_reason_text
from tests.conftest import submit
from tests.factories import make_park, make_user
from tests.market.support import quick_run
from tests.market.test_deliveries import paid_delivery
from tests.plain_language import untranslated
from tests.route_world import book_places, make_route, open_day


def _world(mass_kg: str = "400"):
    """Two trucks; an order shipped on the first truck's route of the day's published plan."""
    price_service.ensure_default_index()
    park = make_park(trucks=2)
    truck, other = db.session.scalars(sa.select(Truck).order_by(Truck.id)).all()
    dispatcher = make_user(park, role=Role.DISPATCHER)
    day = open_day(2)
    order = paid_delivery(mass_kg, status=OrderStatus.SHIPPED)
    order.delivery_date = day  # as the published plan's publishing set it
    stops = [("start", None, "08:00"), ("delivery", None, "10:00"), ("end", None, "12:00")]
    published = make_route(truck, stops, day=day, by=dispatcher)
    published.stops[1].order_id = order.id
    db.session.commit()
    return truck, other, dispatcher, day, order


def _lock_a_route_of(truck, day, dispatcher) -> int:
    """A newer draft of the day whose route of `truck` (one pickup, not the order) is locked."""
    (pickup,) = book_places(day, [(44.60, 129.64)])
    stops = [("start", None, "08:00"), ("pickup", pickup, "09:00"), ("end", None, "11:00")]
    draft = make_route(truck, stops, day=day, status=PlanStatus.DRAFT, by=dispatcher)
    draft.locked = True
    db.session.commit()
    return pickup


def _routed(plan, order) -> list[int]:
    return [r.truck_id for r in plan.routes for s in r.stops if s.order_id == order.id]


def _plan_page(client, auth, dispatcher, plan, lang: str) -> str:
    dispatcher.locale = lang
    db.session.commit()
    auth.login(dispatcher.email)
    page = client.get(f"/dispatch/plans/{plan.id}").get_data(as_text=True)
    auth.logout()
    return re.sub(r"\s+", " ", page)


def test_a_shipped_order_on_a_truck_made_inactive_is_left_out_naming_the_truck(client, auth):
    truck, other, dispatcher, day, order = _world()
    truck.active = False  # its packs are on it; the run plans the other truck only
    db.session.commit()
    plan = quick_run(day, dispatcher)
    assert _routed(plan, order) == []  # never on the other truck: it has not got the packs
    (left,) = left_deliveries.left_out(plan)
    assert (left.order.id, left.reason, left.truck) == (order.id, "truck_inactive", truck.plate)
    page = _plan_page(client, auth, dispatcher, plan, "zh_CN")
    said = f"该订单的电池包在车辆 {truck.plate} 上，而该车辆已停用"
    assert f"订单 #{order.id}" in page and said in page, page[page.find("配送未安排") :][:800]
    page = _plan_page(client, auth, dispatcher, plan, "en")
    assert f"Its packs are on truck {truck.plate}, which is not active" in page


def test_a_shipped_order_goes_onto_its_trucks_locked_route_when_a_place_there_fits(app):
    truck, other, dispatcher, day, order = _world()
    pickup = _lock_a_route_of(truck, day, dispatcher)
    plan = quick_run(day, dispatcher)
    (route,) = [r for r in plan.routes if r.truck_id == truck.id]
    assert route.locked
    kinds = sorted((s.kind, s.booking_id or s.order_id) for s in route.stops)
    assert ("delivery", order.id) in kinds and ("pickup", pickup) in kinds, kinds
    assert _routed(plan, order) == [truck.id]
    assert left_deliveries.left_out(plan) == []
    end = max(route.stops, key=lambda s: s.seq)  # the route's figures are the new route's
    assert route.distance_m == end.distance_m > 0
    assert order_stop_id(order.id) not in str(plan.solution.get("unassigned"))


def test_a_shipped_order_its_trucks_locked_route_cannot_take_is_left_out_naming_it(app):
    truck, other, dispatcher, day, order = _world(mass_kg="700")
    truck.payload_kg = 600  # the locked route's 500 kg pickup fits, the 700 kg delivery not
    db.session.commit()
    _lock_a_route_of(truck, day, dispatcher)
    plan = quick_run(day, dispatcher)
    assert _routed(plan, order) == []
    (left,) = left_deliveries.left_out(plan)
    assert (left.reason, left.truck) == ("truck_route_kept", truck.plate)
    # the stored fallback text is the English one, naming the truck (as the solver's are)
    assert left.message.startswith(f"Its packs are on truck {truck.plate}, whose route is kept")
    for lang, said in (
        ("zh_CN", f"该订单的电池包在车辆 {truck.plate} 上，而该车辆的路线保持不变"),
        ("en", f"Its packs are on truck {truck.plate}, whose route is kept as it is"),
    ):
        with app.test_request_context("/"), force_locale(lang):
            text = delivery_reason_text(left.reason, left.message, left.truck)
        assert said in text and "%(" not in text, text
        if lang == "zh_CN":
            assert untranslated(text) == [], text


def test_a_hand_move_never_sends_a_shipped_delivery_with_another_truck(client, auth):
    """A draft made before the order was shipped on the published plan's truck still had
    its delivery on another truck; a hand move on it was accepted (and the draft could be
    published: a truck sent without the packs). The move is refused, naming both trucks,
    inside the move form; the draft is unchanged."""
    from lithloop.services.dispatch import plan_edit
    from lithloop.services.errors import Conflict

    truck, other, dispatcher, day, order = _world()
    (pickup,) = book_places(day, [(44.60, 129.64)])
    stops = [
        ("start", None, "08:00"),
        ("pickup", pickup, "09:00"),
        ("delivery", None, "10:00"),
        ("end", None, "12:00"),
    ]
    stale = make_route(other, stops, day=day, status=PlanStatus.DRAFT, by=dispatcher)
    stale.stops[2].order_id = order.id  # planned on the other truck before it was shipped
    db.session.commit()
    plan_id, stop_ids = stale.plan_id, sorted(s.id for s in stale.stops)
    try:
        plan_edit.move_booking(dispatcher, plan_id, pickup, truck.id, 1)
    except Conflict as refused:
        caught = refused
    else:
        raise AssertionError("the move was made")
    assert (caught.code, caught.field) == ("shipped_on_truck", "truck_id")
    with client.application.test_request_context("/"), force_locale("zh_CN"):
        said = str(caught.message)
    assert f"订单 #{order.id} 已随车辆 {truck.plate} 发货" in said and other.plate in said, said
    assert untranslated(said) == [], said
    db.session.expire_all()
    assert (
        sorted(s.id for r in db.session.get(type(stale.plan), plan_id).routes for s in r.stops)
        == stop_ids
    )
    auth.login(dispatcher.email)
    form = {"booking_id": pickup, "truck_id": other.id, "position": 1}
    url = f"/dispatch/plans/{plan_id}"
    page = submit(client, f"{url}/move", form, page=url, follow_redirects=True)
    shown = page.get_data(as_text=True).split('id="move"')[1].split("</form>")[0]
    refused = shown.split('id="move-err">')[1].split("</p>")[0]  # in the move form
    assert f"订单 #{order.id} 已随车辆 {truck.plate} 发货" in refused, refused


def test_a_draft_sending_a_shipped_delivery_with_another_truck_is_not_published(app):
    """A draft made before the order was shipped on the published plan's truck, delivering
    it with another truck, was published: that truck went without the packs and the buyer
    was told its plate. Refused (naming both trucks); nothing published or told."""
    from lithloop.models import OutboxMessage, Plan
    from lithloop.services.dispatch import publishing
    from lithloop.services.errors import Conflict

    truck, other, dispatcher, day, order = _world()
    stops = [("start", None, "08:00"), ("delivery", None, "10:00"), ("end", None, "12:00")]
    stale = make_route(other, stops, day=day, status=PlanStatus.DRAFT, by=dispatcher)
    stale.stops[1].order_id = order.id
    db.session.commit()
    try:
        publishing.publish_plan(dispatcher, stale.plan_id, allow_unmanned=True)
    except Conflict as refused:
        caught = refused
    else:
        raise AssertionError("the draft was published")
    assert caught.code == "shipped_on_truck"
    with app.test_request_context("/"), force_locale("zh_CN"):
        said = str(caught.message)
    assert f"订单 #{order.id} 已随车辆 {truck.plate} 发货" in said and other.plate in said, said
    assert untranslated(said) == [], said
    db.session.expire_all()
    assert db.session.get(Plan, stale.plan_id).status is PlanStatus.DRAFT
    told = sa.select(OutboxMessage).where(OutboxMessage.recipient == order.user.email)
    assert db.session.scalars(told).all() == []


def test_a_run_takes_a_shipped_delivery_off_another_trucks_locked_route(app):
    """A locked route of another truck, planned before the order was shipped, was kept with
    the delivery on it: every plan of the day sent that truck without the packs (and is
    now refused at publishing). The run takes the stop off that route (the rest kept,
    locked) and puts the delivery on the truck its packs are on; the plan is published."""
    from lithloop.models import Plan
    from lithloop.services.dispatch import publishing

    truck, other, dispatcher, day, order = _world()
    (pickup,) = book_places(day, [(44.60, 129.64)])
    stops = [
        ("start", None, "08:00"),
        ("pickup", pickup, "09:00"),
        ("delivery", None, "10:00"),
        ("end", None, "12:00"),
    ]
    stale = make_route(other, stops, day=day, status=PlanStatus.DRAFT, by=dispatcher)
    stale.locked = True
    stale.stops[2].order_id = order.id
    db.session.commit()
    plan = quick_run(day, dispatcher)
    (kept,) = [r for r in plan.routes if r.truck_id == other.id]
    assert kept.locked
    assert [
        (s.kind, s.booking_id) for s in kept.stops if s.kind != "start" and s.kind != "end"
    ] == [("pickup", pickup)]
    assert _routed(plan, order) == [truck.id]
    publishing.publish_plan(dispatcher, plan.id, allow_unmanned=True)
    assert db.session.get(Plan, plan.id).status is PlanStatus.PUBLISHED


def test_a_runs_log_says_which_shipped_order_it_left_out_and_on_which_truck(app):
    """Only the plan page listed a shipped order left out; the run's log had no line for
    it. It has one, in the reader's language, naming the order and its truck."""
    from lithloop.web.dispatch.run_log import run_log

    truck, other, dispatcher, day, order = _world()
    truck.active = False
    db.session.commit()
    plan = quick_run(day, dispatcher)
    with app.test_request_context("/"), force_locale("zh_CN"):
        zh = run_log(plan.run.log).lines
    with app.test_request_context("/"), force_locale("en"):
        en = run_log(plan.run.log).lines
    said = [t for t in zh if f"订单 #{order.id}" in t]
    assert len(said) == 1 and truck.plate in said[0] and "停用" in said[0], zh
    assert untranslated(said[0]) == [], said
    assert any(
        f"order #{order.id}, shipped on truck {truck.plate}, was left out" in t for t in en
    ), en
