"""A delivery not made on its day: a shipped order the day's published plan leaves out, a
driver's exception at a delivery stop, a truck back at the park with packs undelivered.
Each comes back to the park (packed again, due from the next open day), its history kept,
its buyer told once in their language and its page and API saying it is being rescheduled."""

from __future__ import annotations

import re

import sqlalchemy as sa

from lithloop.extensions import db
from lithloop.models import OutboxMessage
from lithloop.models.market import Order, OrderStatus
from lithloop.services.dispatch import (
    delivery_back,
    left_deliveries,
    planning,
    publishing,
)
from tests.conftest import api_headers
from tests.market.test_shipped_replan import _run, _world
from tests.plain_language import untranslated


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
    text = client.get(url).get_data(as_text=True)
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
    plan = _run(day, dispatcher)
    publishing.publish_plan(dispatcher, plan.id, allow_unmanned=True)
    back = _fresh(order)
    assert back.status is OrderStatus.PACKED and back.delivery_date is None
    assert back.due_from == delivery_back.next_open_day(day)
    assert [(e.kind, e.detail["plate"], e.detail["day"]) for e in back.events] == [
        ("back_to_park", truck.plate, day.isoformat())
    ]
    assert left_deliveries.outlook(back).state.value == "rescheduling"
    assert order.id not in {o.id for o in planning.due_deliveries(day)}
    assert order.id in {o.id for o in planning.due_deliveries(back.due_from)}
    (letter,) = _letters(back)
    assert f"订单 #{order.id}" in letter.subject and truck.plate in letter.body, letter.body
    assert "产业园" in letter.body and back.due_from.isoformat() in letter.body, letter.body
    assert untranslated(letter.body) == [], letter.body
    page = _page(client, auth, back.user, f"/market/orders/{order.id}")
    assert "正在重新安排" in page, page[page.find("order-delivery") :][:600]
    response = client.get(f"/api/v1/orders/{order.id}", headers=api_headers(client, back.user))
    assert response.json["delivery"]["state"] == "rescheduling", response.json
    again = _run(day, dispatcher)  # the day planned again and published: no second letter
    publishing.publish_plan(dispatcher, again.id, allow_unmanned=True)
    assert len(_letters(order)) == 1
