"""The demo region seeded once per pytest worker and backend, then copied into each test.

Seeding the demo runs the whole chain (and, with activity, a routing solve): seconds per
test. The first test that asks for a demo seeds it for real into its own database; that
database is then kept as a template (an SQLite file; on PostgreSQL, a copy of every table in
a schema of the worker's database), and every later test gets a fresh copy of it, loaded
into its own empty database before its body runs, so tests that change the demo stay
isolated. A copy is only reused for the same seed, password and activity and the same
clock: the frozen moment when a test froze it, the park's day otherwise (the seed writes
today's bookings and plan).
"""

from __future__ import annotations

import copy
import sqlite3
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa

from lithloop import clock
from lithloop.extensions import db

_REAL_NOW = clock.now  # the clock before any test froze it


def clock_key() -> object:
    """The moment the clock is frozen at, or the park's day when it runs."""
    return clock.today() if clock.now is _REAL_NOW else clock.now()


@dataclass
class DemoCopies:
    """Seeded demos of this pytest process: key -> (template, seed_demo's summary)."""

    folder: Path
    made: dict[tuple, tuple[str, object]] = field(default_factory=dict)

    def seed(self, served, backend: str, **kwargs):
        """seed_demo(**kwargs) into the current app context's database, empty before: a
        copy of this process's earlier seeding when there was one. `served`: the test's
        other app on the same database (its pooled connections are closed on SQLite)."""
        from lithloop.demo import seed_demo

        key = (backend, clock_key(), *sorted(kwargs.items()))
        db.session.remove()
        if key in self.made:
            template, summary = self.made[key]
            if backend == "sqlite":
                _load_sqlite(served, template)
            else:
                _load_pg(template)
            return copy.deepcopy(summary)
        summary = seed_demo(**kwargs)
        db.session.remove()
        name = f"demo_{len(self.made)}"
        template = _save_sqlite(self.folder / f"{name}.sqlite3") if backend == "sqlite" else name
        if backend != "sqlite":
            _save_pg(name)
        self.made[key] = (template, summary)
        return copy.deepcopy(summary)


_of_process: DemoCopies | None = None


def of_process(tmp_path_factory) -> DemoCopies:
    """This pytest process's demo copies, made on first use (the `demo_copies` fixture's,
    and the authorisation world's: tests/test_authz_matrix.py)."""
    global _of_process
    if _of_process is None:
        _of_process = DemoCopies(tmp_path_factory.mktemp("demo"))
    return _of_process


def _sqlite_file(engine: sa.Engine) -> str:
    path = engine.url.database
    assert path and path != ":memory:", "demo copies need an SQLite file"
    return path


def _save_sqlite(target: Path) -> str:
    _backup(_sqlite_file(db.engine), str(target))
    return str(target)


def _load_sqlite(served, template: str) -> None:
    db.engine.dispose()
    with served.app_context():
        db.engine.dispose()
    _backup(template, _sqlite_file(db.engine))


def _backup(source_file: str, dest_file: str) -> None:
    with closing(sqlite3.connect(source_file)) as source:
        with closing(sqlite3.connect(dest_file)) as dest:
            source.backup(dest)


def _sequences(conn) -> dict[str, int | None]:
    rows = conn.execute(
        sa.text("SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = 'public'")
    )
    return dict(rows.all())


_pg_sequences: dict[str, dict[str, int | None]] = {}


def _save_pg(schema: str) -> None:
    with db.engine.begin() as conn:
        conn.execute(sa.text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
        for table in db.metadata.sorted_tables:
            conn.execute(sa.text(f'CREATE TABLE "{schema}"."{table.name}" AS TABLE "{table.name}"'))
        _pg_sequences[schema] = _sequences(conn)


def _load_pg(schema: str) -> None:
    with db.engine.begin() as conn:
        conn.execute(sa.text("SET LOCAL session_replication_role = replica"))  # no FK order
        for table in db.metadata.sorted_tables:
            name = table.name  # the models' table names, not input
            conn.execute(sa.text(f'INSERT INTO "{name}" SELECT * FROM "{schema}"."{name}"'))  # noqa: S608
        for name, last in _pg_sequences[schema].items():
            if last is not None:
                conn.execute(sa.text("SELECT setval(:name, :last)"), {"name": name, "last": last})
