"""Bearer-token authentication for the API (sessions are not accepted there)."""

from __future__ import annotations

from functools import wraps

from flask import g, request
from flask_babel import gettext as _

from lithloop.i18n import local_time
from lithloop.models import User
from lithloop.services.accounts.api_tokens import refusal_of, user_for_token
from lithloop.services.errors import AuthError

_TOKEN_USER_KEY = "lithloop.token_user"  # noqa: S105 (an environ key, not a secret)
_NOT_LOOKED_UP = object()


def api_user() -> User:
    """The user of this API request."""
    return g.api_user


def bearer_token() -> str:
    """The token of `Authorization: Bearer <token>`, or "" when none is sent."""
    scheme, _sep, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


def token_user() -> User | None:
    """The user the request's bearer token belongs to, or None; looked up once a request
    (the language of the answer may need it before the view's token check runs)."""
    found = request.environ.get(_TOKEN_USER_KEY, _NOT_LOOKED_UP)
    if found is _NOT_LOOKED_UP:  # per request, not per app context (a test may share one)
        token = bearer_token()
        found = request.environ[_TOKEN_USER_KEY] = user_for_token(token) if token else None
    return found


def token_required(view):
    """Require `Authorization: Bearer <token>`; 401 with a message otherwise."""

    @wraps(view)
    def guarded(*args, **kwargs):
        token = bearer_token()
        if not token:
            raise AuthError(
                _(
                    "Send an API token: Authorization: Bearer <token>. "
                    "Get one from POST /api/v1/auth/token."
                )
            )
        user = token_user()
        if user is None:
            raise AuthError(_refused(token))
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
