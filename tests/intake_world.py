"""A park with a truck back from its published route: one booking picked up, to receive."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from lithloop.extensions import db
from lithloop.models import BusPack, Intake, Pack, PackEvent, PackTest, PlanRoute, Role
from lithloop.services.dispatch import driver_work
from tests.factories import make_user
from tests.route_world import build_world, code


def build_arrival() -> dict:
    """build_world() with booking 1 (2 coded LFP packs, 4 damaged NCM811 modules) picked up."""
    world = build_world()
    pickups = [s for s in db.session.get(PlanRoute, world["route_id"]).stops if s.kind == "pickup"]
    stop = pickups[0]
    codes = list(stop.booking.lots[0].codes)
    db.session.add(
        BusPack(
            organisation_id=stop.booking.organisation_id,
            vehicle_plate="黑C·12345",
            pack_code=codes[0],
            chemistry="LFP",
            rated_kwh=110,
            mass_kg=1200,
            in_service_since=date(2018, 5, 1),
        )
    )
    db.session.commit()
    driver_work.record_pickup(world["driver"], stop.id, "2700", "\n".join(codes))
    world.update(
        stop_id=stop.id,
        booking_id=stop.booking_id,
        codes=codes,
        operator=make_user(world["park"], role=Role.PLANT_OPERATOR),
    )
    return world


def receipt(
    world, *, lot0_mass="2400", lot1_mass="300", codes=None, generate=True, note=""
) -> dict:
    """A receive form for booking 1: the lots' weighed masses and codes."""
    codes = world["codes"] if codes is None else codes
    return {
        "lots": [
            {"mass_kg": lot0_mass, "codes": "\n".join(codes)},
            {"mass_kg": lot1_mass, "codes": ""},
        ],
        "generate": generate,
        "note": note,
    }


def row_counts() -> dict[str, int]:
    """Rows of the tables intake, grading and moves write."""
    return {
        model.__name__: db.session.scalar(sa.select(sa.func.count()).select_from(model))
        for model in (Pack, PackEvent, PackTest, Intake)
    }


__all__ = ["build_arrival", "code", "receipt", "row_counts"]
