"""Registration: an organisation with its first user, checked field by field in one round
(approval of the waiting ones: approvals.py; login: sign_in.py; reset: password_reset.py)."""

from __future__ import annotations

import sqlalchemy as sa
from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask_babel import lazy_gettext as _l

from lithloop import clock, labels, letters
from lithloop.extensions import db
from lithloop.models import (
    ROLES_BY_KIND,
    Organisation,
    OrgKind,
    OrgStatus,
    Role,
    User,
)
from lithloop.services.accounts.passwords import check_policy, hash_password
from lithloop.services.errors import Conflict, Invalid, ServiceError
from lithloop.services.strict_input import check_visible, phone_number


def normalise_email(email: str) -> str:
    """Return the canonical (lower-case) address or raise Invalid(field='email')."""
    try:
        info = validate_email((email or "").strip(), check_deliverability=False)
    except EmailNotValidError as exc:
        raise Invalid(_email_problem(str(exc)), field="email") from exc
    return info.normalized.lower()


def _email_problem(why: str):
    """email_validator's English reason as a message in the reader's language."""
    if "too long" in why or "so many characters" in why:  # "(251 characters too many)"
        return _l("Enter a valid e-mail address: this one is too long (or one of its parts is).")
    if "characters" in why:  # before the @-sign checks: "invalid characters before the @-sign"
        return _l(
            "Enter a valid e-mail address: it contains a character (such as a space) that "
            "e-mail addresses cannot have."
        )
    if "must have an @-sign" in why:
        return _l("Enter a valid e-mail address: it needs an @ sign.")
    if "after the @-sign" in why or "should have a period" in why:
        return _l("Enter a valid e-mail address: after the @ comes a domain like example.com.")
    if "before the @-sign" in why:
        return _l("Enter a valid e-mail address: a name must come before the @ sign.")
    return _l("Enter a valid e-mail address, such as name@example.com.")


def find_user_by_email(email: str) -> User | None:
    """The user with this e-mail, or None."""
    return db.session.scalar(sa.select(User).where(User.email == email.strip().lower()))


EMAIL_TAKEN = _l("An account with this e-mail already exists.")
ORG_TAKEN = _l("An organisation with this name is already registered.")


def _org_name_taken(org_name: str) -> bool:
    return bool(db.session.scalar(sa.select(Organisation.id).where(Organisation.name == org_name)))


def registration_problems(
    *, organisation: str, name: str, email: str, password: str, phone: str = "", taken=True
) -> list[ServiceError]:
    """Every field's problem at once, in the form's order (reads only): what register()
    refuses, so that a form can show each beside its field in one round. `taken=False`
    leaves out whether the e-mail or the name is registered already (a request whose form
    token failed learns nothing about other people's accounts)."""
    organisation, name = (organisation or "").strip(), (name or "").strip()
    problems: list[ServiceError] = []
    if not organisation:
        problems.append(Invalid(_l("Enter the organisation's name."), field="organisation"))
    if not name:
        problems.append(Invalid(_l("Enter your name."), field="name"))
    for field, text in (("organisation", organisation), ("name", name)):
        try:
            check_visible(text, field)  # a direction mark alone looks empty and is not
        except Invalid as exc:
            problems.append(exc)
    try:
        phone_number(phone, "phone")
    except Invalid as exc:
        problems.append(exc)
    try:
        email = normalise_email(email)
    except Invalid as exc:
        problems.append(exc)
        email = ""
    try:
        check_policy(password or "", email)
    except Invalid as exc:
        problems.append(exc)
    if taken and email and find_user_by_email(email):
        problems.append(Conflict(EMAIL_TAKEN, field="email"))
    if taken and organisation and _org_name_taken(organisation):
        problems.append(Conflict(ORG_TAKEN, field="organisation"))
    return problems


def register(
    *,
    kind: OrgKind,
    organisation: str,
    name: str,
    email: str,
    password: str,
    city: str = "",
    phone: str = "",
    locale: str | None = None,
) -> User:
    """Register an organisation with its first user.

    Buyers are active at once; dealer branches and bus companies wait for an admin.
    `locale` is the language the person registered in: their letters are written in it.
    """
    if kind not in (OrgKind.BUYER, OrgKind.DEALER_BRANCH, OrgKind.BUS_COMPANY):
        raise Invalid(_l("This kind of organisation cannot register itself."), field="kind")
    problems = registration_problems(
        organisation=organisation, name=name, email=email, password=password, phone=phone
    )
    if problems:
        raise problems[0]
    organisation, name = organisation.strip(), name.strip()
    phone, email = phone_number(phone, "phone"), normalise_email(email)
    status = OrgStatus.ACTIVE if kind is OrgKind.BUYER else OrgStatus.PENDING
    org = Organisation(name=organisation, kind=kind, status=status, city=city.strip(), phone=phone)
    if status is OrgStatus.ACTIVE:
        org.approved_at = clock.now()
    (role,) = ROLES_BY_KIND[kind]
    user = User(
        email=email,
        name=name,
        password_hash=hash_password(password),
        role=role,
        organisation=org,
        locale=locale if locale in current_app.config["LANGUAGES"] else None,
    )
    db.session.add_all([org, user])
    if status is OrgStatus.PENDING:
        for admin in db.session.scalars(sa.select(User).where(User.role == Role.ADMIN)):
            letters.send_letter(
                admin,
                _l("Approval needed: %(org)s"),
                _l("%(org)s (%(kind)s) was registered by %(name)s <%(email)s>.\n%(link)s\n"),
                org=organisation,
                kind=labels.ORG_KIND.get(kind.value, kind.value),
                name=name,
                email=email,
                link=letters.link("admin.approvals"),
            )
    try:
        db.session.commit()
    except sa.exc.IntegrityError as exc:  # a concurrent registration took the name or e-mail
        db.session.rollback()
        raise Conflict(
            _l("This e-mail or organisation was registered a moment ago."), field="email"
        ) from exc
    return user
