"""What a plant operator types in the receive and test forms, read as a person means it: a
Chinese keyboard's digits, a unit of kilograms after a mass, a box that holds no number told
so beside it (a walk of the operator's pages)."""

from __future__ import annotations

import sqlalchemy as sa

from lithloop.extensions import db
from lithloop.models import Pack
from tests import worlds
from tests.conftest import submit

world = worlds.arrival


def _receive(client, world, lot0_mass: str):
    url = f"/plant/bookings/{world['booking_id']}/receive"
    form = {
        "lot-0-mass_kg": lot0_mass,
        "lot-0-codes": "\n".join(world["codes"]),
        "lot-1-mass_kg": "300",
        "lot-1-codes": "",
        "generate": "1",
        "note": "",
    }
    return submit(client, url, form)


def _first_pack(world) -> Pack:
    db.session.expire_all()
    return db.session.scalars(
        sa.select(Pack).where(Pack.booking_id == world["booking_id"]).order_by(Pack.id)
    ).first()


def _received_pack(client, auth, world) -> Pack:
    auth.login(world["operator"].email)
    assert _receive(client, world, "2400").status_code == 302
    return _first_pack(world)


def test_a_cycle_count_typed_in_full_width_digits_is_read_as_the_mass_is(client, auth, world):
    """Walk finding: a cycle count of １２ was refused while the capacity beside it read ９０."""
    pack = _received_pack(client, auth, world)
    url = f"/plant/packs/{pack.id}"
    typed = {
        "capacity_ah": "１８０",
        "soh_pct": "８５",
        "insulation_ok": "1",
        "cycle_count": "１２",
    }
    assert submit(client, f"{url}/test", typed, page=url).status_code == 302
    assert _first_pack(world).cycle_count == 12
