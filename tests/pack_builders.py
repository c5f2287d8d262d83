"""Builders for packs with events, intakes and batches (made directly, through the services
that record events and place packs)."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, time
from decimal import Decimal

from lithloop.batteries.park_codes import make_park_code
from lithloop.extensions import db
from lithloop.models import Booking, Intake, Pack, PackState
from lithloop.services.packs import events as pack_events
from lithloop.services.packs import state as pack_state

_serial = itertools.count(700001)


def pack_code() -> str:
    """A fresh valid GB/T 34014 code (a serial range of its own)."""
    return make_park_code(
        next(_serial), chemistry_letter="B", product_type="P", produced=date(2019, 3, 1)
    )


def utc(*args) -> datetime:
    """An aware UTC datetime."""
    return datetime(*args, tzinfo=UTC)


def make_pack(
    user,
    *,
    owner=None,
    chemistry="LFP",
    mass="300",
    rated_wh=50000,
    soh="85",
    grade=None,
    received_at=None,
    data=None,
    **fields,
) -> Pack:
    """A pack received at the park by `user` (a 'received' event), committed."""
    from lithloop.models import Grade

    pack = Pack(
        code=fields.pop("code", None) or pack_code(),
        chemistry=chemistry,
        mass_kg=Decimal(mass),
        rated_wh=rated_wh,
        soh_pct=None if soh is None else Decimal(soh),
        grade=Grade(grade) if grade else None,
        owner_id=owner.id if owner else None,
        **fields,
    )
    db.session.add(pack)
    db.session.flush()
    pack_events.record(
        pack, "received", user, at=received_at, data=data if data is not None else {"mass_kg": mass}
    )
    db.session.commit()
    return pack


def event(pack, kind, user, at=None, **kwargs):
    """Record one event on a pack and commit."""
    recorded = pack_events.record(pack, kind, user, at=at, **kwargs)
    db.session.commit()
    return recorded


def place(pack, state: PackState, user, kind="moved", at=None):
    """Put a pack in a state through pack_state.place; optionally back-date its event."""
    recorded = pack_state.place(pack, state, user, kind)
    if at is not None:
        recorded.at = at
        recorded.report_due = pack_events.report_due(at) if recorded.report_due else None
    db.session.commit()
    return recorded


def build_refurbished(user, parents: list[Pack], at=None, **fields) -> Pack:
    """A refurbished pack built from graded parents, which become consumed."""
    child = Pack(
        code=pack_code(),
        chemistry=parents[0].chemistry,
        refurbished=True,
        mass_kg=fields.pop("mass", Decimal("250")),
        rated_wh=fields.pop("rated_wh", 40000),
        soh_pct=Decimal(fields.pop("soh", "90")),
        **fields,
    )
    child.parents = list(parents)
    db.session.add(child)
    db.session.flush()
    for parent in parents:
        place(parent, PackState.CONSUMED, user, "consumed", at=at)
    pack_events.record(child, "built", user, at=at, data={"parents": [p.code for p in parents]})
    db.session.commit()
    return child


def make_booking(user, site, mass="1000") -> Booking:
    """A minimal booking of the user's organisation at a site."""
    booking = Booking(
        organisation_id=user.organisation_id,
        site_id=site.id,
        created_by_id=user.id,
        pickup_date=date(2026, 1, 5),
        window_start=time(9),
        window_end=time(12),
        total_mass_kg=Decimal(mass),
        quote_total_fen=0,
        quote_index_version="test",
        quote={},
    )
    db.session.add(booking)
    db.session.commit()
    return booking


def make_intake(booking, user, measured_kg: str, at: datetime) -> Intake:
    """The measured intake of a booking at a given time."""
    intake = Intake(
        booking_id=booking.id, measured_kg=Decimal(measured_kg), at=at, by_user_id=user.id
    )
    db.session.add(intake)
    db.session.commit()
    return intake
