"""Login lockout per e-mail and client address, with growing locks; the same for any e-mail.

LOCKOUT_THRESHOLD failed logins for one e-mail from one client address within
LOCKOUT_WINDOW_S lock that pair for LOCKOUT_DURATION_S, each further lock twice as long as
the one before (up to LOCKOUT_MAX_S; the count of locks starts again after a day without
one). A stranger's failures therefore lock only the stranger's own address out, never the
owner, administrators included; and since unknown e-mails are counted and locked exactly
like real ones, "locked" says nothing about whether an account exists. The counters are
rows in the database (under a row lock), so every worker and every host sees the same
state; the per-address rate limit (web/rate_limits.py) comes on top.
"""

from __future__ import annotations

import logging
import math
import time
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from lithloop import clock
from lithloop.extensions import db
from lithloop.models import LoginThrottle, Role, User
from lithloop.services.accounts import audit, registration
from lithloop.services.accounts.errors import Code
from lithloop.services.errors import AuthError, Forbidden, NotFound

log = logging.getLogger(__name__)
LOCK_COUNT_RESET = timedelta(days=1)
PURGE_EVERY_S = 600


def _setting(name: str, default: int = 0) -> int:
    return int(current_app.config.get(name, default))


def _key(email: str, address: str) -> tuple[str, str]:
    # Stored as typed (normalised); NUL and lone surrogates, which PostgreSQL refuses, go.
    def clean(text: str) -> str:
        return text.replace("\x00", "").encode("utf-8", "replace").decode("utf-8")

    # the same address however typed (full-width letters, 。 for the dot): one count
    typed = registration.stored_form(email)
    return clean(typed)[:254], clean(address or "unknown")[:64]


_purged = {"next": 0.0}  # per process: when stale rows are deleted next


def _purge_stale(now) -> None:
    """Delete pairs with no failure in the window and no lock in the last day (at most
    every PURGE_EVERY_S per process): unknown e-mails tried once do not pile up."""
    if time.monotonic() < _purged["next"]:
        return
    _purged["next"] = time.monotonic() + PURGE_EVERY_S
    window = timedelta(seconds=_setting("LOCKOUT_WINDOW_S", 900))
    db.session.execute(
        sa.delete(LoginThrottle).where(
            sa.or_(
                LoginThrottle.locked_until.is_(None),
                LoginThrottle.locked_until < now - LOCK_COUNT_RESET,
            ),
            sa.or_(
                LoginThrottle.first_failed_at.is_(None),
                LoginThrottle.first_failed_at < now - window,
            ),
        )
    )


def _row(email: str, address: str, *, lock: bool = False) -> LoginThrottle | None:
    query = sa.select(LoginThrottle).where(
        LoginThrottle.email == email, LoginThrottle.address == address
    )
    if lock:
        query = query.with_for_update().execution_options(populate_existing=True)
    return db.session.scalar(query)


def refuse_if_locked(email: str, address: str) -> None:
    """Raise AuthError(code='locked') saying how long to wait, if this pair is locked."""
    row = _row(*_key(email, address))
    now = clock.now()
    if row is None or row.locked_until is None or row.locked_until <= now:
        return
    minutes = max(1, math.ceil((row.locked_until - now).total_seconds() / 60))
    raise AuthError(
        _l(
            "Too many failed logins: logging in with this e-mail from your "
            "address is blocked for %(n)s more minutes. Try again later or reset "
            "your password.",
            n=minutes,
        ),
        code=Code.LOCKED,
    )


def record_failure(email: str, address: str, user: User | None) -> None:
    """Count a failed login for (e-mail, address); lock the pair at the threshold."""
    email, address = _key(email, address)
    now = clock.now()
    _purge_stale(now)
    row = _row(email, address, lock=True)
    if row is None:
        row = LoginThrottle(email=email, address=address, failures=0, lockouts=0)
        db.session.add(row)
    if row.locked_until is not None and now - row.locked_until > LOCK_COUNT_RESET:
        row.lockouts = 0
    window = timedelta(seconds=_setting("LOCKOUT_WINDOW_S", 900))
    if row.first_failed_at is None or now - row.first_failed_at > window:
        row.failures, row.first_failed_at = 0, now
    row.failures += 1
    if row.failures >= _setting("LOCKOUT_THRESHOLD", 5):
        seconds = min(
            _setting("LOCKOUT_DURATION_S", 900) * 2**row.lockouts, _setting("LOCKOUT_MAX_S", 86400)
        )
        row.locked_until = now + timedelta(seconds=seconds)
        row.lockouts += 1
        row.failures, row.first_failed_at = 0, None
        details = {"until": row.locked_until.isoformat(), "address": address, "lock": row.lockouts}
        if user is not None:
            audit.record("user.locked", actor=None, obj=user, details=details)
        log.warning(
            "login locked for an e-mail and address after repeated failures",
            extra={"user_id": user.id if user else None, "address": address},
        )
    try:
        db.session.commit()
    except sa.exc.IntegrityError:  # a concurrent first failure made the row: count again
        db.session.rollback()
        record_failure(email, address, user)


def clear_failures(email: str, address: str) -> None:
    """Forget this pair's failures after a successful login (the caller commits)."""
    email, address = _key(email, address)
    db.session.execute(
        sa.delete(LoginThrottle).where(
            LoginThrottle.email == email, LoginThrottle.address == address
        )
    )


def locks_for(emails: list[str]) -> dict[str, object]:
    """{e-mail: the latest time until which some address is locked out of it}."""
    now = clock.now()
    rows = db.session.execute(
        sa.select(LoginThrottle.email, sa.func.max(LoginThrottle.locked_until))
        .where(
            LoginThrottle.email.in_([e.lower() for e in emails]), LoginThrottle.locked_until > now
        )
        .group_by(LoginThrottle.email)
    )
    return {email: until for email, until in rows}


def unlock(admin: User, user_id: int) -> User:
    """An administrator lifts every lock and failure count on the account's e-mail."""
    if admin.role is not Role.ADMIN:
        raise Forbidden(_l("Only administrators manage accounts."))
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound(_l("No such user."))
    was_locked = bool(locks_for([user.email]))
    db.session.execute(sa.delete(LoginThrottle).where(LoginThrottle.email == user.email))
    audit.record("user.unlock", actor=admin, obj=user, details={"was_locked": was_locked})
    db.session.commit()
    return user
