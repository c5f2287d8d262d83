"""Password reset by e-mail: a signed link that expires and works once, then a new password
that ends every session and API token of the account."""

from __future__ import annotations

from flask import current_app
from flask_babel import lazy_gettext as _l

from lithloop import letters
from lithloop.extensions import db
from lithloop.models import User
from lithloop.services.accounts import api_tokens, login_sessions
from lithloop.services.accounts.passwords import check_policy, hash_password
from lithloop.services.accounts.registration import find_user_by_email, normalise_email
from lithloop.services.accounts.signed_links import fingerprint, make_token, read_token
from lithloop.services.errors import Invalid

PURPOSE = "password-reset"


def make_reset_token(user: User, *, invitation: bool = False) -> str:
    """A signed token naming the user, the current password and when it was issued (the
    password's fingerprint changes with it, so a used link cannot be used again); an
    invitation's lives INVITATION_MAX_AGE_S, a reset's PASSWORD_RESET_MAX_AGE_S."""
    payload = {"u": user.id, "h": fingerprint(user.password_hash)}
    return make_token(PURPOSE, {**payload, "i": 1} if invitation else payload)


def _max_age_s(data: dict) -> int:
    """How long the link lives: an invitation (mailed to someone who may read it days
    later) far longer than a reset the person just asked for."""
    key = "INVITATION_MAX_AGE_S" if data.get("i") else "PASSWORD_RESET_MAX_AGE_S"
    return current_app.config[key]


def _expired(data: dict):
    """What an expired link's page tells the person to do."""
    if data.get("i"):
        return _l(
            "This invitation link has expired. Ask the colleague who invited you to send the "
            "invitation again, or choose your password with 'Forgot your password?' on the "
            "login page."
        )
    return _l("This reset link has expired. Ask for a new one.")


def request_password_reset(email: str, link_for, language: str | None = None) -> None:
    """Mail a reset link if the address has an enabled account; say nothing either way (a
    malformed address is refused as Invalid: that tells nothing about accounts). A disabled
    account is mailed nothing: only the park enables it again, and its removal letter said
    so. `language`: the page's, the letter's for a user who saved none."""
    normalise_email(email)
    user = find_user_by_email(email or "")
    if user is None or not user.enabled:
        return
    link = link_for(make_reset_token(user))
    minutes = current_app.config["PASSWORD_RESET_MAX_AGE_S"] // 60
    letters.send_letter(
        user,
        _l("Reset your password"),
        _l("Open this link to choose a new password (valid %(minutes)s minutes):\n%(link)s\n"),
        asked_in=language,
        minutes=minutes,
        link=link,
    )
    db.session.commit()


def user_for_reset_token(token: str) -> User:
    """The enabled user a valid reset token names, or Invalid(field='token') saying what is
    wrong."""
    data = read_token(
        PURPOSE,
        token,
        max_age_s=_max_age_s,
        not_valid=_l("This reset link is not valid. Ask for a new one."),
        expired=_expired,
    )
    user = db.session.get(User, data.get("u"))
    if (
        user is not None
        and user.invited_at is not None
        and data.get("h") != fingerprint(user.password_hash)
    ):  # an invitation sent again: only the newest letter's link works
        raise Invalid(
            _l(
                "This invitation link was replaced by a newer one: open the link in the latest "
                "invitation e-mail."
            ),
            field="token",
        )
    if user is None or data.get("h") != fingerprint(user.password_hash):
        raise Invalid(
            _l("This reset link has already been used. Ask for a new one."), field="token"
        )
    if not user.enabled:  # a link (or an invitation) mailed before the account was disabled
        raise Invalid(
            _l(
                "This account is disabled, so its password cannot be changed here: only the "
                "park can enable it again."
            ),
            field="token",
        )
    return user


def reset_password(token: str, password: str) -> User:
    """Set a new password through a reset token; the token cannot be used again, and every
    session and API token of the account ends (whoever knew the old password is out). It
    accepts an open invitation (invitations.py): the invitation's link is such a token."""
    user = user_for_reset_token(token)
    check_policy(password, user.email)
    user.password_hash = hash_password(password)
    user.invited_at = None  # a colleague's invitation, if open, is accepted
    user.invite_link_lost = False
    login_sessions.end_all_sessions(user, actor=None, reason="password reset")
    api_tokens.revoke_all(user, actor=None, reason="password reset")
    db.session.commit()
    return user
