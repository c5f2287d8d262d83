"""A short-lived, per-process cache of read results (calendar, catalog, users, lists).

An entry lives READ_CACHE_S seconds (0 turns the cache off) and is dropped at once when
this process writes to a table it was read from: every flush, ORM bulk update or delete
and the commit or rollback after it bumps the generation of the tables it touched. Every
commit also counts in counters all processes share (shared_generations.py: a mapped file
on one host, Redis across hosts), so other processes (gunicorn workers) drop the entry at
once too; with CACHE_COUNTERS=none they see a change within READ_CACHE_S at most, and
reads that must never be stale across workers (`shared_only`) are not cached at all. The writes
themselves never read from here (bookings lock the day's row, checkout locks the packs).
Entries hold plain data, or detached ORM snapshots that are only ever merged into a
session with load=False (user_snapshots.py), never attached or changed themselves.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable

import sqlalchemy as sa
from flask import current_app, g, has_app_context, has_request_context
from sqlalchemy.orm import Session

from lithloop.cache import shared_generations

EXTENSION = "lithloop_read_cache"
MAX_ENTRIES = 256
G_COUNTERS = "lithloop_shared_counters"
_generations: defaultdict[str, int] = defaultdict(int)  # table name -> writes seen
_cached_tables: set[str] = set()  # tables this process has cached reads of


def _bump(tables: Iterable[str]) -> None:
    for table in tables:
        _generations[table] += 1


def _store() -> dict:
    return current_app.extensions.setdefault(EXTENSION, {})


def cached(
    name: str,
    key: Hashable,
    tables: tuple[str, ...],
    compute: Callable,
    ttl: float | None = None,
    keep: Callable = lambda value: True,
    shared_only: bool = False,
):
    """compute() once per `ttl` (READ_CACHE_S) seconds for (name, key), unless `tables`
    changed; a value that `keep` refuses is returned but not stored. `shared_only`: cache
    only where every worker's commits are counted (shared counters), else compute()."""
    if ttl is None:
        ttl = float(current_app.config.get("READ_CACHE_S", 0))
    shared = shared_generations.for_app(current_app)
    if ttl <= 0 or (shared_only and shared is None):
        return compute()
    stamp = tuple(_generations[t] for t in tables)
    if shared is not None:  # read before compute(): a commit after this makes it stale
        counters = _shared_counters(shared, tables)
        if counters is None:
            return compute()
        stamp += counters
    store, now = _store(), time.monotonic()
    entry = store.get((name, key))
    if entry is not None and entry[0] == stamp and entry[1] > now:
        return entry[2]
    value = compute()
    if not keep(value):
        return value
    if len(store) >= MAX_ENTRIES:
        store.clear()
    store[(name, key)] = (stamp, now + ttl, value)
    return value


def _shared_counters(shared, tables: tuple[str, ...]) -> tuple[int, ...] | None:
    """The shared counters of `tables`: read once per request (one Redis round trip at most)
    for every table this process caches reads of, at its first cached read (never late)."""
    _cached_tables.update(tables)
    if not has_request_context():
        return shared.read(tables)
    snapshot = g.get(G_COUNTERS)
    if snapshot is None or not all(t in snapshot for t in tables):
        names = sorted(_cached_tables)
        values = shared.read(names)
        if values is None:
            return None
        snapshot = dict(zip(names, values, strict=True))
        setattr(g, G_COUNTERS, snapshot)
    return tuple(snapshot[t] for t in tables)


@sa.event.listens_for(Session, "after_flush")
def _after_flush(session, flush_context) -> None:
    tables = {
        getattr(obj, "__tablename__", "")
        for obj in (*session.new, *session.dirty, *session.deleted)
    }
    _bump(tables)
    session.info.setdefault(EXTENSION, set()).update(tables)


@sa.event.listens_for(Session, "do_orm_execute")
def _bulk_write(state) -> None:
    if state.is_update or state.is_delete or state.is_insert:
        table = getattr(state.statement, "table", None)
        names = {getattr(table, "name", "")} if table is not None else set()
        _bump(names)
        state.session.info.setdefault(EXTENSION, set()).update(names)


def _after_commit(session) -> None:
    # Bump again when the transaction ends, so a read made between the flush and the commit
    # is not served afterwards; and tell the other workers.
    tables = session.info.pop(EXTENSION, ())
    _bump(tables)
    if tables and has_app_context() and (shared := shared_generations.for_app(current_app)):
        shared.bump(tables)


def _after_rollback(session, previous_transaction) -> None:
    # A read of rows that were then rolled back must not be served either. A savepoint's
    # rollback keeps the list: the outer transaction may still commit what it flushed.
    tables = session.info.get(EXTENSION, set())
    _bump(tables)
    if not previous_transaction.nested:
        session.info.pop(EXTENSION, None)


sa.event.listen(Session, "after_commit", _after_commit)
sa.event.listen(Session, "after_soft_rollback", _after_rollback)
