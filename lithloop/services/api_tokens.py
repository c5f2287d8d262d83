"""API bearer tokens: issue one, and find the user a token belongs to (cached per worker).

Every API call authenticates, so the lookup is cached: for API_TOKEN_CACHE_S seconds a
worker keeps a detached snapshot of the token's user and organisation and merges a copy
into the request's session without a query (`Session.merge(load=False)`). The snapshot is
dropped at once when this worker writes to api_token, user or organisation (read_cache's
table generations); another worker's change (a disabled account, a suspended
organisation, a revoked token) takes effect within API_TOKEN_CACHE_S at most.
API_TOKEN_CACHE_S=0 looks every token up.
"""

from __future__ import annotations

import hashlib
import secrets

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import attributes, make_transient_to_detached

from lithloop.extensions import db
from lithloop.models import ApiToken, User
from lithloop.services import read_cache

TOKEN_PREFIX = "llk_"  # noqa: S105 (a prefix, not a secret)
TABLES = ("api_token", "user", "organisation")


def token_hash(plain: str) -> str:
    """The stored form of a token: its SHA-256, hex."""
    return hashlib.sha256(plain.encode()).hexdigest()


def issue_api_token(user: User, name: str = "") -> str:
    """Create an API token for the user and return it; it is shown once, then only hashed."""
    plain = TOKEN_PREFIX + secrets.token_urlsafe(32)
    db.session.add(ApiToken(user=user, name=name[:100], prefix=plain[:12],
                            token_hash=token_hash(plain)))
    db.session.commit()
    return plain


def user_for_token(plain: str) -> User | None:
    """The active user a bearer token belongs to, or None."""
    if not plain.startswith(TOKEN_PREFIX):
        return None
    digest = token_hash(plain)
    ttl = float(current_app.config.get("API_TOKEN_CACHE_S", 0))
    if ttl <= 0:
        return _active_user(digest)
    snapshot = read_cache.cached("api_token", digest, TABLES, lambda: _snapshot(digest),
                                 ttl=ttl, keep=lambda value: value is not None)
    return None if snapshot is None else db.session.merge(snapshot, load=False)


def _active_user(digest: str) -> User | None:
    # One round trip: the token, its user and the user's organisation (for is_active).
    token = db.session.scalar(
        sa.select(ApiToken).where(ApiToken.token_hash == digest)
        .options(sa.orm.joinedload(ApiToken.user).joinedload(User.organisation)))
    if token is None or token.revoked_at is not None or not token.user.is_active:
        return None
    return token.user


def _snapshot(digest: str) -> User | None:
    """A detached copy of the token's active user with its organisation, or None."""
    user = _active_user(digest)
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
