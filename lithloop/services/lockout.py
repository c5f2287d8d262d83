"""Account lockout: too many failed logins in a window lock the account for a while.

The counters live on the user's row (updated under a row lock), so every gunicorn worker and
every machine sees the same state; the per-address rate limit in web/auth.py comes on top.
"""

from __future__ import annotations

import logging
import math
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from lithloop import clock
from lithloop.extensions import db
from lithloop.models import Role, User
from lithloop.services import audit
from lithloop.services.errors import AuthError, Forbidden, NotFound

log = logging.getLogger(__name__)


def _setting(name: str) -> int:
    return int(current_app.config[name])


def is_locked(user: User) -> bool:
    """True while the account refuses logins."""
    return user.locked_until is not None and user.locked_until > clock.now()


def refuse_if_locked(user: User) -> None:
    """Raise AuthError(code='locked') saying how long to wait, if the account is locked."""
    if not is_locked(user):
        return
    minutes = max(1, math.ceil((user.locked_until - clock.now()).total_seconds() / 60))
    raise AuthError(_l("Too many failed logins: this account is locked for %(n)s more "
                       "minutes. Try again later, or ask an administrator to unlock it.",
                       n=minutes), code="locked")


def record_failure(user_id: int) -> None:
    """Count a failed login; lock the account at LOCKOUT_THRESHOLD failures in the window."""
    now = clock.now()
    window = timedelta(seconds=_setting("LOCKOUT_WINDOW_S"))
    user = db.session.scalar(
        sa.select(User).where(User.id == user_id).with_for_update().execution_options(
            populate_existing=True))
    if user.first_failed_login_at is None or now - user.first_failed_login_at > window:
        user.failed_logins, user.first_failed_login_at = 0, now
    user.failed_logins += 1
    if user.failed_logins >= _setting("LOCKOUT_THRESHOLD") and not is_locked(user):
        user.locked_until = now + timedelta(seconds=_setting("LOCKOUT_DURATION_S"))
        user.failed_logins, user.first_failed_login_at = 0, None
        audit.record("user.locked", actor=None, obj=user,
                     details={"until": user.locked_until.isoformat()})
        log.warning("account locked after repeated failed logins",
                    extra={"user_id": user.id})
    db.session.commit()


def clear_failures(user: User) -> None:
    """Forget earlier failures after a successful login (the caller commits)."""
    user.failed_logins, user.first_failed_login_at = 0, None


def unlock(admin: User, user_id: int) -> User:
    """An administrator lifts a lock and clears the failure count."""
    if admin.role is not Role.ADMIN:
        raise Forbidden(_l("Only administrators manage accounts."))
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound(_l("No such user."))
    was_locked = is_locked(user)
    user.locked_until, user.failed_logins, user.first_failed_login_at = None, 0, None
    audit.record("user.unlock", actor=admin, obj=user, details={"was_locked": was_locked})
    db.session.commit()
    return user
