"""Replaying the past: the one clock stood at chosen moments while the demo seeds history.

The demo takes its stock through the real services weeks before "today"; every service asks
`clock.now()`, so standing the clock at each step's moment gives every row and event the
time it would have had (stored in UTC, as always). The clock the caller had (the real one,
or a test's frozen one) comes back when the replay ends, even on an error.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta

import sqlalchemy as sa

from lithloop import clock


class Replay:
    """A clock that stands where the demo puts it."""

    def __init__(self, start: datetime):
        self.moment = start

    def now(self) -> datetime:
        """The instant the replay stands at (aware UTC)."""
        return self.moment

    def at(self, day: date, hour: int, minute: int = 0) -> datetime:
        """Stand at a wall-clock time of the park's zone on `day`; returns the UTC instant."""
        self.moment = clock.at(day, hour * 3600 + minute * 60)
        return self.moment

    def tick(self, minutes: int = 1) -> datetime:
        """Move on a few minutes (consecutive steps keep their order)."""
        self.moment += timedelta(minutes=minutes)
        return self.moment


@contextmanager
def replaying(day: date, hour: int = 9) -> Iterator[Replay]:
    """Stand lithloop's clock at `hour` on `day` until the block ends, then give it back."""
    replay = Replay(clock.at(day, hour * 3600))
    saved = clock.now
    clock.now = replay.now
    try:
        yield replay
    finally:
        clock.now = saved


@contextmanager
def unsynced_commits(engine: sa.Engine) -> Iterator[None]:
    """Commit without waiting for the disk while the block runs (SQLite's synchronous=OFF,
    PostgreSQL's synchronous_commit=off), then close the pool so that every later
    connection commits durably again.

    The replay makes a couple of hundred small transactions, as the users would; waiting
    for the disk after each one costs seconds, and a demo cut short by a crash is seeded
    again anyway."""
    setting = {
        "sqlite": "PRAGMA synchronous=OFF",
        "postgresql": "SET synchronous_commit TO OFF",
    }.get(engine.dialect.name)

    def on_checkout(dbapi_connection, _record, _proxy) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute(setting)
        cursor.close()

    if setting is None:
        yield
        return
    sa.event.listen(engine, "checkout", on_checkout)
    try:
        yield
    finally:
        sa.event.remove(engine, "checkout", on_checkout)
        engine.dispose()  # the connections that skipped the disk go
