"""Inserting an urgent booking that is no longer requested is refused naming its status in
the reader's words (a Chinese page read "预约 #5 已经是 scheduled 状态")."""

from __future__ import annotations

import pytest
from flask_babel import force_locale

from lithloop.extensions import db
from lithloop.models import BookingStatus, PlanStatus
from lithloop.services.dispatch import plan_edit
from lithloop.services.errors import Conflict
from tests.factories import BookingFactory, PlanFactory


@pytest.mark.parametrize("backend", ["sqlite"])  # words only
def test_an_urgent_insert_of_a_scheduled_booking_names_its_status_in_words(app):
    plan = PlanFactory(status=PlanStatus.PUBLISHED)
    booking = BookingFactory(pickup_date=plan.plan_date, status=BookingStatus.SCHEDULED)
    db.session.commit()
    with pytest.raises(Conflict) as refused:
        plan_edit.insert_urgent(plan.run.created_by, plan.id, booking.id)
    with app.test_request_context("/"):
        with force_locale("zh_CN"):
            chinese = str(refused.value.message)
        with force_locale("en"):
            english = str(refused.value.message)
    assert chinese == f"预约 #{booking.id} 已经是“已排班”状态。"
    assert english == f"Booking #{booking.id} is already Scheduled."
