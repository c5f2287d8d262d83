"""The owner's change of a booking's pickup day, window and note (booking/pickup_change.py):
every refusal the booking form would give, the booking's state, and the one event."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa
from flask_babel import force_locale

from lithloop import clock
from lithloop.extensions import db
from lithloop.models import BookingDay, BookingEvent, BookingStatus, OrgKind, OutboxMessage, Role
from lithloop.services.booking import bookings as booking_service
from lithloop.services.booking import capacity, event_details, pickup_change
from lithloop.services.dispatch import left_out
from lithloop.services.errors import Conflict, Forbidden, Invalid, NotFound
from tests import worlds
from tests.factories import make_org, make_user
from tests.route_world import lot, open_day

world = worlds.dealer_at_site


def _book(world, day=None, lots=None, window=("09:00", "11:00"), note=""):
    raw = {
        "site_id": world["site"].id,
        "date": (day or open_day(2)).isoformat(),
        "window": list(window),
        "lots": lots or [lot(mass="600")],
        "note": note,
    }
    booking, _ = booking_service.book_pickup(world["dealer"], raw)
    return booking


def _counter(day) -> tuple[Decimal, int]:
    db.session.expire_all()
    row = db.session.get(BookingDay, day)
    return (row.booked_kg, row.booked_stops) if row else (Decimal(0), 0)


def _events(booking_id: int) -> list[BookingEvent]:
    return list(
        db.session.scalars(
            sa.select(BookingEvent)
            .where(BookingEvent.booking_id == booking_id)
            .order_by(BookingEvent.id)
        )
    )


def _dispatcher():
    return make_user(make_org(OrgKind.PARK_OPERATOR), role=Role.DISPATCHER)


def test_a_new_day_and_window_move_the_room_and_record_one_event(world):
    booking = _book(world, note="门口左转")
    old, new = open_day(2), open_day(4)
    letters = db.session.scalar(sa.select(sa.func.count(OutboxMessage.id)))
    changed = pickup_change.change_pickup(
        world["dealer"], booking.id, {"date": new.isoformat(), "window": ["13:00", "15:00"]}
    )
    assert changed.id == booking.id and changed.status is BookingStatus.REQUESTED
    assert changed.pickup_date == new and changed.window_start.hour == 13
    assert changed.note == "门口左转"  # left out: kept
    assert _counter(old) == (Decimal(0), 0) and _counter(new) == (Decimal(600), 1)
    first, last = _events(booking.id)
    assert first.to_status == "requested" and last.from_status == last.to_status == "requested"
    assert last.by_user_id == world["dealer"].id
    assert last.detail == {
        "kind": event_details.RESCHEDULED,
        "from": f"{old.isoformat()} 09:00\u201311:00",
        "to": f"{new.isoformat()} 13:00\u201315:00",
        "note": False,
    }
    said = event_details.words(last.detail)
    assert said == f"取货时间由 {old.isoformat()} 09:00–11:00 改为 {new.isoformat()} 13:00–15:00"
    assert db.session.scalar(sa.select(sa.func.count(OutboxMessage.id))) == letters + 1


def test_a_window_or_note_alone_keeps_the_day_and_its_room(world):
    booking = _book(world)
    pickup_change.change_pickup(
        world["dealer"], booking.id, {"window": ["10:00", "12:00"], "note": "请提前电话"}
    )
    assert _counter(open_day(2)) == (Decimal(600), 1)
    detail = _events(booking.id)[-1].detail
    assert detail["from"] != detail["to"] and detail["note"] is True
    assert "给司机的备注已更改" in event_details.words(detail)


def test_the_same_values_again_change_nothing_and_record_nothing(world):
    booking = _book(world)
    same = {"date": open_day(2).isoformat(), "window": ["09:00", "11:00"], "note": ""}
    pickup_change.change_pickup(world["dealer"], booking.id, same)
    assert len(_events(booking.id)) == 1 and _counter(open_day(2)) == (Decimal(600), 1)


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"date": "tomorrow"}, "date", "YYYY-MM-DD"),
        ({"date": "today"}, "date", "今天之后"),
        ({"date": "beyond"}, "date", "30"),
        ({"window": ["06:00", "08:00"]}, "window", "08:00–17:00"),
        ({"window": ["10:00", "10:30"]}, "window", "一小时"),
        ({"note": "x" * 501}, "note", "500"),
        ({"note": "abc\u202edef"}, "note", "方向"),
    ],
)
def test_what_the_form_refuses_is_refused_naming_the_field(world, change, field, words):
    booking = _book(world)
    special = {
        "tomorrow": "2026/12/01",
        "today": clock.today().isoformat(),
        "beyond": (clock.today() + timedelta(days=31)).isoformat(),
    }
    raw = {k: special.get(v, v) if isinstance(v, str) else v for k, v in change.items()}
    with pytest.raises(Invalid) as caught:
        pickup_change.change_pickup(world["dealer"], booking.id, raw)
    assert caught.value.field == field and words in str(caught.value.message), caught.value
    assert len(_events(booking.id)) == 1 and _counter(open_day(2)) == (Decimal(600), 1)


def test_a_closed_day_or_a_full_one_is_a_conflict_on_the_date(world):
    booking = _book(world)
    sunday = open_day(2)
    while sunday.weekday() != 6 or capacity.is_holiday(sunday):
        sunday += timedelta(days=1)
    with pytest.raises(Conflict) as caught:
        pickup_change.change_pickup(world["dealer"], booking.id, {"date": sunday.isoformat()})
    assert caught.value.field == "date" and "不上门收货" in str(caught.value.message)
    room = capacity.calendar(open_day(5), open_day(5))[0].capacity_kg
    db.session.add(BookingDay(day=open_day(5), booked_kg=room - 500, booked_stops=3))
    db.session.commit()  # 500 kg left: not the booking's 600
    with pytest.raises(Conflict) as caught:
        pickup_change.change_pickup(world["dealer"], booking.id, {"date": open_day(5).isoformat()})
    assert caught.value.code == "day_full" and caught.value.field == "date"
    assert open_day(6).isoformat() in str(caught.value.message)  # the next free days
    assert _counter(open_day(2)) == (Decimal(600), 1) and _counter(open_day(5))[1] == 3
    assert len(_events(booking.id)) == 1


def test_damaged_lots_may_not_move_to_a_late_day(world):
    booking = _book(world, day=open_day(1), lots=[lot(condition="damaged", damage=["deformed"])])
    with pytest.raises(Invalid) as caught:
        pickup_change.change_pickup(world["dealer"], booking.id, {"date": open_day(10).isoformat()})
    assert caught.value.field == "date" and "最早" in str(caught.value.message)
    pickup_change.change_pickup(world["dealer"], booking.id, {"date": open_day(2).isoformat()})
    assert _counter(open_day(2))[1] == 1


@pytest.mark.parametrize(
    ("moves", "state", "english"),
    [
        ([BookingStatus.SCHEDULED], "已排班", "is already scheduled: it is on a truck's route"),
        ([BookingStatus.SCHEDULED, BookingStatus.PICKED_UP], "已取货", "has been picked up and"),
        ([BookingStatus.CANCELLED], "已取消", "has been cancelled and can no longer be changed"),
    ],
)
def test_a_booking_past_requested_is_refused_naming_its_state(world, moves, state, english):
    booking = _book(world)
    dispatcher = _dispatcher()
    for status in moves:
        booking_service.change_status(dispatcher, booking.id, status, "路断")
    with pytest.raises(Conflict) as caught:
        pickup_change.change_pickup(world["dealer"], booking.id, {"date": open_day(3).isoformat()})
    assert caught.value.code == "not_changeable" and caught.value.field is None
    assert state in str(caught.value.message) and f"#{booking.id}" in str(caught.value.message)
    assert "requested" not in str(caught.value.message)  # the state in words, not its code
    with force_locale("en"):
        said = str(caught.value.message)
    assert said.startswith(f"Booking #{booking.id} ") and english in said, said
    assert not any(e.detail and e.detail.get("kind") == "rescheduled" for e in _events(booking.id))


def test_only_the_owner_changes_it(world):
    booking = _book(world)
    with pytest.raises(Forbidden):
        pickup_change.change_pickup(_dispatcher(), booking.id, {"date": open_day(3).isoformat()})
    stranger = make_user(make_org(name="别家经销店"))
    with pytest.raises(NotFound):
        pickup_change.change_pickup(stranger, booking.id, {"date": open_day(3).isoformat()})
    colleague = make_user(world["dealer"].organisation)  # the organisation's bookings
    pickup_change.change_pickup(colleague, booking.id, {"date": open_day(3).isoformat()})
    assert len(_events(booking.id)) == 2


@pytest.mark.parametrize(
    ("locale", "subject", "said"),
    [
        (
            "zh_CN",
            "[lithloop] 预约 #{id}：取货安排已更改",
            "的取货预约 #{id}：取货时间由 {a} 09:00–11:00 改为 {b} 13:00–15:00。",
        ),
        (
            "en",
            "[lithloop] Booking #{id}: pickup changed",
            "#{id} at 东安网点: Pickup changed from {a} 09:00–11:00 to {b} 13:00–15:00.",
        ),
    ],
)
def test_the_owners_letter_says_the_pickup_changed_not_its_unchanged_status(
    world, locale, subject, said
):
    # Before: "预约 #36：已请求" as the subject, and "现在的状态：已请求" in the body, for a
    # change whose news is the new day and time.
    booking = _book(world)
    world["dealer"].locale = locale
    db.session.commit()
    old, new = open_day(2), open_day(4)
    pickup_change.change_pickup(
        world["dealer"], booking.id, {"date": new.isoformat(), "window": ["13:00", "15:00"]}
    )
    letter = db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id.desc())).first()
    values = {"id": booking.id, "a": old.isoformat(), "b": new.isoformat()}
    assert letter.subject == subject.format(**values)
    assert said.format(**values) in letter.body
    assert "已请求" not in letter.body and "requested" not in letter.body.lower()


def test_a_dispatchers_move_to_another_day_is_told_as_a_change_too(world):
    booking = _book(world)
    new = open_day(4)
    moved = left_out.move_to_day(_dispatcher(), booking.id, new)
    assert moved.pickup_date == new
    letter = db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id.desc())).first()
    assert letter.subject == f"[lithloop] 预约 #{booking.id}：取货安排已更改"
    assert f"由 {open_day(2).isoformat()} 改到 {new.isoformat()}。" in letter.body, letter.body
