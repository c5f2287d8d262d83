"""An organisation's people: who is in it, and inviting a colleague by mail.

One path for every organisation that works with the platform from outside the park:
dealer branches, bus companies and buyers. Any member may invite (each of these kinds
has one role and no owner among its users: the buyer side has always let any of its
users invite, and a dealer's or bus company's staff are equals in the same way). The
colleague gets the inviter's role in the inviter's organisation, never another's: the
organisation is the inviter's own, never taken from the request. A member may send an open
invitation again and remove a colleague (disabled as an administrator disables an account,
user_admin.disable), never leaving the organisation without a member who can log in.
"""

from __future__ import annotations

import secrets

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from lithloop.extensions import db
from lithloop.models import Organisation, OrgKind, Role, User
from lithloop.services.accounts import audit, invitations, org_letters, park_contact, user_admin
from lithloop.services.accounts import registration as accounts
from lithloop.services.accounts.errors import Code
from lithloop.services.accounts.passwords import hash_password
from lithloop.services.errors import Conflict, Forbidden, Invalid, NotFound
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
REASON_MAX = user_admin.REASON_MAX  # a removal's reason, kept in its audit entry and mailed


def _own_org(user: User) -> Organisation:
    """The user's organisation, if its members invite one another; else Forbidden."""
    org = user.organisation
    if INVITING.get(org.kind) is not user.role:
        raise Forbidden(_l("Only a dealer's, a bus company's or a buyer's staff add colleagues."))
    return org


def lock_own_org(user: User) -> Organisation:
    """The user's own organisation (as _own_org), its row locked until the commit: invitations
    counted against its limits, and removals of its members, happen one at a time."""
    return lock(_own_org(user))


