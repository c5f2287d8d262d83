"""/healthz tells the load balancer that a database not migrated for this code cannot be
served from: before, it answered 200 "ok" while every page failed on a missing table."""

from __future__ import annotations

import sqlalchemy as sa
from alembic.script import ScriptDirectory
from flask_migrate import upgrade

from lithloop.config import asset_dir
from lithloop.extensions import db
from tests.conftest import make_app


def test_a_database_never_migrated_is_503_saying_what_to_run(tmp_path):
    app = make_app(f"sqlite:///{tmp_path / 'empty.sqlite3'}")
    response = app.test_client().get("/healthz")
    assert response.status_code == 503, response.json
    assert response.json == {"status": "error", "database": "not migrated: run `flask db upgrade`"}


def test_pending_migrations_are_503_until_upgraded(tmp_path):
    app = make_app(f"sqlite:///{tmp_path / 'behind.sqlite3'}")
    (head,) = ScriptDirectory(str(asset_dir("migrations"))).get_heads()
    with app.app_context():
        upgrade(revision="0036")
        db.session.remove()
    response = app.test_client().get("/healthz")
    assert response.status_code == 503, response.json
    assert response.json["database"] == (
        f"migrations pending (at 0036, this code needs {head}): run `flask db upgrade`"
    )
    with app.app_context():
        upgrade()
        db.session.remove()
    response = app.test_client().get("/healthz")
    assert response.status_code == 200 and response.json["status"] == "ok", response.json
    with app.app_context():  # a newer release migrated it: this one may still serve
        db.session.execute(sa.text("UPDATE alembic_version SET version_num = '9999'"))
        db.session.commit()
    assert app.test_client().get("/healthz").status_code == 200
