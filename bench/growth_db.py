"""A named scratch database for bench/data_growth.py that outlives the run, with its world.

`--keep-db NAME` builds into the database NAME and leaves it; `--reuse NAME` measures it
again without rebuilding. The matrix world (the ids the URLs are filled with) is kept as
JSON in the database's own comment, so the database is all there is to keep.
"""

from __future__ import annotations

import json

import sqlalchemy as sa

from lithloop.extensions import db
from lithloop.models import Role, User
from tests.authz_world import World
from tests.conftest import PG_URL, _admin_url


def _admin():
    return sa.create_engine(_admin_url(PG_URL), isolation_level="AUTOCOMMIT")


def url_of(name: str) -> str:
    """The URL of the database NAME on TEST_DATABASE_URL's server."""
    return _admin_url(PG_URL).set(database=name).render_as_string(hide_password=False)


def create(name: str) -> str:
    """Create the empty database NAME (refused if it exists) and return its URL."""
    admin = _admin()
    with admin.connect() as conn:
        if conn.scalar(sa.text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}):
            raise SystemExit(f"database {name} exists: --reuse it, or drop it first")
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return url_of(name)


def save_world(name: str, world: World) -> None:
    """Keep the world's ids in the database's comment."""
    data = {
        "users": {role.value: user.id for role, user in world.users.items()},
        "own": {k: {r.value: v for r, v in d.items()} for k, d in world.own.items()},
        "other": world.other,
        "values": world.values,
    }
    text = json.dumps(data, default=str).replace("'", "''")
    admin = _admin()
    with admin.connect() as conn:
        conn.execute(sa.text(f"COMMENT ON DATABASE \"{name}\" IS '{text}'"))
    admin.dispose()


def load_world(name: str) -> World:
    """The world saved with the database NAME (in an app context of that database)."""
    admin = _admin()
    with admin.connect() as conn:
        text = conn.scalar(
            sa.text(
                "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = :n"
            ),
            {"n": name},
        )
    admin.dispose()
    if not text:
        raise SystemExit(f"database {name} has no saved world: build it with --keep-db {name}")
    data = json.loads(text)
    users = {Role(r): db.session.get(User, i) for r, i in data["users"].items()}
    own = {k: {Role(r): v for r, v in d.items()} for k, d in data["own"].items()}
    return World(users=users, own=own, other=data["other"], values=data["values"])
