"""One use case, one transaction: commit what it did, or roll all of it back."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from lithloop.extensions import db

T = TypeVar("T")


def atomic(work: Callable[[], T]) -> T:
    """Run `work` and commit; on any exception roll back and re-raise."""
    try:
        result = work()
        db.session.commit()
    except BaseException:  # a PaymentError or a bug too: no transaction left open, no lock held
        db.session.rollback()
        raise
    return result


def write_lock_on_sqlite() -> None:
    """On SQLite, begin this transaction as a writer (BEGIN IMMEDIATE) unless it already is.

    SQLite drops FOR UPDATE: two transactions could both read "no draft yet" and both write
    one. Taking the database's write lock before reading makes the second wait until the
    first commits, and then read what it wrote (PostgreSQL: the row locks do this)."""
    if db.session.get_bind().dialect.name != "sqlite":
        return
    raw = db.session.connection().connection.driver_connection
    if not raw.in_transaction:
        raw.execute("BEGIN IMMEDIATE")
