"""/healthz: is the app up, can it reach its database, and is that database migrated?"""

from __future__ import annotations

from functools import cache

import sqlalchemy as sa
from flask import Blueprint, jsonify

from lithloop.extensions import db

bp = Blueprint("health", __name__)
UPGRADE = "run `flask db upgrade`"


@cache
def code_revisions() -> tuple[frozenset[str], frozenset[str]]:
    """The migrations this code ships: (its heads, every revision it knows)."""
    from alembic.script import ScriptDirectory

    from lithloop.config import asset_dir

    scripts = ScriptDirectory(str(asset_dir("migrations")))
    known = frozenset(script.revision for script in scripts.walk_revisions())
    return frozenset(scripts.get_heads()), known


def schema_problem() -> str | None:
    """Why this code cannot serve from the database's schema, or None.

    A database no migration has touched, or one at a revision older than this code's, is
    a problem: pages would fail on missing tables or columns while the process looks up.
    One at a revision this code does not know (a newer release migrated it) is not."""
    tables = sa.inspect(db.session.connection())
    stored = set()
    if tables.has_table("alembic_version"):
        stored = set(db.session.scalars(sa.text("SELECT version_num FROM alembic_version")))
    if not stored:
        if tables.has_table("organisation"):
            return None  # made without Alembic (create_all), as the tests make theirs
        return f"not migrated: {UPGRADE}"
    heads, known = code_revisions()
    if stored != heads and stored <= known:
        at, needs = " + ".join(sorted(stored)), " + ".join(sorted(heads))
        return f"migrations pending (at {at}, this code needs {needs}): {UPGRADE}"
    return None


@bp.get("/healthz")
def healthz():
    """200 when the database answers with the schema this code needs, 503 otherwise."""
    try:
        db.session.execute(sa.text("SELECT 1"))
        problem = schema_problem()
    except sa.exc.SQLAlchemyError as exc:
        db.session.rollback()
        return jsonify(status="error", database=type(exc).__name__), 503
    if problem:
        return jsonify(status="error", database=problem), 503
    return jsonify(status="ok", database="ok", backend=db.engine.dialect.name)
