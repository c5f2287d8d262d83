"""A delivery not made on its day: a shipped order the day's published plan leaves out, a
driver's exception at a delivery stop, a truck back at the park with packs undelivered.
Each comes back to the park (packed again, due from the next open day), its history kept,
its buyer told once in their language and its page and API saying it is being rescheduled."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from lithloop import clock
from lithloop.extensions import db
from lithloop.models import OutboxMessage, Plan, PlanRoute, PlanStatus, Role
from lithloop.models.market import Order, OrderStatus
from lithloop.services.dispatch import (
    day_work,
    delivery_back,
    left_deliveries,
    publishing,
    under_way,
)
from tests.conftest import api_headers, submit
from tests.factories import make_user
from tests.market.support import quick_run
from tests.market.test_deliveries import paid_delivery
from tests.market.test_shipped_replan import _world
from tests.plain_language import untranslated
from tests.route_world import make_route


def _letters(order: Order) -> list[OutboxMessage]:
    return list(
        db.session.scalars(
            sa.select(OutboxMessage)
            .where(OutboxMessage.recipient == order.user.email)
            .order_by(OutboxMessage.id)
        )
    )


def _fresh(order: Order) -> Order:
    db.session.expire_all()
    return db.session.get(Order, order.id)


def _page(client, auth, user, url: str) -> str:
    auth.login(user.email)
    htmx = {"HX-Request": "true"} if url.endswith("/live") else {}  # the panel's poll
    text = client.get(url, headers=htmx).get_data(as_text=True)
    auth.logout()
    return re.sub(r"\s+", " ", text)


def test_a_shipped_order_the_published_plan_leaves_out_comes_back_to_the_park(client, auth):
    """Publishing a plan that left out an order shipped on a truck of the day (the truck
    made inactive) kept its delivery day: the buyer read 'on the routes of' that day and
    got no letter. Its packs come back to the park: packed, due from the next open day,
    the buyer told once in Chinese, the page and the API saying it is being rescheduled."""
    truck, other, dispatcher, day, order = _world()
    truck.active = False
    db.session.commit()
    plan = quick_run(day, dispatcher)
    publishing.publish_plan(dispatcher, plan.id, allow_unmanned=True)
    back = _fresh(order)
    assert back.status is OrderStatus.PACKED and back.delivery_date is None
    assert back.due_from == delivery_back.next_open_day(day)
    assert [(e.kind, e.detail["plate"], e.detail["day"]) for e in back.events] == [
        ("back_to_park", truck.plate, day.isoformat())
    ]
    assert left_deliveries.outlook(back).state.value == "rescheduling"
    assert order.id not in {o.id for o in day_work.due_deliveries(day)}
    assert order.id in {o.id for o in day_work.due_deliveries(back.due_from)}
    (letter,) = _letters(back)
    assert f"订单 #{order.id}" in letter.subject and truck.plate in letter.body, letter.body
    assert "产业园" in letter.body and back.due_from.isoformat() in letter.body, letter.body
    assert untranslated(letter.body) == [], letter.body
    page = _page(client, auth, back.user, f"/market/orders/{order.id}")
    assert "正在重新安排" in page, page[page.find("order-delivery") :][:600]
    response = client.get(f"/api/v1/orders/{order.id}", headers=api_headers(client, back.user))
    assert response.json["delivery"]["state"] == "rescheduling", response.json
    again = quick_run(day, dispatcher)  # the day planned again and published: no second letter
    publishing.publish_plan(dispatcher, again.id, allow_unmanned=True)
    assert len(_letters(order)) == 1


def _delivery_today():
    """A published route of today, its truck's driver on it: a delivery of a shipped order
    (its packs on the truck), then back at the park."""
    order = paid_delivery(status=OrderStatus.SHIPPED)
    from lithloop.models import Truck
    from tests.factories import make_park

    park = make_park(trucks=1)
    truck = db.session.scalars(sa.select(Truck)).first()
    dispatcher = make_user(park, role=Role.DISPATCHER)
    driver = make_user(park, role=Role.DRIVER)
    truck.driver = driver
    today = clock.today()
    stops = [("start", None, "08:00"), ("delivery", None, "10:00"), ("end", None, "12:00")]
    route = make_route(truck, stops, day=today, by=dispatcher)
    route.stops[1].order_id = order.id
    order.delivery_date = today
    db.session.commit()
    return order, route, driver, dispatcher


def test_a_drivers_exception_at_a_delivery_stop_is_kept_told_and_shown(client, auth, app):
    """A delivery stop had no exception: the driver could only hand the packs over. The
    reason and the note go into the order's history; the buyer and the dispatchers are
    told; the live panel shows it with a re-plan; a re-plan of the day goes on from there
    (the stop planned again, on the truck with the packs)."""
    order, route, driver, dispatcher = _delivery_today()
    stop = route.stops[1]
    auth.login(driver.email)
    page = client.get("/driver/").get_data(as_text=True)
    assert f"/driver/stops/{stop.id}/exception" in page and "无人收货" in page
    refused = submit(client, f"/driver/stops/{stop.id}/exception", {"reason": "x"}, page="/driver/")
    assert refused.status_code == 422 and "请选择" in refused.get_data(as_text=True)
    done = submit(
        client,
        f"/driver/stops/{stop.id}/exception",
        {"reason": "nobody_there", "note": "电话无人接听"},
        page="/driver/",
    )
    assert done.status_code == 302, done.get_data(as_text=True)[:400]
    auth.logout()
    kept = _fresh(order)
    assert kept.status is OrderStatus.SHIPPED and kept.delivery_date == clock.today()
    assert [(e.kind, e.detail["reason"], e.note) for e in kept.events] == [
        ("delivery_exception", "nobody_there", "电话无人接听")
    ]
    (letter,) = _letters(kept)
    assert "无人收货" in letter.body and route.truck.plate in letter.body, letter.body
    assert untranslated(letter.body) == [], letter.body
    told = db.session.scalar(
        sa.select(OutboxMessage).where(OutboxMessage.recipient == dispatcher.email)
    )
    assert told is not None and f"#{order.id}" in told.subject, told
    live = _page(client, auth, dispatcher, f"/dispatch/plans/{route.plan_id}/live")
    assert f'id="exception-{stop.id}"' in live and "司机未能送货：无人收货" in live, live[:2000]
    assert "电话无人接听" in live
    going = under_way.under_way(db.session.get(PlanRoute, route.id), clock.today(), 2)
    assert going is not None and going.last.id == stop.id  # planned again from there


def test_a_truck_back_at_the_park_brings_its_undelivered_orders_back(client, auth):
    """A shipped order whose truck ended its day without delivering it stayed shipped with
    its day: no later run planned it again. Back at the park with the truck: packed, due
    from the next open day (on that day's due list), the history kept, the buyer told."""
    order, route, driver, dispatcher = _delivery_today()
    end = route.stops[2]
    auth.login(driver.email)
    done = submit(client, f"/driver/stops/{end.id}/unloaded", {}, page="/driver/")
    assert done.status_code == 302
    auth.logout()
    back = _fresh(order)
    today = clock.today()
    assert back.status is OrderStatus.PACKED and back.delivery_date is None
    assert back.due_from == delivery_back.next_open_day(today)
    assert [e.kind for e in back.events] == ["back_to_park"]
    assert order.id in {o.id for o in day_work.due_deliveries(back.due_from)}
    assert order.id not in {o.id for o in day_work.due_deliveries(today)}
    (letter,) = _letters(back)
    assert "产业园" in letter.body and route.truck.plate in letter.body, letter.body
    page = _page(client, auth, dispatcher, f"/dispatch/?date={back.due_from.isoformat()}")
    assert f"#{order.id}" in page
    mine = _page(client, auth, back.user, f"/market/orders/{order.id}")
    assert "正在重新安排" in mine and back.due_from.isoformat() in mine


def test_after_an_exception_the_truck_back_at_the_park_tells_the_buyer_once(client, auth):
    """The buyer told of the exception is not written again when the truck comes back; the
    order page shows its delivery history (the exception, the packs back at the park)."""
    order, route, driver, dispatcher = _delivery_today()
    auth.login(driver.email)
    submit(
        client,
        f"/driver/stops/{route.stops[1].id}/exception",
        {"reason": "refused"},
        page="/driver/",
    )
    submit(client, f"/driver/stops/{route.stops[2].id}/unloaded", {}, page="/driver/")
    auth.logout()
    back = _fresh(order)
    assert [e.kind for e in back.events] == ["delivery_exception", "back_to_park"]
    assert back.status is OrderStatus.PACKED and len(_letters(back)) == 1
    assert db.session.get(Plan, route.plan_id).status is PlanStatus.PUBLISHED
    page = _page(client, auth, back.user, f"/market/orders/{order.id}")
    history = page.split('class="road-history"')[1].split("</section>")[0]
    plate = route.truck.plate
    assert f"车辆 {plate}：未送达（买方拒收电池包）" in history, history
    assert f"电池包已随车辆 {plate} 运回产业园" in history, history
    assert untranslated(history) == [], history


def test_a_dispatcher_moves_a_failed_delivery_to_another_day(client, auth):
    """A pickup's exception offers a move to another day; a delivery's offered nothing.
    The live panel offers the open days after it: the packs come back to the park and the
    order is due from the day chosen (on that day's due list, not before); a day not after
    it is refused beside the field, nothing changed."""
    order, route, driver, dispatcher = _delivery_today()
    stop = route.stops[1]
    auth.login(driver.email)
    submit(
        client,
        f"/driver/stops/{stop.id}/exception",
        {"reason": "access_blocked"},
        page="/driver/",
    )
    auth.logout()
    live = _page(client, auth, dispatcher, f"/dispatch/plans/{route.plan_id}/live")
    assert f"/dispatch/stops/{stop.id}/delivery-day" in live, live[:2000]
    today = clock.today()
    first = delivery_back.next_open_day(today)
    later = delivery_back.next_open_day(first)
    assert f'<option value="{later.isoformat()}">' in live
    auth.login(dispatcher.email)
    page = f"/dispatch/plans/{route.plan_id}"
    url = f"/dispatch/stops/{stop.id}/delivery-day"
    refused = submit(client, url, {"date": today.isoformat()}, page=page, follow_redirects=True)
    assert "请选择" in refused.get_data(as_text=True)
    assert _fresh(order).status is OrderStatus.SHIPPED
    moved = submit(client, url, {"date": later.isoformat()}, page=page)
    assert moved.status_code == 302
    back = _fresh(order)
    assert back.status is OrderStatus.PACKED and back.due_from == later
    assert [e.kind for e in back.events] == ["delivery_exception", "back_to_park"]
    assert order.id not in {o.id for o in day_work.due_deliveries(first)}
    assert order.id in {o.id for o in day_work.due_deliveries(later)}


def test_housekeeping_brings_back_a_delivery_whose_day_passed_without_it(app):
    """The driver never recorded the truck back at the park: the order stayed shipped with
    a day now past, and no run planned it again. Housekeeping brings it back (once)."""
    from datetime import timedelta

    from lithloop.jobs import housekeeping

    order, route, driver, dispatcher = _delivery_today()
    order_id = order.id
    yesterday = clock.today() - timedelta(days=1)
    db.session.get(Plan, route.plan_id).plan_date = yesterday
    db.session.get(Order, order_id).delivery_date = yesterday
    db.session.commit()
    assert housekeeping.run_all()["return_undelivered"] == 1
    back = db.session.get(Order, order_id)
    assert back.status is OrderStatus.PACKED and back.delivery_date is None
    assert back.due_from == delivery_back.next_open_day(yesterday)
    assert order_id in {o.id for o in day_work.due_deliveries(back.due_from)}
    assert len(_letters(back)) == 1
    assert housekeeping.run_all()["return_undelivered"] == 0


@pytest.mark.parametrize("plan_field", ["99999999999999999999", "stale", None])
def test_a_refused_move_answers_on_the_stops_own_plan_whatever_the_form_says(
    client, auth, plan_field
):
    """Walk finding: the form's hidden plan id (tampered to 20 digits, stale, or left out)
    was where a refused move went back to: a plan that 404s, or the dispatch index. The
    refusal is told on the stop's own plan page, and nothing is moved."""
    order, route, driver, dispatcher = _delivery_today()
    stop = route.stops[1]
    auth.login(driver.email)
    submit(
        client, f"/driver/stops/{stop.id}/exception", {"reason": "access_blocked"}, page="/driver/"
    )
    auth.logout()
    auth.login(dispatcher.email)
    page = f"/dispatch/plans/{route.plan_id}"
    form = {"date": clock.today().isoformat()}
    if plan_field is not None:
        form["plan_id"] = str(route.plan_id + 7) if plan_field == "stale" else plan_field
    refused = submit(client, f"/dispatch/stops/{stop.id}/delivery-day", form, page=page)
    assert refused.status_code == 302
    assert refused.headers["Location"].endswith(f"{page}#live"), refused.headers["Location"]
    shown = client.get(page)
    assert shown.status_code == 200
    assert "请选择" in shown.get_data(as_text=True)
    assert _fresh(order).status is OrderStatus.SHIPPED


def test_a_delivery_exception_note_over_300_characters_is_refused_beside_it_not_cut(
    client, auth, app
):
    """Walk finding: a longer note on a failed delivery was kept cut to 300 characters."""
    order, route, driver, _ = _delivery_today()
    stop = route.stops[1]
    auth.login(driver.email)
    client.get("/lang/en")
    url = f"/driver/stops/{stop.id}/exception"
    refused = submit(client, url, {"reason": "nobody_there", "note": "长" * 301}, page="/driver/")
    page = refused.get_data(as_text=True)
    assert refused.status_code == 422 and not _fresh(order).events and not _letters(order)
    beside = re.search(rf'id="err-{stop.id}-exception-note">([^<]*)<', page)
    assert beside and "at most 300 characters; this has 301" in beside.group(1), page
    done = submit(client, url, {"reason": "nobody_there", "note": "长" * 300}, page="/driver/")
    assert done.status_code == 302
    assert [e.note for e in _fresh(order).events] == ["长" * 300]
