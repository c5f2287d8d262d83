"""A fleet register pack removed by hand while a proposed pickup of it is being accepted
(PostgreSQL only: SQLite serialises writers): the removal waits for the booking's transaction
and is then refused, instead of deleting a pack a booking was just made from. The pack has
no code, so nothing but the proposal links it (review finding: it was linked in a second
transaction, after the booking's commit had let the waiting removal through)."""

from __future__ import annotations

import threading
import time
from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa

from lithloop import clock
from lithloop.demo.activity import next_open_day
from lithloop.extensions import db
from lithloop.models import Booking, BusPack, OrgKind, Role, SiteKind, User
from lithloop.services.booking import fleet_proposals, fleet_register
from tests.conftest import app_on_own_pg_database
from tests.factories import make_bus_pack, make_org, make_park, make_site, make_user


@pytest.fixture
def pg_app(pg_database_url):
    """The park with trucks, a bus company's depot and fleet manager, one uncoded pack."""

    def seed():
        make_park()
        company = make_org(OrgKind.BUS_COMPANY)
        depot = make_site(company)
        depot.kind = SiteKind.BUS_DEPOT
        manager = make_user(company, role=Role.FLEET_MANAGER)
        pack = make_bus_pack(
            company.id, "黑C·R0001", in_service_since=date(2017, 3, 1), soh_pct=Decimal("75")
        )
        return manager.id, depot.id, pack.id

    with app_on_own_pg_database("lithloop_fp", seed) as (app, ids):
        yield app, ids


def test_a_removal_during_the_acceptance_of_the_pack_waits_and_is_refused(pg_app, monkeypatch):
    app, (manager_id, depot_id, pack_id) = pg_app
    with app.app_context():
        seen = fleet_register.pack_version(db.session.get(BusPack, pack_id))
        day = next_open_day(clock.today()).isoformat()
        db.session.remove()
    locked, outcomes = threading.Event(), {}
    real_book = fleet_proposals.book_pickup

    def book_slowly(*args, **kwargs):  # the packs' rows are locked by now
        locked.set()
        time.sleep(1.0)  # the removal arrives meanwhile and waits
        return real_book(*args, **kwargs)

    monkeypatch.setattr(fleet_proposals, "book_pickup", book_slowly)

    def accept():
        with app.app_context():
            user = db.session.get(User, manager_id)
            booking, _ = fleet_proposals.accept_proposal(
                user, depot_id, [pack_id], day, ("09:00", "11:00")
            )
            outcomes["booking"] = booking.id
            db.session.remove()

    accepting = threading.Thread(target=accept)
    accepting.start()
    assert locked.wait(20)
    with app.app_context():
        try:
            fleet_register.remove_pack(db.session.get(User, manager_id), pack_id, seen)
            outcomes["remove"] = "removed"
        except Exception as exc:  # noqa: BLE001 - recorded, asserted below
            outcomes["remove"] = getattr(exc, "code", type(exc).__name__)
        db.session.remove()
    accepting.join(timeout=60)
    # the version read before the booking no longer matches: the person sees the pack again
    assert outcomes == {"booking": outcomes.get("booking"), "remove": "changed_meanwhile"}
    with app.app_context():
        kept = db.session.get(BusPack, pack_id)
        assert kept is not None and kept.booking_id == outcomes["booking"]
        assert db.session.scalar(sa.select(sa.func.count(Booking.id))) == 1
        fresh = fleet_register.pack_version(kept)
        manager = db.session.get(User, manager_id)
        with pytest.raises(Exception) as refused:  # from the page read now: on the booking
            fleet_register.remove_pack(manager, pack_id, fresh)
        assert getattr(refused.value, "code", "") == "pack_locked"
        assert db.session.get(BusPack, pack_id) is not None


def test_two_removals_at_once_remove_once_and_the_other_is_told(pg_app):
    """Review finding: the second removal, waiting on the row lock, refreshed a deleted row:
    a 500 instead of "not in your register"."""
    app, (manager_id, _depot_id, pack_id) = pg_app
    with app.app_context():
        seen = fleet_register.pack_version(db.session.get(BusPack, pack_id))
        db.session.remove()
    barrier, outcomes = threading.Barrier(2), []

    def remove():
        with app.app_context():
            user = db.session.get(User, manager_id)
            barrier.wait()
            try:
                fleet_register.remove_pack(user, pack_id, seen)
                outcomes.append("removed")
            except Exception as exc:  # noqa: BLE001 - recorded, asserted below
                outcomes.append(getattr(exc, "code", type(exc).__name__))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=remove) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["not_found", "removed"]
