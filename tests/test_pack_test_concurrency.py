"""The plant's test form sent several times at once with its one-time token: one test, one
grading (PostgreSQL only, since SQLite ignores FOR UPDATE)."""

from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa

from lithloop.extensions import db
from lithloop.models import Pack, PackEvent, PackState, PackTest, User
from lithloop.services.plant import grading
from tests.conftest import app_on_own_pg_database
from tests.plant_world import make_pack, plant_world

ROUNDS = 3
WORKERS = 4
FORM = {"capacity_ah": "180", "soh_pct": "85", "insulation_ok": "1"}


@pytest.fixture
def pg_app(pg_database_url):
    """An app on a database of its own (its threads commit for real, nothing to roll back)."""

    def seed():
        world = plant_world()
        packs = [make_pack(world["plant"], PackState.RECEIVED).id for _ in range(ROUNDS)]
        return world["plant"].id, packs

    with app_on_own_pg_database("lithloop_t", seed) as (app, (plant_id, packs)):
        yield app, plant_id, packs


def _submit(app, barrier, outcomes: list, user_id: int, pack_id: int, token: str) -> None:
    """One submit of the form, in its own app context and database connection."""
    with app.app_context():
        user = db.session.get(User, user_id)
        barrier.wait()
        try:
            outcomes.append(grading.record_test(user, pack_id, FORM, token=token).id)
        except Exception as exc:  # noqa: BLE001 - any failure is the test's to report
            outcomes.append(repr(exc))
        finally:
            db.session.remove()


def test_parallel_submits_of_one_test_form_store_one_test(pg_app):
    app, plant_id, packs = pg_app
    for pack_id in packs:
        barrier = threading.Barrier(WORKERS)
        outcomes: list = []
        threads = [
            threading.Thread(
                target=_submit, args=(app, barrier, outcomes, plant_id, pack_id, f"form-{pack_id}")
            )
            for _ in range(WORKERS)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert len(outcomes) == WORKERS and len(set(outcomes)) == 1, outcomes
        with app.app_context():
            tests = db.session.scalars(sa.select(PackTest).where(PackTest.pack_id == pack_id))
            assert [t.id for t in tests] == outcomes[:1]
            graded = db.session.scalars(
                sa.select(PackEvent).where(PackEvent.pack_id == pack_id, PackEvent.kind == "graded")
            ).all()
            assert len(graded) == 1 and db.session.get(Pack, pack_id).grade is not None
            db.session.remove()
