"""Two assemblies claiming the same parent at once: one builds, the other is refused
(PostgreSQL only, since SQLite ignores FOR UPDATE)."""

from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa

from lithloop.extensions import db
from lithloop.models import Grade, Pack, PackEvent, PackState, User
from lithloop.services.errors import Conflict
from lithloop.services.plant import assembly
from tests.conftest import app_on_own_pg_database
from tests.plant_world import make_pack, plant_world
from tests.test_lines import order as build_order

ROUNDS = 4
WORKERS = 4


@pytest.fixture
def pg_app(pg_database_url):
    """An app on a database of its own (its threads commit for real, nothing to roll back)."""
    with app_on_own_pg_database("lithloop_c", _seed) as (app, (plant_id, rounds)):
        yield app, plant_id, rounds


def _seed():
    world = plant_world()
    # each round: one shared parent, and one parent of each worker's own
    rounds = []
    for _ in range(ROUNDS):
        shared = make_pack(world["plant"], PackState.FINISHED, grade=Grade.A, soh="85").code
        own = [
            make_pack(world["plant"], PackState.FINISHED, grade=Grade.B, soh="70").code
            for _ in range(WORKERS)
        ]
        rounds.append((shared, own))
    return world["plant"].id, rounds


def _build(app, barrier, outcomes: list, user_id: int, codes: list[str]) -> None:
    """One operator's attempt, in its own app context and database connection."""
    with app.app_context():
        user = db.session.get(User, user_id)
        order = build_order(codes)
        barrier.wait()
        try:
            outcomes.append(assembly.build(user, order).code)
        except Conflict as exc:
            outcomes.append(exc.code)
        finally:
            db.session.remove()


def test_only_one_assembly_consumes_a_shared_parent(pg_app):
    app, plant_id, rounds = pg_app
    for shared, own in rounds:
        barrier = threading.Barrier(WORKERS)
        outcomes: list[str] = []
        threads = [
            threading.Thread(target=_build, args=(app, barrier, outcomes, plant_id, [code, shared]))
            for code in own
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        built = [o for o in outcomes if o != "parent_unusable"]
        assert len(outcomes) == WORKERS and len(built) == 1, outcomes
        with app.app_context():
            parent = db.session.scalar(sa.select(Pack).where(Pack.code == shared))
            assert parent.state is PackState.CONSUMED
            consumed = db.session.scalars(
                sa.select(PackEvent).where(
                    PackEvent.pack_id == parent.id, PackEvent.kind == "consumed"
                )
            ).all()
            assert [e.data["into"] for e in consumed] == built
            # the losers' own parents were left as they were
            untouched = db.session.scalars(sa.select(Pack).where(Pack.code.in_(own))).all()
            assert sorted(p.state.value for p in untouched) == sorted(
                ["consumed"] + ["finished"] * (WORKERS - 1)
            )
