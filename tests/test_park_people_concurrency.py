"""Two administrators of the park demoting each other at the same moment leave one
administrator (PostgreSQL only: SQLite ignores FOR UPDATE; both lock the park's row)."""

from __future__ import annotations

import sqlalchemy as sa

from lithloop.extensions import db
from lithloop.models import OrgKind, Role, User
from lithloop.services.accounts import park_people
from tests.conftest import app_on_own_pg_database
from tests.factories import make_org, make_user
from tests.test_colleague_concurrency import _together


def test_two_admins_demoting_each_other_at_once_leave_one_admin(pg_database_url):
    def seed():
        org = make_org(OrgKind.PARK_OPERATOR)
        first, second = make_user(org, role=Role.ADMIN), make_user(org, role=Role.ADMIN)
        db.session.commit()
        return first.id, second.id

    with app_on_own_pg_database("lithloop_pp", seed) as (app, (first, second)):

        def demotes(actor_id, other_id):
            return lambda: park_people.change_role(
                db.session.get(User, actor_id), other_id, "dispatcher"
            )

        outcomes = _together(app, [demotes(first, second), demotes(second, first)])
        # the one that waited is no administrator any more when its turn comes
        assert outcomes == ["done", "forbidden"], outcomes
        with app.app_context():
            admins = db.session.scalars(sa.select(User.id).where(User.role == Role.ADMIN)).all()
        assert len(admins) == 1
