"""Password reset by e-mail: a signed link that expires and works once, then a new password
that ends every session and API token of the account."""

from __future__ import annotations

import hashlib

from flask import current_app
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, URLSafeSerializer

from lithloop import clock, letters
from lithloop.extensions import db
from lithloop.models import User
from lithloop.services.accounts import api_tokens, login_sessions
from lithloop.services.accounts.passwords import check_policy, hash_password
from lithloop.services.accounts.registration import find_user_by_email, normalise_email
from lithloop.services.errors import Invalid


def _reset_serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="password-reset")


def _hash_fragment(user: User) -> str:
    # Changes when the password changes, so a used link cannot be used again.
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:16]


def make_reset_token(user: User) -> str:
    """A signed token naming the user, the current password and when it was issued."""
    issued = int(clock.now().timestamp())
    return _reset_serializer().dumps({"u": user.id, "h": _hash_fragment(user), "iat": issued})


def request_password_reset(email: str, link_for) -> None:
    """Mail a reset link if the address has an account; say nothing either way (a malformed
    address is refused as Invalid: that tells nothing about accounts)."""
    normalise_email(email)
    user = find_user_by_email(email or "")
    if user is None:
        return
    link = link_for(make_reset_token(user))
    minutes = current_app.config["PASSWORD_RESET_MAX_AGE_S"] // 60
    letters.send_letter(
        user,
        _l("Reset your password"),
        _l("Open this link to choose a new password (valid %(minutes)s minutes):\n%(link)s\n"),
        minutes=minutes,
        link=link,
    )
    db.session.commit()


def user_for_reset_token(token: str) -> User:
    """The user a valid reset token names, or Invalid(field='token') saying what is wrong."""
    try:
        data = _reset_serializer().loads(token)
    except BadSignature as exc:
        raise Invalid(
            _l("This reset link is not valid. Ask for a new one."), field="token"
        ) from exc
    age = clock.now().timestamp() - data.get("iat", 0)
    if age > current_app.config["PASSWORD_RESET_MAX_AGE_S"] or age < -60:
        raise Invalid(_l("This reset link has expired. Ask for a new one."), field="token")
    user = db.session.get(User, data.get("u"))
    if user is None or data.get("h") != _hash_fragment(user):
        raise Invalid(
            _l("This reset link has already been used. Ask for a new one."), field="token"
        )
    return user


def reset_password(token: str, password: str) -> User:
    """Set a new password through a reset token; the token cannot be used again, and every
    session and API token of the account ends (whoever knew the old password is out)."""
    user = user_for_reset_token(token)
    check_policy(password, user.email)
    user.password_hash = hash_password(password)
    login_sessions.end_all_sessions(user, actor=None, reason="password reset")
    api_tokens.revoke_all(user, actor=None, reason="password reset")
    db.session.commit()
    return user
