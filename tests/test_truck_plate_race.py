"""Two saves of one plate at the same moment (PostgreSQL only: SQLite serialises writers):
the plate's unique constraint keeps one truck, and the other save is refused beside the
plate (409), never a 500."""

from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa

from lithloop.extensions import db
from lithloop.models import OrgKind, Role, Site, Truck, User
from lithloop.services.dispatch import trucks
from lithloop.services.errors import Conflict
from tests.conftest import app_on_own_pg_database
from tests.factories import make_org, make_park, make_user

PLATE = "黑C·R0001"
SAVERS = 4


@pytest.fixture
def pg_app(pg_database_url):
    """The park (a depot, one truck) and a dispatcher, on a database of their own."""

    def seed():
        park = make_park(trucks=1)
        dispatcher = make_user(make_org(OrgKind.PARK_OPERATOR), role=Role.DISPATCHER)
        db.session.commit()
        return dispatcher.id, db.session.scalar(
            sa.select(Site.id).where(Site.organisation_id == park.id)
        )

    with app_on_own_pg_database("lithloop_t", seed) as (app, ids):
        yield app, ids


def _form(depot_id: int) -> dict:
    return {
        "plate": PLATE,
        "payload_kg": "5000",
        "pallet_places": "10",
        "shift_start": "07:00",
        "shift_end": "19:00",
        "max_work_h": "10",
        "depot_site_id": str(depot_id),
    }


def _add(app, ids, barrier, outcomes) -> None:
    with app.app_context():
        dispatcher = db.session.get(User, ids[0])
        barrier.wait()
        try:
            trucks.add_truck(dispatcher, _form(ids[1]))
            outcomes.append("done")
        except Exception as exc:  # noqa: BLE001 - recorded, asserted below
            outcomes.append(getattr(exc, "code", type(exc).__name__))
        finally:
            db.session.remove()


def test_savers_of_one_plate_at_once_leave_one_truck(pg_app):
    app, ids = pg_app
    barrier, outcomes = threading.Barrier(SAVERS), []
    threads = [
        threading.Thread(target=_add, args=(app, ids, barrier, outcomes)) for _ in range(SAVERS)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes) == ["done"] + ["plate_taken"] * (SAVERS - 1)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).where(Truck.plate == PLATE)) == 1


def test_a_plate_stored_between_the_check_and_the_commit_is_refused_beside_it(pg_app, monkeypatch):
    """The other save commits after this one's check: the unique constraint refuses it, and
    the refusal is the check's own (the plate field, 409), the session usable after it."""
    app, ids = pg_app
    with app.app_context():
        depot = db.session.get(Site, ids[1])
        db.session.add(
            Truck(
                organisation_id=depot.organisation_id,
                depot_site_id=depot.id,
                plate=PLATE,
                payload_kg=5000,
                pallet_places=10,
            )
        )
        db.session.commit()
        real, calls = trucks._taken, []

        def first_saw_nothing(*args):  # the check before the insert ran before theirs
            calls.append(args)
            return None if len(calls) == 1 else real(*args)

        monkeypatch.setattr(trucks, "_taken", first_saw_nothing)
        with pytest.raises(Conflict) as refused:
            trucks.add_truck(db.session.get(User, ids[0]), _form(depot.id))
        assert refused.value.field == "plate" and refused.value.code == "plate_taken"
        assert len(calls) == 2  # the refusal came from the constraint, told as the check
        assert db.session.scalar(sa.select(sa.func.count()).where(Truck.plate == PLATE)) == 1
        db.session.remove()


def test_api_adds_of_one_plate_at_once_leave_one_truck_and_409s(pg_app):
    """The same race through POST /api/v1/trucks: one 201, the others 409 naming the plate."""
    from lithloop.services.accounts.api_tokens import issue_api_token

    app, ids = pg_app
    with app.app_context():
        token = issue_api_token(db.session.get(User, ids[0]), "race")
        db.session.commit()
        db.session.remove()
    body = {**_form(ids[1]), "payload_kg": 5000, "pallet_places": 10, "depot_site_id": ids[1]}
    barrier, answers = threading.Barrier(SAVERS), []

    def post() -> None:
        client = app.test_client()
        barrier.wait()
        answer = client.post(
            "/api/v1/trucks", json=body, headers={"Authorization": f"Bearer {token}"}
        )
        answers.append((answer.status_code, (answer.json or {}).get("field")))

    threads = [threading.Thread(target=post) for _ in range(SAVERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(answers, key=str) == [(201, None)] + [(409, "plate")] * (SAVERS - 1)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).where(Truck.plate == PLATE)) == 1
