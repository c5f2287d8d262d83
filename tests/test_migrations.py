"""Migrations apply from empty on SQLite and PostgreSQL, and match the models exactly."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from lithloop.extensions import db
from tests.conftest import PG_URL, fresh_pg_database, make_app


@pytest.fixture(params=["sqlite"] + (["postgresql"] if PG_URL else []))
def empty_database(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'migrate.sqlite3'}"
        return
    with fresh_pg_database("lithloop_mig") as url:
        yield url


def test_upgrade_from_empty_has_no_drift_and_downgrades(empty_database):
    app = make_app(empty_database)
    with app.app_context():
        upgrade()
        with db.engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            drift = compare_metadata(context, db.metadata)
        assert drift == [], f"models and migrations differ: {drift}"
        tables = set(sa.inspect(db.engine).get_table_names())
        assert {"organisation", "user", "site", "truck", "api_token"} <= tables
        downgrade(revision="base")
        assert set(sa.inspect(db.engine).get_table_names()) <= {"alembic_version"}
        db.engine.dispose()


def test_0019_keeps_the_plan_published_last_when_a_day_has_several(empty_database):
    # Two drafts of a day could both be published before migration 0019 (issue 17): the
    # upgrade keeps the one published last and supersedes the other, then adds the index.
    app = make_app(empty_database)
    with app.app_context():
        upgrade(revision="0014")
        with db.engine.begin() as conn:
            conn.execute(
                sa.text(
                    "INSERT INTO organisation (id, name, kind, status, city, phone, taxpayer_id, "
                    "created_at) VALUES (1, 'park', 'park_operator', 'active', '', '', '', "
                    "'2026-12-01 00:00:00')"
                )
            )
            conn.execute(
                sa.text(
                    'INSERT INTO "user" (id, email, name, password_hash, role, organisation_id, '
                    "enabled, failed_logins, created_at) VALUES (1, 'd@x', 'd', 'x', 'dispatcher', "
                    "1, true, 0, '2026-12-01 00:00:00')"
                )
            )
            for plan_id, published_at in (
                (1, "2026-12-06 09:00:00"),
                (2, "2026-12-06 08:00:00"),
                (3, None),
            ):
                conn.execute(
                    sa.text(
                        "INSERT INTO plan_run (id, plan_date, status, time_limit_s, horizon_days, "
                        "runner, progress, log, error, cancel_requested, created_by_id, "
                        "created_at) "
                        "VALUES (:id, '2026-12-07', 'succeeded', 1, 1, 'thread', '[]', '', '', "
                        "false, 1, '2026-12-01 00:00:00')"
                    ),
                    {"id": plan_id},
                )
                conn.execute(
                    sa.text(
                        "INSERT INTO plan (id, run_id, plan_date, status, distance_m, duration_s, "
                        "cost_fen, collected_kg, solution, published_at, created_at) VALUES "
                        "(:id, :id, '2026-12-07', :status, 0, 0, 0, 0, '{}', :at, "
                        "'2026-12-01 00:00:00')"
                    ),
                    {
                        "id": plan_id,
                        "at": published_at,
                        "status": "published" if published_at else "draft",
                    },
                )
        upgrade(revision="0019")
        with db.engine.connect() as conn:
            statuses = dict(conn.execute(sa.text("SELECT id, status FROM plan ORDER BY id")).all())
        assert statuses == {1: "published", 2: "superseded", 3: "draft"}
        downgrade(revision="base")
        db.engine.dispose()
