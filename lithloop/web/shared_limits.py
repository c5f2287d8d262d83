"""A `limits` storage in an SQLite file, shared by every process on one host.

`sqlitefile:///path/rate-limits.sqlite3`: the default rate-limit storage without REDIS_URL,
so that a limit like LOGIN_RATE_LIMIT counts the attempts of every gunicorn worker
together (the `memory://` storage counts per process: with two workers twice as many got
through). Each hit is one short IMMEDIATE transaction in WAL mode; only the few limited
routes pay for it. Several hosts need Redis (REDIS_URL).
"""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from pathlib import Path

from limits.storage import Storage

SCHEMA = (
    "CREATE TABLE IF NOT EXISTS hits (key TEXT PRIMARY KEY, count INTEGER NOT NULL, "
    "expires REAL NOT NULL)"
)


class SQLiteFileStorage(Storage):
    """Fixed-window counters in an SQLite file (one connection per process and thread)."""

    STORAGE_SCHEME = ["sqlitefile"]

    def __init__(self, uri: str, wrap_exceptions: bool = False, **options):
        super().__init__(uri, wrap_exceptions, **options)
        self.path = uri.removeprefix("sqlitefile://")
        Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        self._local = threading.local()
        self._conn().execute(SCHEMA)

    @property
    def base_exceptions(self):
        return sqlite3.Error

    def _conn(self) -> sqlite3.Connection:
        owner = getattr(self._local, "owner", None)
        if owner != os.getpid():  # a forked worker never shares its parent's connection
            conn = sqlite3.connect(self.path, timeout=2.0, isolation_level=None)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")  # a count lost at power loss is fine
            self._local.conn, self._local.owner = conn, os.getpid()
        return self._local.conn

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        """Add `amount` to the key's count in its window (a new window once it expired)."""
        now, conn = time.time(), self._conn()
        conn.execute("BEGIN IMMEDIATE")
        try:
            row = conn.execute("SELECT count, expires FROM hits WHERE key = ?", (key,)).fetchone()
            if row is None or row[1] <= now:
                count = amount
                conn.execute(
                    "INSERT OR REPLACE INTO hits VALUES (?, ?, ?)", (key, count, now + expiry)
                )
                conn.execute("DELETE FROM hits WHERE expires <= ?", (now,))
            else:
                count = row[0] + amount
                conn.execute("UPDATE hits SET count = ? WHERE key = ?", (count, key))
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        return count

    def get(self, key: str) -> int:
        """The key's count in its current window (0 once expired)."""
        row = (
            self._conn().execute("SELECT count, expires FROM hits WHERE key = ?", (key,)).fetchone()
        )
        return row[0] if row and row[1] > time.time() else 0

    def get_expiry(self, key: str) -> float:
        """When the key's window ends (now if it has none)."""
        row = self._conn().execute("SELECT expires FROM hits WHERE key = ?", (key,)).fetchone()
        return row[0] if row else time.time()

    def check(self) -> bool:
        """True when the file answers."""
        try:
            self._conn().execute("SELECT 1")
        except sqlite3.Error:
            return False
        return True

    def reset(self) -> int | None:
        """Forget every count."""
        return self._conn().execute("DELETE FROM hits").rowcount

    def clear(self, key: str) -> None:
        """Forget one key's count."""
        self._conn().execute("DELETE FROM hits WHERE key = ?", (key,))
