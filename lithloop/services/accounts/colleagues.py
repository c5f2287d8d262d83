"""An organisation's people: who is in it, and inviting a colleague by mail.

One path for every organisation that works with the platform from outside the park:
dealer branches, bus companies and buyers. Any member may invite (each of these kinds
has one role and no owner among its users: the buyer side has always let any of its
users invite, and a dealer's or bus company's staff are equals in the same way). The
colleague gets the inviter's role in the inviter's organisation, never another's: the
organisation is the inviter's own, never taken from the request.
"""

from __future__ import annotations

import secrets

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from lithloop import letters
from lithloop.extensions import db
from lithloop.models import Organisation, OrgKind, Role, User
from lithloop.services.accounts import audit, password_reset
from lithloop.services.accounts import registration as accounts
from lithloop.services.accounts.errors import Code
from lithloop.services.accounts.passwords import hash_password
from lithloop.services.errors import Conflict, Forbidden, Invalid
from lithloop.services.strict_input import check_controls, typed_text

#: Organisation kind -> the role its members hold and pass on to the colleagues they invite.
INVITING = {
    OrgKind.DEALER_BRANCH: Role.DEALER_STAFF,
    OrgKind.BUS_COMPANY: Role.FLEET_MANAGER,
    OrgKind.BUYER: Role.BUYER,
}
#: The roles that may invite (each into its own organisation only).
INVITERS = frozenset(INVITING.values())
NAME_MAX = 120  # the column's length


def _own_org(user: User) -> Organisation:
    """The user's organisation, if its members invite one another; else Forbidden."""
    org = user.organisation
    if INVITING.get(org.kind) is not user.role:
        raise Forbidden(_l("Only a dealer's, a bus company's or a buyer's staff add colleagues."))
    return org


def members(user: User) -> list[User]:
    """The people of the user's organisation, by name."""
    org = _own_org(user)
    return list(
        db.session.scalars(
            sa.select(User).where(User.organisation_id == org.id).order_by(User.name, User.id)
        )
    )


def is_invited(member: User) -> bool:
    """True for a colleague who has not logged in yet (their invitation is still open)."""
    return member.last_login_at is None


def _name(raw) -> str:
    """The colleague's name as stored, or Invalid(field='name')."""
    # control characters first: "\x01\x02" is refused for what it is, not as blank
    name = check_controls(str(raw or ""), "name")
    name = typed_text(" ".join(name.split()), "name")  # as registration's NAME_CHECKS
    if not name:
        raise Invalid(_l("Enter your colleague's name."), field="name")
    if len(name) > NAME_MAX:
        raise Invalid(_l("At most %(n)s characters.", n=NAME_MAX), field="name")
    return name


def _taken(email: str, org: Organisation) -> Conflict:
    """Why an address that has an account cannot be invited, and what to do instead."""
    found = accounts.find_user_by_email(email)
    if found is not None and found.organisation_id == org.id:
        message = _l(
            "%(email)s is already in your organisation (see the list of people). If they "
            "never set a password, they can use 'Forgot your password?' on the login page.",
            email=email,
        )
    else:
        message = _l(
            "%(email)s already has a lithloop account, which belongs to another organisation. "
            "Invite your colleague with another work address, or ask them to contact the "
            "park to move their account.",
            email=email,
        )
    return Conflict(message, field="email", code=Code.EMAIL_TAKEN)


def invite_colleague(
    user: User, *, name: str, email: str, link_for, language: str | None = None
) -> User:
    """Add a colleague to the user's own organisation with the user's role; they choose a
    password through a mailed link. The account, its letter and the audit entry are written
    together or not at all.

    The new account has an unguessable password until the colleague sets one with the
    same signed link as a password reset (`link_for(token)` makes it absolute). The letter
    is in the inviter's saved language, else in `language`, the page's they invited from.
    """
    org = _own_org(user)
    name = _name(name)
    email = accounts.normalise_email(email)
    if accounts.find_user_by_email(email):
        raise _taken(email, org)
    colleague = User(
        email=email,
        name=name,
        role=INVITING[org.kind],
        organisation=org,
        password_hash=hash_password(secrets.token_urlsafe(32)),
    )
    db.session.add(colleague)
    try:
        db.session.flush()
        link = link_for(password_reset.make_reset_token(colleague))
        colleague.locale = user.locale  # the inviter's language until they choose their own
        letters.send_letter(
            colleague,
            _l("%(org)s: invitation from %(name)s"),
            _l(
                "%(name)s invited you to the lithloop account of %(org)s. "
                "Open this link to choose your password (valid %(minutes)s minutes):\n"
                "%(link)s\n\n"
                "If the link has expired, use 'Forgot your password?' on the login page: "
                "%(login)s\n"
            ),
            asked_in=language,
            org=org.name,
            name=user.name,
            minutes=current_app.config["PASSWORD_RESET_MAX_AGE_S"] // 60,
            link=link,
            login=letters.link("auth.login"),
        )
        audit.record("company.invite", actor=user, obj=colleague, details={"email": email})
        db.session.commit()
    except sa.exc.IntegrityError as exc:  # the same address invited at the same moment
        db.session.rollback()
        raise _taken(email, org) from exc
    except Exception:  # whatever failed (the outbox, the audit log): no account is left
        db.session.rollback()
        raise
    return colleague
