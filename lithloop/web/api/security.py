"""Bearer-token authentication for the API (sessions are not accepted there)."""

from __future__ import annotations

from functools import wraps

from flask import g, request
from flask_babel import gettext as _

from lithloop.i18n import local_time
from lithloop.models import User
from lithloop.services.accounts.api_tokens import refusal_of, user_for_token
from lithloop.services.errors import AuthError


def api_user() -> User:
    """The user of this API request."""
    return g.api_user


def token_required(view):
    """Require `Authorization: Bearer <token>`; 401 with a message otherwise."""

    @wraps(view)
    def guarded(*args, **kwargs):
        header = request.headers.get("Authorization", "")
        scheme, _sep, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise AuthError(
                _(
                    "Send an API token: Authorization: Bearer <token>. "
                    "Get one from POST /api/v1/auth/token."
                )
            )
        user = user_for_token(token.strip())
        if user is None:
            raise AuthError(_refused(token.strip()))
        g.api_user = user
        return view(*args, **kwargs)

    return guarded


def _refused(token: str) -> str:
    """The 401 message for a token that does not work: revoked or expired, and when."""
    state, when = refusal_of(token)
    if state == "revoked":
        return _(
            "This API token was revoked on %(t)s. Get a new one from POST /api/v1/auth/token.",
            t=local_time(when),
        )
    if state == "expired":
        return _(
            "This API token expired on %(t)s. Get a new one from POST /api/v1/auth/token.",
            t=local_time(when),
        )
    return _("This API token is unknown, revoked, or its account inactive.")