def lock(org: Organisation) -> Organisation:
    """The organisation's row locked until the commit (invitations and removals one at a
    time)."""
    return db.session.scalar(
        sa.select(Organisation)
        .where(Organisation.id == org.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )


def members(user: User) -> list[User]:
    """The people of the user's organisation, by name."""
    org = _own_org(user)
    return list(
        db.session.scalars(
            sa.select(User).where(User.organisation_id == org.id).order_by(User.name, User.id)
        )
    )


#: True for a colleague whose invitation is open (kept here for the pages that list members).
is_invited = invitations.is_invited


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


def invite_problems(name, email) -> dict[str, str]:
    """Each refused field of an invitation ("name", "email") and why: a form says them all
    at once, not one per try."""
    found: dict[str, str] = {}
    for field, check in (("name", _name), ("email", accounts.normalise_email)):
        try:
            check(name if field == "name" else email)
        except Invalid as exc:
            found[field] = str(exc.message)
    return found


def _taken(email: str, org: Organisation) -> Conflict:
    """Why an address that has an account cannot be invited, and what to do instead."""
    found = accounts.find_user_by_email(email)
    if found is not None and found.organisation_id == org.id and not found.enabled:
        return Conflict(_removed_before(email), field="email", code=Code.EMAIL_TAKEN)
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


def _removed_before(email: str):
    """A removed colleague's address: the account is disabled, and only the park enables it
    again (not 'Forgot your password?', which mails a disabled account nothing)."""
    phone = park_contact.park_phone()
    if phone:
        return _l(
            "%(email)s was removed from your organisation: the account is disabled, and only "
            "the park can enable it again. Call the park on %(phone)s.",
            email=email,
            phone=phone,
        )
    return _l(
        "%(email)s was removed from your organisation: the account is disabled, and only "
        "the park can enable it again. Contact the park.",
        email=email,
    )


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
    return add_member(
        user,
        org,
        INVITING[org.kind],
        name=name,
        email=email,
        link_for=link_for,
        language=language,
    )


def add_member(
    inviter: User, org: Organisation, role: Role, *, name, email, link_for, language=None
) -> User:
    """Invite a person into `org` with `role` (the caller has checked that the inviter may
    and that the organisation's kind holds the role): the account, its letter and the
    audit entry together or not at all, within the inviter's organisation's limits."""
    name = _name(name)
    email = accounts.normalise_email(email)
    if accounts.find_user_by_email(email):
        raise _taken(email, org)
    lock(org)  # the limits count the letters into it: one invitation at a time
    lock(inviter.organisation)
    try:
        invitations.check_quota(org, inviter)  # nothing is written or sent past them
        colleague = User(
            email=email,
            name=name,
            role=role,
            organisation=org,
            password_hash=hash_password(secrets.token_urlsafe(32)),
            locale=inviter.locale,  # the inviter's language until they choose their own
        )
        db.session.add(colleague)
        db.session.flush()
        invitations.send_letter(inviter, colleague, link_for=link_for, language=language)
        audit.record(
            "company.invite",
            actor=inviter,
            obj=colleague,
            details={"email": email, "role": role.value},
        )
        db.session.commit()
    except sa.exc.IntegrityError as exc:  # the same address invited at the same moment
        db.session.rollback()
        raise _taken(email, org) from exc
    except Exception:  # whatever failed (the outbox, the audit log): no account is left
        db.session.rollback()
        raise
    return colleague


def resend_invitation(user: User, colleague_id: int, *, link_for, language=None) -> User:
    """Mail a colleague of the user's own organisation whose invitation is open a new link;
    the earlier link stops working. NotFound for anyone outside it, Conflict once accepted."""
    return resend_member(user, _own_org(user), colleague_id, link_for=link_for, language=language)


def resend_member(inviter: User, org: Organisation, colleague_id: int, *, link_for, language=None):
    """Send the open invitation of a member of `org` again (the caller has checked that
    the inviter may): a new link, the earlier one stops working."""
    lock(org)
    lock(inviter.organisation)
    try:
        colleague = _colleague(org, colleague_id)
        if not is_invited(colleague) or not colleague.enabled:
            raise Conflict(
                _l("%(email)s has no open invitation to send again.", email=colleague.email),
                code=Code.NOT_INVITED,
            )
        invitations.check_quota(org, inviter)
        invitations.send_letter(
            inviter, colleague, link_for=link_for, language=language, fresh=True
        )
        audit.record(
            "company.reinvite", actor=inviter, obj=colleague, details={"email": colleague.email}
        )
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return colleague


def _colleague(org: Organisation, colleague_id: int) -> User:
    """A member of the organisation by id; NotFound for anyone else (as for no one)."""
    colleague = db.session.get(User, colleague_id)
    if colleague is None or colleague.organisation_id != org.id:
        raise NotFound(_l("No such colleague in your organisation."))
    return colleague


def colleague_of(user: User, colleague_id: int) -> User:
    """A colleague of the user's own organisation (the removal's confirmation shows them)."""
    return _colleague(_own_org(user), colleague_id)


def removal_refused(user: User, colleague_id: int) -> str:
    """Why removing the colleague would be refused now ("" if it would not): the
    confirmation page says so before anyone confirms. Reads only."""
    try:
        _removable(_own_org(user), colleague_id)
    except Conflict as exc:
        return str(exc.message)
    return ""


def remove_colleague(user: User, colleague_id: int, reason: str = "") -> User:
    """Remove a colleague (oneself included) from the user's own organisation: the account
    is disabled as an administrator disables one (audited with the optional reason, sessions
    ended, API tokens revoked) and its owner is mailed why. Refused if no other member who
    can log in would be left."""
    reason = user_admin.check_reason(reason)
    org = lock_own_org(user)  # two members removing each other: one waits, then is refused
    try:
        colleague = _removable(org, colleague_id)
        invited = is_invited(colleague)
        user_admin.disable(user, colleague, by="colleague", reason=reason)
        org_letters.removed(colleague, user, reason, invited=invited)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return colleague


def _removable(org: Organisation, colleague_id: int) -> User:
    """The member to remove, or Conflict: already removed, or the last who can log in."""
    colleague = _colleague(org, colleague_id)
    if not colleague.enabled:
        raise Conflict(
            _l("%(email)s was already removed.", email=colleague.email), code=Code.DISABLED
        )
    others = db.session.scalar(
        sa.select(sa.func.count(User.id)).where(
            User.organisation_id == org.id,
            User.id != colleague.id,
            User.enabled.is_(True),
            User.invited_at.is_(None),
        )
    )
    if not others:  # only oneself can be the last: whoever removes another is left
        raise Conflict(
            _l(
                "You are the last member of your organisation who can log in. Invite a "
                "colleague, and leave once they have accepted."
            ),
            code=Code.LAST_MEMBER,
        )
    return colleague
