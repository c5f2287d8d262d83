"""A pack of the fleet register booked from the booking form or the API, by its code, is
booked in the register too: it stayed open, came back in the retirement forecast's
proposals, and accepting such a proposal was refused ("already in booking #…") for every
pack proposed with it."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from lithloop.extensions import db
from lithloop.models import BusPack, Site, User
from tests.conftest import DEMO_PASSWORD, api_headers
from tests.route_world import open_day
from tests.web.test_fleet import CODE_B, add_pack, demo_fleet

__all__ = ["demo_fleet"]  # the fixture, used by name


def test_a_register_pack_booked_by_code_leaves_the_proposals_until_cancelled(client, demo_fleet):
    pack = add_pack(
        demo_fleet.id, "Q", soh="70", since=date(2016, 5, 1), code=CODE_B, mass=2300, kwh=310
    )
    assert f"{pack.id}" in _proposed(client)
    manager = db.session.scalar(sa.select(User).where(User.email == "fleet@demo.lithloop"))
    depot = db.session.scalar(sa.select(Site).where(Site.organisation_id == demo_fleet.id))
    h = api_headers(client, manager, DEMO_PASSWORD)
    body = {
        "site_id": depot.id,
        "date": open_day(3).isoformat(),
        "window": ["09:00", "11:00"],
        "lots": [{"chemistry": "LFP", "count": 1, "mass_kg": "2300", "codes": [CODE_B]}],
    }
    made = client.post("/api/v1/bookings", json=body, headers=h)
    assert made.status_code == 201, made.json
    db.session.expire_all()
    assert db.session.get(BusPack, pack.id).booking_id == made.json["id"]
    assert f"{pack.id}" not in _proposed(client)
    client.post(f"/api/v1/bookings/{made.json['id']}/cancel", json={}, headers=h)
    assert f"{pack.id}" in _proposed(client)  # open again, as a cancelled proposal's are


def _proposed(client) -> set[str]:
    import re

    page = client.get("/fleet/forecast?months=12").get_data(as_text=True)
    return {
        i for ids in re.findall(r'name="pack_ids" value="([^"]*)"', page) for i in ids.split(",")
    }
