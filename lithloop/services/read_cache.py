"""A short-lived, per-process cache of read results (the calendar, the catalog).

An entry lives READ_CACHE_S seconds (0 turns the cache off) and is dropped at once when
this process writes to a table it was read from: every flush, ORM bulk update or delete
and the commit or rollback after it bumps the generation of the tables it touched. Other
processes (gunicorn workers) see a change within READ_CACHE_S at most; the writes
themselves never read from here (bookings lock the day's row, checkout locks the packs).
Entries hold plain data, never ORM objects.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import Session

EXTENSION = "lithloop_read_cache"
MAX_ENTRIES = 256
_generations: defaultdict[str, int] = defaultdict(int)  # table name -> writes seen


def _bump(tables: Iterable[str]) -> None:
    for table in tables:
        _generations[table] += 1


def _store() -> dict:
    return current_app.extensions.setdefault(EXTENSION, {})


def cached(name: str, key: Hashable, tables: tuple[str, ...], compute: Callable):
    """compute() once per READ_CACHE_S seconds for (name, key), unless `tables` changed."""
    ttl = float(current_app.config.get("READ_CACHE_S", 0))
    if ttl <= 0:
        return compute()
    store, stamp, now = _store(), tuple(_generations[t] for t in tables), time.monotonic()
    entry = store.get((name, key))
    if entry is not None and entry[0] == stamp and entry[1] > now:
        return entry[2]
    value = compute()
    if len(store) >= MAX_ENTRIES:
        store.clear()
    store[(name, key)] = (stamp, now + ttl, value)
    return value


@sa.event.listens_for(Session, "after_flush")
def _after_flush(session, flush_context) -> None:
    tables = {getattr(obj, "__tablename__", "") for obj in
              (*session.new, *session.dirty, *session.deleted)}
    _bump(tables)
    session.info.setdefault(EXTENSION, set()).update(tables)


@sa.event.listens_for(Session, "do_orm_execute")
def _bulk_write(state) -> None:
    if state.is_update or state.is_delete or state.is_insert:
        table = getattr(state.statement, "table", None)
        names = {getattr(table, "name", "")} if table is not None else set()
        _bump(names)
        state.session.info.setdefault(EXTENSION, set()).update(names)


def _end(session, *args) -> None:
    # Bump again when the transaction ends, so a read made between the flush and the commit
    # (or of rows that were then rolled back) is not served afterwards.
    _bump(session.info.pop(EXTENSION, ()))


sa.event.listen(Session, "after_commit", _end)
sa.event.listen(Session, "after_soft_rollback", _end)
