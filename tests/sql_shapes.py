"""Which SQL statements each test sends, by shape, so that PostgreSQL runs a covering set.

Every test that takes the `backend` fixture runs on SQLite; on PostgreSQL only the tests
named in tests/pg_selection.txt (and the groups that are always run there, ALWAYS_ON_PG)
run again. The file is a cover, made by tools/pg_selection.py from a whole run's record:
every statement shape any test sends on SQLite is sent on PostgreSQL by a selected test.
A shape is the statement compiled for no particular database (binds as names, no values),
so the same query from SQLite and from PostgreSQL is one shape.

Each run records the shapes (this module's listener on every engine) and, at its end,
says in the terminal summary which shapes were sent on SQLite but by no test on
PostgreSQL, with the tests that sent them: add those to tests/pg_selection.txt, or run
`python tools/pg_selection.py` on the run's record (LITHLOOP_SQL_SHAPES=path.json).
LITHLOOP_PG_ALL=1 runs every test on PostgreSQL as well, as before the selection.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import default

SELECTION = Path(__file__).with_name("pg_selection.txt")
#: Run on PostgreSQL whole, whatever their statements: what depends on values the database
#: checks (NUL in text, lengths, integer ranges), on its migrations, or on its planner.
ALWAYS_ON_PG = (
    "tests/test_hostile_input.py",
    "tests/test_migrations.py",
    "tests/test_query_growth.py",
)
BACKEND_IDS = ("sqlite", "postgresql")
SQLITE_ONLY = "sqlite-only "
SCHEMA_WORDS = ("CREATE ", "DROP TA", "DROP TR", "DROP IN", "DROP DA", "ALTER T", "PRAGMA ")
_NEUTRAL = default.DefaultDialect()
_NEUTRAL.paramstyle = "named"

#: a statement's cache key (the same for every engine and dialect), or its text when it has
#: none -> its shape ("" for the schema's own): each is compiled for no dialect once
_shape_of_key: dict[object, str] = {}
_recording: set[str] | None = None
#: shape -> its SQL (the first 300 characters), for the report
texts: dict[str, str] = {}
#: (base test id, backend) -> (shapes, seconds)
record: dict[tuple[str, str], tuple[list[str], float]] = {}


def _shape(context) -> str | None:
    compiled = getattr(context, "compiled", None)
    if compiled is None or getattr(context, "isddl", False):
        return None
    cache_key = getattr(compiled, "cache_key", None)
    key = cache_key.key if cache_key is not None else compiled.string
    shape = _shape_of_key.get(key)
    if shape is None:
        shape = _shape_of_key[key] = _neutral_shape(compiled.statement)
    return shape or None


def _neutral_shape(statement) -> str:
    """The statement's shape: a hash of its SQL compiled for no dialect ("" for DDL)."""
    try:
        sql = str(statement.compile(dialect=_NEUTRAL))
    except Exception:  # a construct only its own dialect compiles (an upsert): by its table
        table = getattr(getattr(statement, "table", None), "name", "")
        sql = f"{type(statement).__name__} {table} (in the dialect's own form)"
    sql = " ".join(sql.split())
    if not sql or sql[:7].upper() in SCHEMA_WORDS:  # the schema's own (triggers, pragmas)
        return ""
    shape = hashlib.blake2b(sql.encode(), digest_size=8).hexdigest()
    texts.setdefault(shape, sql[:300])
    return shape


def _before_cursor_execute(conn, cursor, statement, parameters, context, executemany):
    if _recording is not None and (shape := _shape(context)) is not None:
        _recording.add(shape)


def install() -> None:
    """Listen to every engine's statements (recorded only while a test runs)."""
    sa.event.listen(sa.engine.Engine, "before_cursor_execute", _before_cursor_execute)


def split_id(item) -> tuple[str, str | None]:
    """(the test's id without its backend, the backend or None)."""
    callspec = getattr(item, "callspec", None)
    backend = callspec.params.get("backend") if callspec is not None else None
    if backend not in BACKEND_IDS:
        return item.nodeid, None
    name, _, params = item.nodeid.partition("[")
    rest = [p for p in params.rstrip("]").split("-") if p != backend]
    return (f"{name}[{'-'.join(rest)}]" if rest else name), backend


def _lines() -> list[str]:
    if not SELECTION.exists():
        return []
    lines = SELECTION.read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def selected() -> set[str] | None:
    """The tests that run on PostgreSQL too, or None when every test does."""
    if os.environ.get("LITHLOOP_PG_ALL", "") not in ("", "0") or not SELECTION.exists():
        return None
    return {line for line in _lines() if not line.startswith(SQLITE_ONLY)}


def sqlite_only() -> set[str]:
    """The shapes only SQLite is sent (its own code paths), by the selection's record."""
    return {line.split()[1] for line in _lines() if line.startswith(SQLITE_ONLY)}


def runs_on_pg(base_id: str, chosen: set[str]) -> bool:
    """Whether a test that runs on both backends is in PostgreSQL's covering set."""
    return base_id.startswith(ALWAYS_ON_PG) or base_id in chosen


class Recording:
    """Record one test's shapes (setup, call and teardown) under its id and backend."""

    def __init__(self, item):
        self.base, self.backend = split_id(item)

    def __enter__(self):
        global _recording
        self.started = time.perf_counter()
        _recording = set() if self.backend else None
        return self

    def __exit__(self, *exc):
        global _recording
        if self.backend and _recording is not None:
            seconds = time.perf_counter() - self.started
            record[(self.base, self.backend)] = (sorted(_recording), seconds)
        _recording = None


def write_part(folder: Path, worker: str) -> None:
    """This process's record, for the controller to merge."""
    folder.mkdir(parents=True, exist_ok=True)
    rows = [
        [base, backend, shapes, seconds] for (base, backend), (shapes, seconds) in record.items()
    ]
    part = {"rows": rows, "texts": texts}
    (folder / f"{worker}.json").write_text(json.dumps(part), encoding="utf-8")


def merge(folder: Path) -> dict:
    """Every process's record: {"rows": [...], "texts": {...}}."""
    rows, all_texts = [], {}
    for path in sorted(folder.glob("*.json")):
        part = json.loads(path.read_text(encoding="utf-8"))
        rows += part["rows"]
        all_texts.update(part["texts"])
    return {"rows": rows, "texts": all_texts}


def uncovered(merged: dict, known: frozenset[str] = frozenset()) -> dict[str, list[str]]:
    """Shapes sent on SQLite and by no test on PostgreSQL (`known`: SQLite's own, left out)
    -> the tests that sent them."""
    on_pg = set(known) | {
        s for _, backend, shapes, _ in merged["rows"] if backend == "postgresql" for s in shapes
    }
    missing: dict[str, list[str]] = {}
    for base, backend, shapes, _ in merged["rows"]:
        if backend == "sqlite":
            for shape in shapes:
                if shape not in on_pg:
                    missing.setdefault(shape, []).append(base)
    return missing
