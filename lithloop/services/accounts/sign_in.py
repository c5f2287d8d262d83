"""Login: the credentials checked (same answer and time for every wrong one), the last
login stamped; a logged-in user's password change."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from lithloop import clock
from lithloop.extensions import db
from lithloop.models import OrgStatus, User
from lithloop.services.accounts import lockout, login_sessions, park_contact
from lithloop.services.accounts.errors import Code
from lithloop.services.accounts.passwords import (
    check_policy,
    dummy_hash,
    hash_password,
    verify_password,
)
from lithloop.services.accounts.registration import find_user_by_email, normalise_email
from lithloop.services.errors import AuthError, Invalid


def authenticate(email: str, password: str, address: str = "", language: str = "") -> User:
    """Log in: check the credentials as check_credentials does and stamp the last login;
    a user with no saved language keeps the one they log in with (their letters follow it)."""
    user = check_credentials(email, password, address)
    user.last_login_at = clock.now()
    if not user.locale and language:
        user.locale = language
    db.session.commit()
    return user


def check_credentials(email: str, password: str, address: str = "") -> User:
    """Return the user for these credentials or raise AuthError saying why not (Invalid,
    field 'email', for an address no account could have: a typo shown where it was made).
    It is not a login (issuing an API token asks the password too): last_login_at stays.

    Unknown e-mail, wrong password and a locked (e-mail, address) pair give the same
    answer in the same time: the password is always hashed, against a dummy hash when no
    account has this e-mail, and lockout counts unknown e-mails like real ones.
    """
    user = find_user_by_email(email or "")
    if user is None:
        normalise_email(email)  # a malformed address is refused beside the field: no account
    right = verify_password(user.password_hash if user else dummy_hash(), password or "")
    lockout.refuse_if_locked(email, address)
    if user is None or not right:
        lockout.record_failure(email, address, user)
        lockout.refuse_if_locked(email, address)  # this failure was the last one allowed
        raise AuthError(_l("E-mail or password is wrong."))
    lockout.clear_failures(email, address)
    if user.organisation.status is OrgStatus.PENDING:
        db.session.commit()
        raise AuthError(
            _l("Your organisation is waiting for approval by the park."), code=Code.PENDING_APPROVAL
        )
    if user.organisation.status is OrgStatus.SUSPENDED:
        db.session.commit()
        raise AuthError(
            _l("Your organisation is suspended by the park. Call the park to have it reactivated."),
            code=Code.SUSPENDED,
        )
    if user.organisation.status is OrgStatus.REJECTED:  # why, and whom to ask
        db.session.commit()
        raise AuthError(
            _l(
                "The park did not approve your organisation's registration, so you cannot "
                "log in. %(call)s You may register again with this e-mail address.",
                call=park_contact.call_the_park(),
            ),
            code=Code.DISABLED,
        )
    if not user.is_active:
        db.session.commit()
        raise AuthError(_l("This account is disabled."), code=Code.DISABLED)
    db.session.commit()  # the cleared failures
    return user


def change_password(user: User, current: str, new: str) -> int:
    """A logged-in user changes their password; every other session ends. The new
    session version (for the session that made the change) is returned."""
    user = db.session.get(User, user.id)
    if not verify_password(user.password_hash, current or ""):
        raise Invalid(_l("The current password is wrong."), field="current")
    check_policy(new or "", user.email)
    user.password_hash = hash_password(new)
    login_sessions.end_all_sessions(user, actor=user, reason="password change")
    db.session.commit()
    return user.session_version
