"""A booking made after the day's plan was published: the day's page says so at its top and
leads to the insert beside it (a run would plan the whole day again)."""

from __future__ import annotations

import re

from lithloop.extensions import db
from lithloop.models import Plan
from lithloop.services.dispatch import publishing
from tests.web.test_dispatch import book_late, day_world, run_to_end  # noqa: F401


def test_a_late_booking_is_named_at_the_top_with_a_link_to_its_insert(client, auth, day_world):  # noqa: F811
    """Walk finding: on a phone the insert sat under the 25th booking card, and the run form
    at the top (which plans the whole day again) read as the way to add it."""
    plan = db.session.get(Plan, run_to_end(client, day_world)["plan_id"])
    day = day_world["day"].isoformat()
    auth.login(day_world["dispatcher"].email)
    before = client.get(f"/dispatch/?date={day}").get_data(as_text=True)
    assert 'id="late-bookings"' not in before  # nothing published yet: a run plans them
    publishing.publish_plan(day_world["dispatcher"], plan.id, allow_unmanned=True)
    urgent = book_late(day_world, "急件网点", (44.59, 129.62), "300")
    page = client.get(f"/dispatch/?date={day}").get_data(as_text=True)
    top = r'<p class="warning" id="late-bookings"><a href="#booking-(\d+)">([^<]*)'
    said = re.search(top, page)
    assert said, "no word of the late booking at the top of the day"
    assert int(said.group(1)) == urgent.id and "1 个预约" in said.group(2)
    row = page.index(f'id="booking-{urgent.id}"')
    assert page.index(f"/dispatch/plans/{plan.id}/urgent", row) > row  # its insert, in its row
    assert page.index('id="late-bookings"') < page.index('id="run-form"')
