"""Dealers of several organisations booking one pack code at the same instant, each on
another day (so no day's capacity lock orders them): one booking gets it (PostgreSQL only,
where transactions really run side by side)."""

from __future__ import annotations

import threading
from datetime import date

import pytest
import sqlalchemy as sa

from lithloop.batteries import make_park_code
from lithloop.extensions import db
from lithloop.models import BookingLot, User
from lithloop.services.booking import bookings as booking_service
from lithloop.services.booking import prices as price_service
from lithloop.services.errors import Conflict
from tests.conftest import app_on_own_pg_database
from tests.factories import make_org, make_park, make_site, make_user
from tests.route_world import open_day
from tests.test_booking_concurrency import one_pack_pickup

DEALERS = 5
ROUNDS = 3


@pytest.fixture
def pg_app(pg_database_url):
    """An app on a database of its own (its threads commit for real)."""

    def seed():
        price_service.ensure_default_index()
        make_park(payload_kg=12000, trucks=4)
        dealers = []
        for i in range(DEALERS):
            org = make_org(name=f"同码经销商{i}")
            dealers.append((make_user(org).id, make_site(org).id))
        return dealers

    with app_on_own_pg_database("lithloop_codes", seed) as (app, dealers):
        yield app, dealers


def _book(app, day, code, barrier, outcomes, user_id, site_id) -> None:
    """One dealer's booking of `code`, in its own app context and connection."""
    with app.app_context():
        raw = one_pack_pickup(site_id, day, "300", (code,))
        barrier.wait()
        try:
            booking_service.book_pickup(db.session.get(User, user_id), raw)
            outcomes.append("booked")
        except Conflict as exc:
            outcomes.append(exc.code)
        finally:
            db.session.remove()


def test_one_code_booked_at_once_by_several_dealers_is_booked_once(pg_app):
    app, dealers = pg_app
    for round_ in range(ROUNDS):
        code = make_park_code(
            round_ + 1, chemistry_letter="B", product_type="P", produced=date(2019, 5, 4)
        )
        barrier = threading.Barrier(len(dealers))
        outcomes: list[str] = []
        threads = [
            threading.Thread(
                target=_book, args=(app, open_day(k + 1), code, barrier, outcomes, *pair)
            )
            for k, pair in enumerate(dealers)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert sorted(outcomes) == ["already_booked"] * (DEALERS - 1) + ["booked"], outcomes
        with app.app_context():
            lots = db.session.scalars(sa.select(BookingLot.codes)).all()
            assert sum(code in (codes or ()) for codes in lots) == 1
