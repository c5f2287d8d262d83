"""A fleet register pack removed by hand while a booking of it is being made (PostgreSQL only:
SQLite serialises writers): the removal waits for the booking's transaction and is then
refused, naming the booking, instead of deleting a pack a booking was just made from."""

from __future__ import annotations

import threading
import time
from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa

from lithloop.extensions import db
from lithloop.models import BusPack, OrgKind, Role, User
from lithloop.services.booking import fleet_register
from tests.conftest import app_on_own_pg_database
from tests.factories import BookingFactory, make_org, make_user


@pytest.fixture
def pg_app(pg_database_url):
    """A bus company's fleet manager, one pack of its register and one booking of it."""

    def seed():
        manager = make_user(make_org(OrgKind.BUS_COMPANY), role=Role.FLEET_MANAGER)
        pack = BusPack(
            organisation_id=manager.organisation_id,
            vehicle_plate="黑C·R0001",
            chemistry="LFP",
            rated_kwh=Decimal("295"),
            mass_kg=Decimal("2225"),
            in_service_since=date(2019, 3, 1),
        )
        db.session.add(pack)
        booking = BookingFactory(created_by=manager)
        db.session.commit()
        return manager.id, pack.id, booking.id

    with app_on_own_pg_database("lithloop_fp", seed) as (app, ids):
        yield app, ids


def _book(app, pack_id: int, booking_id: int, locked: threading.Event) -> None:
    """What accepting a proposal does to the pack: lock it, link the booking, commit later."""
    with app.app_context():
        pack = db.session.scalar(sa.select(BusPack).where(BusPack.id == pack_id).with_for_update())
        locked.set()
        pack.booking_id = booking_id
        time.sleep(1.0)  # the removal arrives meanwhile
        db.session.commit()
        db.session.remove()


def test_a_removal_during_a_booking_of_the_pack_waits_and_is_refused(pg_app):
    app, (manager_id, pack_id, booking_id) = pg_app
    with app.app_context():
        seen = fleet_register.pack_version(db.session.get(BusPack, pack_id))
        db.session.remove()
    locked = threading.Event()
    booking = threading.Thread(target=_book, args=(app, pack_id, booking_id, locked))
    booking.start()
    assert locked.wait(10)
    outcome = None
    with app.app_context():
        try:
            fleet_register.remove_pack(db.session.get(User, manager_id), pack_id, seen)
            outcome = "removed"
        except Exception as exc:  # noqa: BLE001 - recorded, asserted below
            outcome = getattr(exc, "code", type(exc).__name__)
        db.session.remove()
    booking.join(timeout=30)
    # the version read before the booking no longer matches: the person sees the pack again
    assert outcome == "changed_meanwhile"
    with app.app_context():
        kept = db.session.get(BusPack, pack_id)
        assert kept is not None and kept.booking_id == booking_id
        fresh = fleet_register.pack_version(kept)
        manager = db.session.get(User, manager_id)
        with pytest.raises(Exception) as refused:  # from the page read now: on the booking
            fleet_register.remove_pack(manager, pack_id, fresh)
        assert getattr(refused.value, "code", "") == "pack_locked"
        assert db.session.get(BusPack, pack_id) is not None
