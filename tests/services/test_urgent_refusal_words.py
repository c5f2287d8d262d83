"""A booking's or an order's status said in a sentence is told in the reader's words: the
Chinese page read "预约 #5 已经是 scheduled 状态", then the badge's word in quotes; the English
one "Booking #5 is already Scheduled." (a badge's capital), and moving a booking to
another day or receiving one not picked up named the stored code ("is picked_up")."""

from __future__ import annotations

import re

import pytest
from flask_babel import force_locale

from lithloop import labels
from lithloop.extensions import db
from lithloop.models import BookingStatus, PlanStatus
from lithloop.services.dispatch import plan_edit
from lithloop.services.errors import Conflict
from lithloop.vocab import OrderStatus, RfqStatus
from tests.factories import BookingFactory, DispatcherFactory, PlanFactory

SQLITE_ONLY = pytest.mark.parametrize("backend", ["sqlite"])  # words only


def _both(app, message) -> tuple[str, str]:
    with app.test_request_context("/"):
        with force_locale("zh_CN"):
            chinese = str(message)
        with force_locale("en"):
            english = str(message)
    return chinese, english


@SQLITE_ONLY
def test_an_urgent_insert_of_a_scheduled_booking_names_its_status_in_words(app):
    plan = PlanFactory(status=PlanStatus.PUBLISHED)
    booking = BookingFactory(pickup_date=plan.plan_date, status=BookingStatus.SCHEDULED)
    db.session.commit()
    with pytest.raises(Conflict) as refused:
        plan_edit.insert_urgent(plan.run.created_by, plan.id, booking.id)
    chinese, english = _both(app, refused.value.message)
    assert chinese == f"预约 #{booking.id} 已排班；只能插入尚未排班的预约。"
    assert english == (
        f"Booking #{booking.id} is already scheduled; only a booking not planned yet can be "
        "inserted."
    )


@SQLITE_ONLY
@pytest.mark.parametrize(
    ("clauses", "statuses"),
    [
        (labels.BOOKING_IS, BookingStatus),
        (labels.ORDER_IS, OrderStatus),
        (labels.RFQ_IS, RfqStatus),
        (labels.PLAN_IS, PlanStatus),
    ],
    ids=["booking", "order", "request", "plan"],
)
def test_every_status_has_its_clause_in_both_languages(app, clauses, statuses):
    for status in statuses:
        chinese, english = _both(app, labels.clause(clauses, status, 5))
        assert re.fullmatch(r"((Booking|Order|Request) #5|This plan) [a-z ]+", english), english
        assert "_" not in english, english  # no stored code
        assert re.fullmatch(r"((预约|订单|询价) #5 |此计划)[^A-Za-z]+", chinese), chinese


@SQLITE_ONLY
def test_moving_a_picked_up_booking_names_its_status_not_its_code(app):
    from lithloop.services.dispatch import left_out

    booking = BookingFactory(status=BookingStatus.PICKED_UP)
    dispatcher = DispatcherFactory()
    db.session.commit()
    with pytest.raises(Conflict) as refused:
        left_out.move_to_day(dispatcher, booking.id, booking.pickup_date)
    chinese, english = _both(app, refused.value.message)
    assert chinese == f"预约 #{booking.id} 已取货，无法改期。"
    assert english == f"Booking #{booking.id} has been picked up and cannot move to another day."


@SQLITE_ONLY
def test_publishing_a_published_plan_says_its_state_in_words(app):
    from lithloop.services.dispatch import publish_refusals

    plan = PlanFactory(status=PlanStatus.PUBLISHED)
    with pytest.raises(Conflict) as refused:
        publish_refusals.refuse_unless_draft(plan)
    chinese, english = _both(app, refused.value.message)
    assert english == "This plan is already published; only a draft can be published."
    assert chinese == "此计划已发布；只有草稿可以发布。"
