"""API bearer tokens: issue one, and find the user a token belongs to (user_snapshots.py
keeps it per worker, so a repeat call makes no query)."""

from __future__ import annotations

import hashlib
import secrets

import sqlalchemy as sa

from lithloop.extensions import db
from lithloop.models import ApiToken, User
from lithloop.services import user_snapshots

TOKEN_PREFIX = "llk_"  # noqa: S105 (a prefix, not a secret)


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
    return user_snapshots.cached_user("api_token", digest, lambda: _active_user(digest))


def _active_user(digest: str) -> User | None:
    # One round trip: the token, its user and the user's organisation (for is_active).
    token = db.session.scalar(
        sa.select(ApiToken).where(ApiToken.token_hash == digest)
        .options(sa.orm.joinedload(ApiToken.user).joinedload(User.organisation)))
    if token is None or token.revoked_at is not None or not token.user.is_active:
        return None
    return token.user
