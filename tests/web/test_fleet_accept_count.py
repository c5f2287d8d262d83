"""Accepting a proposal says how many packs were booked: a form whose pack list names a pack
twice (a changed form: "37,37") booked it once and said "for 2 packs"."""

from __future__ import annotations

from html import unescape

import sqlalchemy as sa

from lithloop import clock
from lithloop.extensions import db
from lithloop.models import BusPack
from tests.conftest import submit
from tests.web.test_fleet import accept_form, demo_fleet, small_register  # noqa: F401


def test_a_pack_named_twice_is_booked_and_counted_once(client, demo_fleet):  # noqa: F811
    small_register(demo_fleet.id, clock.today())
    fields = accept_form(client.get("/fleet/forecast").get_data(as_text=True))
    first = fields["pack_ids"].split(",")[0]
    fields["pack_ids"] = f"{first},{first}"
    page = submit(
        client, "/fleet/forecast/accept", fields, page="/fleet/forecast", follow_redirects=True
    )
    said = unescape(page.get_data(as_text=True))
    assert "已为 1 个电池包提交预约" in said and "已为 2 个电池包" not in said
    booked = db.session.scalar(sa.select(BusPack.booking_id).where(BusPack.id == int(first)))
    assert booked is not None
