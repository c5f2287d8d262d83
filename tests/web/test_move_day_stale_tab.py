"""Moving a booking left out of a plan to another day from a tab read before a colleague's
move: refused with the change form's words (the booking now), the colleague's day kept."""

from __future__ import annotations

import re
from datetime import date
from html import unescape

import sqlalchemy as sa

from lithloop.extensions import db
from lithloop.models import Booking, BookingEvent, BookingStatus, PlanRoute, PlanUnassigned
from lithloop.services.dispatch import left_out
from tests import worlds
from tests.conftest import submit

world = worlds.published_route
MOVE_FORM = re.compile(
    r'action="[^"]*/move-day"[^>]*>\s*<input[^>]*name="csrf_token"[^>]*>'
    r'<input type="hidden" name="seen" value="([0-9a-f]+)">'
)


def _left_out(world) -> Booking:
    """The world's last booking requested on the plan's day and left out of it (day full)."""
    booking = db.session.get(Booking, world["bookings"][-1])
    plan = db.session.get(PlanRoute, world["route_id"]).plan
    booking.status, booking.pickup_date = BookingStatus.REQUESTED, plan.plan_date
    plan.unassigned.append(PlanUnassigned(booking=booking, reason="day_full", message="full"))
    db.session.commit()
    return booking


def _events(booking_id: int) -> int:
    return db.session.scalar(
        sa.select(sa.func.count(BookingEvent.id)).where(BookingEvent.booking_id == booking_id)
    )


def test_a_move_from_a_tab_read_before_a_colleagues_move_is_refused(client, auth, world):
    booking = _left_out(world)
    booking_id, page = booking.id, f"/bookings/{booking.id}"
    auth.login(world["dealer"].email)
    html = client.get(page).get_data(as_text=True)
    found = MOVE_FORM.search(html)
    assert found, "the move-day form carries no version of the pickup it shows"
    days = left_out.notice(booking).days
    assert len(days) >= 2, days
    colleague = date.fromisoformat(days[0])  # moved from the colleague's tab first
    left_out.move_to_day(world["dealer"], booking_id, colleague)
    events = _events(booking_id)
    stale = {"date": days[1], "seen": found.group(1)}
    sent = submit(client, f"{page}/move-day", stale, page=page, follow_redirects=True)
    said = unescape(sent.get_data(as_text=True))
    assert "已被他人修改" in said and days[0] in said, said[:2000]
    db.session.expire_all()
    assert db.session.get(Booking, booking_id).pickup_date.isoformat() == days[0]
    assert _events(booking_id) == events


def test_each_history_entry_has_its_own_title_in_english(client, auth, world):
    """A "Moved from … to …" entry was titled "Requested" (the status it kept)."""
    booking = _left_out(world)
    days = left_out.notice(booking).days
    left_out.move_to_day(world["dealer"], booking.id, date.fromisoformat(days[0]))
    client.get("/lang/en")
    auth.login(world["dealer"].email)
    html = unescape(client.get(f"/bookings/{booking.id}").get_data(as_text=True))
    history = html[html.index('class="history"') :].split("</ol>")[0]
    moved = next(li for li in history.split("<li>") if f"to {days[0]}" in li)
    assert moved.startswith("<strong>Moved to another day</strong>"), moved
