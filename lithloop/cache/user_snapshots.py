"""Who is calling, without a query: users kept per worker as detached snapshots.

Every API call (its bearer token) and every page (its session) needs its user and the
user's organisation. For USER_CACHE_S seconds a worker keeps a detached copy of both and
merges it into the request's session without a query (`Session.merge(load=False)`). The
copy is dropped as soon as any worker commits to api_token, user, organisation or
ended_session (the read cache's shared counters), so a disabled account, a rejected
organisation, a revoked token, a bumped session version or a logged-out session is refused
on the next request; with CACHE_COUNTERS=none other workers' changes
apply within USER_CACHE_S. USER_CACHE_S=0 looks the user up on every request.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import attributes, make_transient_to_detached

from lithloop.cache import read_cache
from lithloop.extensions import db
from lithloop.models import User

TABLES = ("api_token", "user", "organisation", "ended_session")


def cached_user(name: str, key: Hashable, load: Callable[[], User | None]) -> User | None:
    """load() (an active user or None), served from this worker's snapshot when valid."""
    ttl = float(current_app.config.get("USER_CACHE_S", 0))
    if ttl <= 0:
        return load()
    copy = read_cache.cached(
        name, key, TABLES, lambda: snapshot(load()), ttl=ttl, keep=lambda value: value is not None
    )
    return None if copy is None else attach(copy)


def attach(copy: User) -> User:
    """The request's own instance of a cached snapshot (no query)."""
    return db.session.merge(copy, load=False)


def snapshot(user: User | None) -> User | None:
    """A detached copy of the user with the organisation, or None."""
    if user is None:
        return None
    copy = _detached_copy(user)
    attributes.set_committed_value(copy, "organisation", _detached_copy(user.organisation))
    return copy


def _detached_copy(obj):
    # Columns only, set as if loaded (no history, no backref events), then given its
    # identity: merge(load=False) accepts it as a clean row from the database.
    mapper = sa.inspect(obj).mapper
    copy = mapper.class_manager.new_instance()
    for column in mapper.column_attrs:
        attributes.set_committed_value(copy, column.key, getattr(obj, column.key))
    make_transient_to_detached(copy)
    return copy
