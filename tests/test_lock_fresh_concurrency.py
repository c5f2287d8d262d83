"""A row locked with FOR UPDATE is read as it is once locked, not as this session loaded it
before (PostgreSQL only, since SQLite ignores FOR UPDATE).

Without `populate_existing`, SQLAlchemy keeps the attributes of an object already in the
session (held by a caller): the lock waits for the other writer, then hands back the state
from before it."""

from __future__ import annotations

from decimal import Decimal

import pytest
import sqlalchemy as sa

from lithloop.extensions import db
from lithloop.models import Booking, BookingStatus, Pack, PackState
from lithloop.services.errors import Conflict
from lithloop.services.plant import grading, intake
from tests.conftest import app_on_own_pg_database
from tests.plant_world import booked, make_pack, plant_world


@pytest.fixture
def pg_app(pg_database_url):
    """An app on a database of its own (the other connection commits for real)."""

    def seed():
        world = plant_world()
        pack = make_pack(world["plant"], PackState.RECEIVED, soh="85")
        booking = booked(world)
        booking.status = BookingStatus.PICKED_UP  # on the truck, due at the weighbridge
        db.session.commit()
        return pack.id, booking.id

    with app_on_own_pg_database("lithloop_f", seed) as (app, ids):
        yield app, ids


def _elsewhere(statement) -> None:
    """Another connection changes the row and commits (a colleague's request)."""
    with db.engine.begin() as other:
        other.execute(statement)


def test_a_locked_pack_is_read_as_another_connection_left_it(pg_app):
    app, (pack_id, _) = pg_app
    with app.app_context():
        seen = db.session.get(Pack, pack_id)  # loaded earlier, and kept, in this session
        assert seen.soh_pct == Decimal("85")
        _elsewhere(sa.update(Pack).where(Pack.id == pack_id).values(soh_pct=Decimal("60")))
        assert grading.lock_pack(pack_id).soh_pct == Decimal("60")
        db.session.rollback()


def test_a_locked_booking_is_read_as_another_connection_left_it(pg_app):
    app, (_, booking_id) = pg_app
    with app.app_context():
        seen = db.session.get(Booking, booking_id)
        assert seen.status is BookingStatus.PICKED_UP
        received = sa.update(Booking).where(Booking.id == booking_id)
        _elsewhere(received.values(status=BookingStatus.RECEIVED))
        with pytest.raises(Conflict) as refused:  # received meanwhile: not weighed twice
            intake._lock_booking(booking_id)
        assert refused.value.code == "already_received"
        db.session.rollback()
