"""Page sessions that end: a session id per login, ended ids refused, a per-user version.

A login opens a session with a random id and the user's session_version. Logging out
records the id as ended (so a copy of the cookie saved before is refused); a password
change or reset and "log out everywhere" increment session_version, which ends every
session opened before. The check runs through the per-worker user snapshot
(user_snapshots.py), which every worker drops as soon as any of them commits to `user` or
`ended_session` (the shared commit counters), so no page needs a query for it.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app

from lithloop import clock
from lithloop.cache import user_snapshots
from lithloop.extensions import db
from lithloop.models import EndedSession, User
from lithloop.services.accounts import audit


def new_session_id() -> str:
    """A random, unguessable id for one login's session."""
    return secrets.token_urlsafe(24)


def _digest(sid: str) -> str:
    return hashlib.sha256(sid.encode()).hexdigest()


def session_user(user_id: int, version: int, sid: str) -> User | None:
    """The active user of a session, or None if it ended (logout, version bumped)."""
    key = (user_id, version, _digest(sid))
    return user_snapshots.cached_user(
        "session_user", key, lambda: _live_session_user(user_id, version, key[2])
    )


def _live_session_user(user_id: int, version: int, digest: str) -> User | None:
    user = db.session.get(User, user_id)
    if user is None or not user.is_active or user.session_version != version:
        return None
    if db.session.get(EndedSession, digest) is not None:
        return None
    return user


def end_session(user_id: int, sid: str) -> None:
    """Log one session out: its cookie, even a saved copy, is refused from now on."""
    now = clock.now()
    lifetime = current_app.permanent_session_lifetime
    db.session.execute(
        sa.delete(EndedSession).where(EndedSession.ended_at < now - lifetime - timedelta(days=1))
    )
    if db.session.get(EndedSession, _digest(sid)) is None:
        db.session.add(EndedSession(sid_hash=_digest(sid), user_id=user_id, ended_at=now))
    db.session.commit()


def end_all_sessions(user: User, *, actor: User | None, reason: str) -> None:
    """End every page session of the user (the caller commits)."""
    user.session_version = User.session_version + 1  # in SQL: concurrent bumps both count
    audit.record("user.sessions_ended", actor=actor, obj=user, details={"reason": reason})


def log_out_everywhere(user: User) -> None:
    """The user ends all their sessions, this one included."""
    user = db.session.get(User, user.id)
    end_all_sessions(user, actor=user, reason="log out everywhere")
    db.session.commit()
