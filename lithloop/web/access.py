"""Who may open what: the user loader and a role guard for pages."""

from __future__ import annotations

from functools import wraps

from flask import abort, session
from flask_login import current_user, login_required, login_user, logout_user

from lithloop.models import Role, User
from lithloop.services.accounts import login_sessions

SID, VERSION = "_sid", "_sv"  # this login's session id, the user's session_version then


def load_user(user_id: str) -> User | None:
    """Flask-Login's loader: the user of the session, if still active and the session has
    not ended (user_snapshots.py keeps it per worker, so a page makes no query for it)."""
    sid, version = session.get(SID), session.get(VERSION)
    if not user_id.isdigit() or not isinstance(sid, str) or type(version) is not int:
        return None
    return login_sessions.session_user(int(user_id), version, sid)


def log_in(user: User) -> None:
    """Open a new page session for the user (a fresh id: nothing carries over)."""
    session.clear()
    login_user(user)
    session[SID] = login_sessions.new_session_id()
    session[VERSION] = user.session_version


def log_out() -> None:
    """End this page session on the server too, then forget it in the browser."""
    if current_user.is_authenticated and isinstance(session.get(SID), str):
        login_sessions.end_session(current_user.id, session[SID])
    logout_user()
    session.clear()


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
