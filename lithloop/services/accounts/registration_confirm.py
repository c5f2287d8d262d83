"""A registration confirmed by its mailed link: the organisation and its first user made.

The link proves the address; the password chosen on the form, asked again with it, proves
that whoever opens it is who registered (a link mailed to someone who did not register
cannot make an account another person holds the password of). From there the approval
flow is the one it always was: buyers are active at once, dealer branches and bus
companies wait for an admin, who is told now (never about an unconfirmed address). A user
whose organisation the park rejected may register again with their address (_again).
"""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from lithloop import clock, labels, letters
from lithloop.extensions import db
from lithloop.models import (
    ROLES_BY_KIND,
    Organisation,
    OrgKind,
    OrgStatus,
    PendingRegistration,
    Role,
    User,
)
from lithloop.services.accounts import audit
from lithloop.services.accounts.passwords import verify_password
from lithloop.services.accounts.registration import (
    CONFIRM_PURPOSE,
    confirm_max_age_s,
    find_user_by_email,
    holds_address,
    org_name_taken,
)
from lithloop.services.accounts.signed_links import fingerprint, read_token
from lithloop.services.errors import Conflict, Invalid

NAME_TAKEN = _l(
    "An organisation with this name is already registered. Register again with another name."
)
USED = _l("This confirmation link has already been used. Log in, or register again.")


def pending_for_token(token: str) -> PendingRegistration:
    """The registration a valid confirmation link names, or Invalid(field='token') saying
    what is wrong (forged, expired, or already used). Reads only."""
    data = read_token(
        CONFIRM_PURPOSE,
        token,
        max_age_s=confirm_max_age_s(),
        not_valid=_l("This confirmation link is not valid. Copy the whole link from the mail."),
        expired=_l("This confirmation link has expired. Register again."),
    )
    pending = db.session.get(PendingRegistration, data.get("p"))
    if pending is None or data.get("h") != fingerprint(pending.password_hash):
        raise Invalid(USED, field="token")
    return pending


def confirm_registration(token: str, password: str) -> User:
    """Confirm the address: make the organisation and its user from the registration, once.

    The password must be the one chosen on the form (Invalid, field 'password', if not).
    Every registration waiting for this address is used up with it. A user whose
    organisation the park rejected registers anew: see _again().
    """
    pending = pending_for_token(token)
    if not verify_password(pending.password_hash, password or ""):
        raise Invalid(_l("This is not the password you chose when registering."), field="password")
    former = find_user_by_email(pending.email)
    if holds_address(former):
        raise Invalid(USED, field="token")
    if org_name_taken(pending.organisation):
        raise Conflict(
            _l(
                "An organisation with this name was registered since you filled in the form. "
                "Register again with another name."
            ),
            field="token",
        )
    named = _rejected_named(pending.organisation)  # theirs to put back, or someone else's
    if named is not None and (former is None or named.id != former.organisation_id):
        raise Conflict(NAME_TAKEN, field="token")
    user = _make_account(pending) if former is None else _again(pending, former, named)
    try:
        # used up with the account, in its commit; a statement, not rows loaded first: a
        # concurrent confirmation may have deleted them already (and then wins the e-mail)
        db.session.execute(
            sa.delete(PendingRegistration).where(PendingRegistration.email == pending.email)
        )
        db.session.commit()
    except sa.exc.IntegrityError as exc:  # a concurrent confirmation took the name or e-mail
        db.session.rollback()
        raise Conflict(
            _l("This e-mail or organisation was registered a moment ago."), field="token"
        ) from exc
    return user


def _rejected_named(name: str) -> Organisation | None:
    """The rejected organisation with this name, if any."""
    query = sa.select(Organisation).where(
        Organisation.name == name, Organisation.status == OrgStatus.REJECTED
    )
    return db.session.scalar(query)


def _again(pending: PendingRegistration, former: User, named: Organisation | None) -> User:
    """A user whose organisation the park rejected registers again (added, not committed).

    The same user (one address, one person, their audit entries kept) takes the new
    registration's name, password, language and role. Under their rejected organisation's
    own name and kind, that organisation is put back before the park (its history, and
    anything recorded for it, stays with it); under another name a new organisation is
    made and the rejected one stays as it was, rejected (`named`: the rejected organisation
    of the registration's name, if any). The move is in the audit log.
    """
    # one move at a time: a concurrent confirmation for this user waits, then finds the
    # address held by the organisation the first one made (SQLite has one writer anyway)
    former = db.session.get(User, former.id, with_for_update=True, populate_existing=True)
    if holds_address(former):
        raise Invalid(USED, field="token")
    rejected = former.organisation
    if named is not None and (named.id != rejected.id or named.kind is not pending.kind):
        raise Conflict(NAME_TAKEN, field="token")
    account = _make_account(pending, user=former, org=named)
    former.session_version += 1  # a new password: no session opened before lives on
    audit.record(
        "user.register_again",
        actor=former,
        obj=former,
        details={
            "email": former.email,
            "former_organisation": f"{rejected.name} (#{rejected.id})",
            "name": pending.organisation,
            "kind": pending.kind.value,
        },
    )
    return account


def _make_account(
    pending: PendingRegistration, *, user: User | None = None, org: Organisation | None = None
) -> User:
    """The organisation and its first user (added, not committed); admins told of one that
    waits for their approval. `user` and `org`, when given, are re-used (_again)."""
    status = OrgStatus.ACTIVE if pending.kind is OrgKind.BUYER else OrgStatus.PENDING
    org = org or Organisation(name=pending.organisation, kind=pending.kind)
    org.status, org.city, org.phone = status, pending.city, pending.phone
    org.approved_at = clock.now() if status is OrgStatus.ACTIVE else None
    (role,) = ROLES_BY_KIND[pending.kind]
    user = user or User(email=pending.email)
    user.name, user.password_hash, user.role = pending.name, pending.password_hash, role
    user.organisation, user.locale = org, pending.locale
    # a buyer is logged in on confirming: its first login (never an "invited" colleague)
    user.last_login_at = clock.now() if status is OrgStatus.ACTIVE else user.last_login_at
    admins = db.session.scalars(sa.select(User).where(User.role == Role.ADMIN)).all()
    db.session.add_all([org, user])  # flushed at the commit: a unique-key race is seen there
    if status is OrgStatus.PENDING:
        for admin in admins:
            letters.send_letter(
                admin,
                _l("Approval needed: %(org)s"),
                _l("%(org)s (%(kind)s) was registered by %(name)s <%(email)s>.\n%(link)s\n"),
                org=pending.organisation,
                kind=labels.mid_sentence(
                    labels.ORG_KIND.get(pending.kind.value, pending.kind.value)
                ),
                name=pending.name,
                email=pending.email,
                link=letters.link("admin.approvals"),
            )
    return user
