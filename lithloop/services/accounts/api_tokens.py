"""API bearer tokens: issue, find the user a token belongs to, stamp its use, list, revoke.

A token expires API_TOKEN_DAYS after it is issued (or sooner, if asked), can be revoked
by its user or an administrator, and stops working when its user resets the password.
user_snapshots.py keeps the token's user per worker, so a repeat call makes no query.

Last use is an audit field like last_login_at, written so that a GET stays a read: never
in the request's unit of work, but in its own one-statement transaction on another
connection, at most once per API_TOKEN_TOUCH_S per token and worker (and the UPDATE's own
condition keeps other workers from writing it more often). A failure to stamp is logged
and never fails the request. It is not counted as a write to `api_token` by the read
cache, so stamping never clears anyone's cached users.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from lithloop import clock
from lithloop.cache import read_cache, user_snapshots
from lithloop.extensions import db
from lithloop.models import ApiToken, Role, User
from lithloop.services import paging
from lithloop.services.accounts import audit, policies
from lithloop.services.errors import Invalid, NotFound

TOKEN_PREFIX = "llk_"  # noqa: S105 (a prefix, not a secret)
MAX_DAYS = 366
_stamped: dict[str, float] = {}  # token hash -> monotonic time this worker last stamped it
log = logging.getLogger(__name__)


def token_hash(plain: str) -> str:
    """The stored form of a token: its SHA-256, hex."""
    return hashlib.sha256(plain.encode()).hexdigest()


def default_days() -> int:
    """How long a new token lives unless asked otherwise (API_TOKEN_DAYS)."""
    return int(current_app.config.get("API_TOKEN_DAYS", 90))


def issue_api_token(user: User, name: str = "", days: int | None = None) -> str:
    """Create an API token for the user and return it; it is shown once, then only hashed.
    The audit log records the issue by its prefix, never the token."""
    days = default_days() if days is None else days
    if not 1 <= days <= MAX_DAYS:
        raise Invalid(_l("A token lives 1 to %(n)s days.", n=MAX_DAYS), field="expires_in_days")
    plain = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user=user,
        name=name[:100],
        prefix=plain[:12],
        token_hash=token_hash(plain),
        expires_at=clock.now() + timedelta(days=days),
    )
    db.session.add(token)
    db.session.flush()  # its id, for the entry
    audit.record(
        "api_token.issue",
        actor=user,
        obj=token,
        details={"prefix": token.prefix, "user_id": user.id, "label": token.name, "days": days},
    )
    db.session.commit()
    return plain


def expiry_of(plain: str) -> datetime | None:
    """When a token expires."""
    return db.session.scalar(
        sa.select(ApiToken.expires_at).where(ApiToken.token_hash == token_hash(plain))
    )


@dataclass(frozen=True)
class _Found:
    user: User  # a detached snapshot
    token_id: int
    expires_at: datetime | None


def user_for_token(plain: str) -> User | None:
    """The active user a live (not expired, not revoked) bearer token belongs to, or None."""
    if not plain.startswith(TOKEN_PREFIX):
        return None
    digest = token_hash(plain)
    ttl = float(current_app.config.get("USER_CACHE_S", 0))
    if ttl > 0:
        found = read_cache.cached(
            "api_token",
            digest,
            user_snapshots.TABLES,
            lambda: _lookup(digest, snapshot=True),
            ttl=ttl,
            keep=lambda value: value is not None,
        )
    else:
        found = _lookup(digest, snapshot=False)
    if found is None or (found.expires_at is not None and found.expires_at <= clock.now()):
        return None
    _stamp_use(found.token_id, digest)
    return user_snapshots.attach(found.user) if ttl > 0 else found.user


def refusal_of(plain: str) -> tuple[str, datetime | None]:
    """Why user_for_token refused a token: ('revoked' or 'expired', when), else ('unknown',
    None), which also covers an inactive account. Only its holder sends it, so saying
    which of its own states it is in tells nobody else anything."""
    token = db.session.scalar(sa.select(ApiToken).where(ApiToken.token_hash == token_hash(plain)))
    if token is None or not token.user.is_active:
        return "unknown", None
    state = state_of(token)
    if state == "revoked":
        return state, token.revoked_at
    if state == "expired":
        return state, token.expires_at
    return "unknown", None


def _lookup(digest: str, *, snapshot: bool) -> _Found | None:
    # One round trip: the token, its user and the user's organisation (for is_active).
    token = db.session.scalar(
        sa.select(ApiToken)
        .where(ApiToken.token_hash == digest)
        .options(sa.orm.joinedload(ApiToken.user).joinedload(User.organisation))
    )
    if token is None or token.revoked_at is not None or not token.user.is_active:
        return None
    user = user_snapshots.snapshot(token.user) if snapshot else token.user
    return _Found(user, token.id, token.expires_at)


def _stamp_use(token_id: int, digest: str) -> None:
    """Record the token's last use, at most once per API_TOKEN_TOUCH_S (see the docstring)."""
    every = float(current_app.config.get("API_TOKEN_TOUCH_S", 60))
    now_mono = time.monotonic()
    if now_mono - _stamped.get(digest, -every - 1) < every:
        return
    _stamped[digest] = now_mono
    if len(_stamped) > 10_000:
        _stamped.clear()
    now = clock.now()
    try:
        with db.engine.begin() as conn:
            conn.execute(
                sa.update(ApiToken.__table__)
                .where(
                    ApiToken.id == token_id,
                    sa.or_(
                        ApiToken.last_used_at.is_(None),
                        ApiToken.last_used_at < now - timedelta(seconds=every),
                    ),
                )
                .values(last_used_at=now)
            )
    except sa.exc.SQLAlchemyError as exc:
        log.warning("could not stamp API token %s as used: %s", token_id, exc)


