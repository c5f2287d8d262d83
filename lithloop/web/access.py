"""Who may open what: the user loader and a role guard for pages."""

from __future__ import annotations

from functools import wraps

from flask import abort
from flask_login import current_user, login_required

from lithloop.extensions import db
from lithloop.models import Role, User


def load_user(user_id: str) -> User | None:
    """Flask-Login's loader: the user of the session, if still active."""
    user = db.session.get(User, int(user_id)) if user_id.isdigit() else None
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
