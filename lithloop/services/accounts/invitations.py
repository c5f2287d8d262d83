"""A colleague's invitation: its letter, and the limit on how many an organisation sends
(colleagues.py invites and sends again).

An invitation is the account with an unguessable password and a mailed link that chooses
one (the same signed link as a password reset, password_reset.make_reset_token). Sending it
again gives the account a new unguessable password: the new link works, the old one no
longer does (its password fingerprint is stale). `User.invited_at` says an invitation is
open; choosing a password through the link accepts it (password_reset.reset_password).
"""

from __future__ import annotations

import secrets
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext

from lithloop import clock, letters
from lithloop.extensions import db
from lithloop.models import AuditEntry, Organisation, User
from lithloop.services.accounts import password_reset
from lithloop.services.accounts.errors import Code
from lithloop.services.accounts.passwords import hash_password
from lithloop.services.errors import TooMany

#: The audit actions that each sent one invitation letter (counted by the limits).
SENT = ("company.invite", "company.reinvite")


def is_invited(member: User) -> bool:
    """True for a colleague whose invitation is open: invited, and no password chosen yet."""
    return member.invited_at is not None


def check_quota(org: Organisation, inviter: User) -> None:
    """TooMany(field='email') if INVITES_PER_HOUR invitations into `org` were sent in the
    last hour or INVITES_PER_DAY in the last day (new colleagues and again together).

    Counted by the organisation invited into, whoever sent them: a dealer's, bus company's
    or buyer's people invite into their own, and an administrator's invitations into the
    government partner's organisation count against it, not against the park's people."""
    config, now = current_app.config, clock.now()
    own = org.id == inviter.organisation_id
    for limit, window, message in (
        (
            config["INVITES_PER_HOUR"],
            timedelta(hours=1),
            _l(
                "Your organisation has sent %(n)s invitations in the last hour, the most "
                "allowed. Try again later.",
                n=config["INVITES_PER_HOUR"],
            )
            if own
            else _l(
                "%(n)s invitations into %(org)s were sent in the last hour, the most "
                "allowed. Try again later.",
                n=config["INVITES_PER_HOUR"],
                org=org.name,
            ),
        ),
        (
            config["INVITES_PER_DAY"],
            timedelta(days=1),
            _l(
                "Your organisation has sent %(n)s invitations in the last 24 hours, the most "
                "allowed. Try again tomorrow.",
                n=config["INVITES_PER_DAY"],
            )
            if own
            else _l(
                "%(n)s invitations into %(org)s were sent in the last 24 hours, the most "
                "allowed. Try again tomorrow.",
                n=config["INVITES_PER_DAY"],
                org=org.name,
            ),
        ),
    ):
        if _sent_since(org, now - window) >= limit:
            raise TooMany(message, field="email", code=Code.INVITE_LIMIT)


def _sent_since(org: Organisation, since) -> int:
    """Invitation letters sent since `since` to the organisation's members (each entry's
    object is the invited user; their id is stored as text)."""
    members = sa.select(sa.cast(User.id, sa.String)).where(User.organisation_id == org.id)
    return db.session.scalar(
        sa.select(sa.func.count(AuditEntry.id)).where(
            AuditEntry.action.in_(SENT),
            AuditEntry.created_at >= since,
            AuditEntry.object_type == "user",
            AuditEntry.object_id.in_(members),
        )
    )


def lifetime_words(seconds: int):
    """A link's lifetime in words, in the letter's language: whole days, hours or minutes."""
    if seconds >= 86400 and seconds % 86400 == 0:
        return lazy_ngettext("%(num)d day", "%(num)d days", seconds // 86400)
    if seconds >= 3600 and seconds % 3600 == 0:
        return lazy_ngettext("%(num)d hour", "%(num)d hours", seconds // 3600)
    return lazy_ngettext("%(num)d minute", "%(num)d minutes", max(1, seconds // 60))


def send_letter(
    inviter: User, colleague: User, *, link_for, language: str | None, fresh: bool = False
) -> None:
    """Stamp the invitation and add its letter with a set-your-password link to the session
    (the caller records the audit entry and commits); `fresh` first gives the account a new
    unguessable password, so that every earlier link stops working."""
    if fresh:
        colleague.password_hash = hash_password(secrets.token_urlsafe(32))
    colleague.invited_at = clock.now()
    colleague.invite_link_lost = False  # an imported invitation's link (see the model) is sent
    org = colleague.organisation
    letters.send_letter(
        colleague,
        _l("%(org)s: invitation from %(name)s"),
        _l(
            "%(name)s invited you to the lithloop account of %(org)s. "
            "Open this link to choose your password (valid for %(lifetime)s):\n"
            "%(link)s\n\n"
            "If the link has expired, use 'Forgot your password?' on the login page: "
            "%(login)s\n"
        ),
        asked_in=language,
        org=org.name,
        name=inviter.name,
        lifetime=lifetime_words(current_app.config["INVITATION_MAX_AGE_S"]),
        link=link_for(password_reset.make_reset_token(colleague, invitation=True)),
        login=letters.link("auth.login"),
    )