def tokens_of(actor: User) -> list[ApiToken]:
    """The actor's own tokens, newest first."""
    query = sa.select(ApiToken).where(ApiToken.user_id == actor.id)
    return list(db.session.scalars(query.order_by(ApiToken.id.desc()).limit(500)))


#: Working tokens on one page of the administrator's review.
TOKENS_PAGE = 50


def working_tokens(actor: User, page: int = 1) -> paging.Page[ApiToken]:
    """Every token still working (not revoked, not expired), whoever holds it, a page at a
    time, for an administrator to review."""
    policies.require(actor, policies.ADMINS, _l("Only administrators review everyone's tokens."))
    page = max(1, page)
    live = (
        ApiToken.revoked_at.is_(None),
        sa.or_(ApiToken.expires_at.is_(None), ApiToken.expires_at > clock.now()),
    )
    query = (
        sa.select(ApiToken)
        .options(sa.orm.joinedload(ApiToken.user).joinedload(User.organisation))
        .where(*live)
        .order_by(ApiToken.id.desc())
    )
    rows = list(db.session.scalars(paging.window(query, page=page, per_page=TOKENS_PAGE)))
    working = sa.select(ApiToken.id).where(*live)
    return paging.page_of(rows, page=page, per_page=TOKENS_PAGE, count=working)


def revoke(actor: User, token_id: int) -> ApiToken:
    """Revoke one of the actor's tokens (an administrator: anyone's); 404 for others'."""
    token = db.session.get(ApiToken, token_id)
    if token is None or (token.user_id != actor.id and actor.role is not Role.ADMIN):
        raise NotFound(_l("No such API token."))
    if token.revoked_at is None:
        token.revoked_at = clock.now()
        audit.record(
            "api_token.revoke",
            actor=actor,
            obj=token,
            details={"prefix": token.prefix, "user_id": token.user_id},
        )
    db.session.commit()
    return token


def revoke_all(user: User, *, actor: User | None, reason: str) -> int:
    """Revoke every live token of the user (the caller commits); how many were live. Each
    gets its own audit entry, as revoke() writes, with the reason (a session-end code)."""
    now = clock.now()
    tokens = list(
        db.session.scalars(
            sa.select(ApiToken)
            .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
            .order_by(ApiToken.id)
        )
    )
    for token in tokens:
        token.revoked_at = now
        audit.record(
            "api_token.revoke",
            actor=actor,
            obj=token,
            details={"prefix": token.prefix, "user_id": token.user_id, "reason": reason},
        )
    return len(tokens)


def state_of(token: ApiToken) -> str:
    """'active', 'expired' or 'revoked'."""
    if token.revoked_at is not None:
        return "revoked"
    if token.expires_at is not None and token.expires_at <= clock.now():
        return "expired"
    return "active"
