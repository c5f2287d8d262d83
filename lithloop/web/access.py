"""Who may open what: the user loader and a role guard for pages."""

from __future__ import annotations

from functools import wraps

from flask import abort
from flask_login import current_user, login_required

from lithloop.extensions import db
from lithloop.models import Role, User
from lithloop.services import user_snapshots


def load_user(user_id: str) -> User | None:
    """Flask-Login's loader: the user of the session, if still active (user_snapshots.py
    keeps it per worker, so a page makes no query for it)."""
    if not user_id.isdigit():
        return None
    return user_snapshots.cached_user("session_user", int(user_id),
                                      lambda: _active_user(int(user_id)))


def _active_user(user_id: int) -> User | None:
    user = db.session.get(User, user_id)
    return user if user is not None and user.is_active else None


def roles_required(*roles: Role):
    """Page decorator: log in first; other roles get 403."""

    def decorate(view):
        @wraps(view)
        @login_required
        def guarded(*args, **kwargs):
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return guarded

    return decorate
