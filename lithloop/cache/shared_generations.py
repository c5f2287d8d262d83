"""Write counters per table, shared by every worker, so no worker serves a stale cached read.

read_cache stamps each entry with these counters as they were before it read the database,
and every commit increments the counters of the tables it wrote, so an entry cached by one
worker is refused by all of them once any worker has committed a change to its tables:
a dealer who books on one worker sees the booking in the list served by the next.

CACHE_COUNTERS chooses where the counters live:
- a file (a path, or `file:` + path): a file that every process on this host maps into
  memory; reading is a memory access, counting a commit an fcntl lock. The default without
  REDIS_URL (`instance/cache-counters-<database id>`), and the fast choice for one host.
- `redis://…`: Redis, for workers on several hosts (one round trip per request that reads
  the cache). The default when REDIS_URL is set.
- `none`: this process only (other processes see changes within READ_CACHE_S).

Counters unreachable (Redis down): reads that need them are answered from the database,
never from a cache that cannot be checked, and increments are skipped; Redis is tried again
after RETRY_S. An increment lost that way, or counters lost with a Redis restart, leave an
entry served at most until its time-to-live ends, as with `none`.
"""

from __future__ import annotations

import fcntl
import hashlib
import logging
import mmap
import os
import struct
import threading
import time
import zlib
from collections.abc import Iterable
from pathlib import Path

import redis

RETRY_S = 5.0
TIMEOUT_S = 0.05
SLOTS = 1024  # tables hash to slots; two tables sharing one only clear each other more often
EXTENSION = "lithloop_shared_generations"
_THREADS = threading.Lock()
_files: dict[str, FileCounters] = {}  # one mapping per file and process, whatever the apps
log = logging.getLogger(__name__)


def database_id(database_uri: str) -> str:
    """A short name of the database, so that counters of different databases never mix."""
    return hashlib.sha256(database_uri.encode()).hexdigest()[:12]


class RedisCounters:
    """Table counters in Redis under a prefix of the database's identity."""

    def __init__(self, url: str, database_uri: str):
        self.client = redis.Redis.from_url(
            url, socket_timeout=TIMEOUT_S, socket_connect_timeout=TIMEOUT_S
        )
        self.prefix = f"lithloop:gen:{database_id(database_uri)}:"
        self.down_until = 0.0

    def read(self, tables: Iterable[str]) -> tuple[int, ...] | None:
        """The counters of the tables, or None while Redis cannot be reached."""
        if time.monotonic() < self.down_until:
            return None
        try:
            values = self.client.mget([self.prefix + t for t in tables])
        except redis.RedisError as exc:
            self._down(exc)
            return None
        return tuple(int(v or 0) for v in values)

    def bump(self, tables: Iterable[str]) -> None:
        """Count one committed write to each table (skipped while Redis is down)."""
        names = sorted(t for t in tables if t)
        if not names or time.monotonic() < self.down_until:
            return
        try:
            with self.client.pipeline(transaction=False) as pipe:
                for name in names:
                    pipe.incr(self.prefix + name)
                pipe.execute()
        except redis.RedisError as exc:
            self._down(exc)

    def _down(self, exc: Exception) -> None:
        self.down_until = time.monotonic() + RETRY_S
        log.warning("cache counters unavailable in Redis for %s s: %s", RETRY_S, exc)


class FileCounters:
    """Table counters in a file every process on this host maps into memory."""

    def __init__(self, path: str):
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        self.fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        size = SLOTS * 8
        if os.fstat(self.fd).st_size < size:  # growing an existing file keeps its counters
            os.ftruncate(self.fd, size)
        self.map = mmap.mmap(self.fd, size, mmap.MAP_SHARED)

    def close(self) -> None:
        """Unmap the file and close it."""
        self.map.close()
        os.close(self.fd)

    @staticmethod
    def _offset(table: str) -> int:
        return zlib.crc32(table.encode()) % SLOTS * 8

    def read(self, tables: Iterable[str]) -> tuple[int, ...]:
        """The counters of the tables (aligned 8-byte reads; no lock needed)."""
        return tuple(struct.unpack_from("<Q", self.map, self._offset(t))[0] for t in tables)

    def bump(self, tables: Iterable[str]) -> None:
        """Count one committed write to each table, under an exclusive lock on the file."""
        offsets = sorted({self._offset(t) for t in tables if t})
        if not offsets:
            return
        with _THREADS:  # fcntl locks exclude other processes, not this one's threads
            fcntl.lockf(self.fd, fcntl.LOCK_EX)
            try:
                for offset in offsets:
                    value = struct.unpack_from("<Q", self.map, offset)[0]
                    struct.pack_into("<Q", self.map, offset, (value + 1) % 2**64)
            finally:
                fcntl.lockf(self.fd, fcntl.LOCK_UN)


def _file_counters(path: str, configured: str) -> FileCounters:
    """The counters' file, or a refusal naming the variable that put it there."""
    try:
        return FileCounters(path)
    except OSError as error:
        from lithloop.settings_values import refuse

        if configured:
            expected = f"a file lithloop can write ({error})"
            raise refuse("CACHE_COUNTERS", configured, expected) from None
        folder = str(Path(path).parent)
        raise refuse("LITHLOOP_INSTANCE", folder, f"a writable folder ({error})") from None


def _where(config) -> str:
    """Where the counters live: "none", a Redis URL, or a file path."""
    database = str(config.get("SQLALCHEMY_DATABASE_URI", ""))
    return (
        config.get("CACHE_COUNTERS", "")
        or config.get("REDIS_URL", "")
        or str(Path(config["INSTANCE_PATH"]) / f"cache-counters-{database_id(database)}")
    )


def _is_redis(where: str) -> bool:
    return where.startswith(("redis://", "rediss://", "unix://"))


def check_counters_file(config) -> None:
    """Refuse a counters file that cannot be written, as a worker building the app would
    (gunicorn's master checks before starting workers: check_environment)."""
    where = _where(config)
    if where != "none" and not _is_redis(where):
        path = os.path.abspath(where.removeprefix("file:"))
        _file_counters(path, config.get("CACHE_COUNTERS", "")).close()


def init_app(app) -> None:
    """Put the app's counters where CACHE_COUNTERS says (see the module's docstring)."""
    where = _where(app.config)
    if where == "none":
        return
    if _is_redis(where):
        database = str(app.config.get("SQLALCHEMY_DATABASE_URI", ""))
        counters = RedisCounters(where, database)
    else:
        path = os.path.abspath(where.removeprefix("file:"))
        if path not in _files:
            _files[path] = _file_counters(path, app.config.get("CACHE_COUNTERS", ""))
        counters = _files[path]
    app.extensions[EXTENSION] = counters


def for_app(app) -> RedisCounters | FileCounters | None:
    """The app's shared counters, or None when they live in this process only."""
    return app.extensions.get(EXTENSION)
