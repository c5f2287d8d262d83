"""The SQL statements an engine sends while a block runs, for tests that count queries or
prove that a request writes nothing."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

import sqlalchemy as sa

from lithloop.extensions import db

WRITES = ("INSERT", "UPDATE", "DELETE", "MERGE", "REPLACE")


def is_write(statement: str) -> bool:
    """Whether the statement changes data (its first word is a write)."""
    return statement.lstrip().split(" ", 1)[0].upper() in WRITES


def first_line(statement: str) -> str:
    """The statement's first line, cut to 120 characters: enough to name it in a message."""
    return statement.lstrip().split("\n")[0][:120]


@contextmanager
def sent_statements(target, keep: Callable[[str], bool] | None = None) -> Iterator[list[str]]:
    """The statements (those `keep` accepts) sent by `target`'s engine while the block
    runs; `target` is a Flask app (the engine it serves with) or an engine."""
    if isinstance(target, sa.engine.Engine):
        engine = target
    else:
        with target.app_context():  # the served app's engine, not the test's twin
            engine = db.engine
    sent: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        if keep is None or keep(statement):
            sent.append(statement)

    sa.event.listen(engine, "before_cursor_execute", record)
    try:
        yield sent
    finally:
        sa.event.remove(engine, "before_cursor_execute", record)
