"""The build form sent twice at the same moment (a double click): one pack is built and both
requests answer with it (PostgreSQL only: the twin waits on the first one's token)."""

from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa

from lithloop.extensions import db
from lithloop.models import Grade, Pack, PackState, User
from lithloop.services.plant import assembly_once
from tests.conftest import app_on_own_pg_database
from tests.plant_world import make_pack, plant_world
from tests.test_lines import order as build_order

TWINS = 3


@pytest.fixture
def pg_app(pg_database_url):
    """An app on a database of its own (its threads commit for real)."""

    def seed():
        world = plant_world()
        parent = make_pack(world["plant"], PackState.FINISHED, grade=Grade.A, soh="85")
        return world["plant"].id, parent.code

    with app_on_own_pg_database("lithloop_t", seed) as (app, ids):
        yield app, ids


def _press(app, barrier, outcomes: list, user_id: int, code: str) -> None:
    with app.app_context():
        user = db.session.get(User, user_id)
        order = build_order((code,))
        barrier.wait()
        try:
            pack, again = assembly_once.build_once(user, order, "one-form-token")
            outcomes.append((pack.code, again))
        except Exception as exc:  # noqa: BLE001 - recorded, asserted below
            outcomes.append((type(exc).__name__, str(exc)))
        finally:
            db.session.remove()


def test_a_form_sent_twice_at_once_builds_one_pack_and_both_answer_with_it(pg_app):
    app, (user_id, code) = pg_app
    barrier = threading.Barrier(TWINS)
    outcomes: list = []
    threads = [
        threading.Thread(target=_press, args=(app, barrier, outcomes, user_id, code))
        for _ in range(TWINS)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    with app.app_context():
        built = db.session.scalars(sa.select(Pack.code).where(Pack.refurbished.is_(True))).all()
    assert len(built) == 1, outcomes
    assert sorted(outcomes) == sorted([(built[0], False)] + [(built[0], True)] * (TWINS - 1))
