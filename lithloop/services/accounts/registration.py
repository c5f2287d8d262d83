"""Registration: the form checked field by field in one round, then a letter to the address
(its confirmation makes the organisation: registration_confirm.py; approval of the waiting
ones: approvals.py; login: sign_in.py; reset: password_reset.py)."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask_babel import lazy_gettext as _l

from lithloop import clock, letters
from lithloop.batteries.codes import fold_full_width
from lithloop.extensions import db
from lithloop.models import Organisation, OrgKind, OrgStatus, PendingRegistration, User
from lithloop.services.accounts.passwords import check_policy, hash_password
from lithloop.services.accounts.signed_links import fingerprint, make_token
from lithloop.services.errors import Conflict, Invalid, ServiceError
from lithloop.services.strict_input import check_controls, check_visible, phone_number, place_name


def normalise_email(email: str) -> str:
    """Return the canonical (lower-case) address or raise Invalid(field='email'). Letters,
    digits and the @ typed in a Chinese keyboard's full-width mode (ｗａｎｇ＠ｑｑ.com) are
    read as ASCII: the confirmation was mailed to an address no mailbox has."""
    try:
        info = validate_email(fold_full_width((email or "").strip()), check_deliverability=False)
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


def stored_form(email: str) -> str:
    """The address as accounts store it (`normalise_email`: the 。 of a Chinese keyboard read
    as a dot, NFC, the domain in Unicode), or, for text that is no address, folded and
    lower-cased: the same address typed the same way always finds the same account."""
    try:
        return normalise_email(email)
    except Invalid:
        return fold_full_width((email or "").strip()).lower()


def find_user_by_email(email: str) -> User | None:
    """The user with this e-mail, or None."""
    return db.session.scalar(sa.select(User).where(User.email == stored_form(email)))


def holds_address(user: User | None) -> bool:
    """True when the user's account still holds its address: a user whose organisation the
    park rejected may register again with it (registration_confirm.py)."""
    return user is not None and user.organisation.status is not OrgStatus.REJECTED


#: Said beside the name: the staff of a registered branch join it by invitation, not by
#: registering it again (services/accounts/colleagues.py).
ORG_TAKEN = _l(
    "An organisation with this name is already registered. If you work there, ask a "
    "colleague who has an account to invite you from their organisation's page; otherwise "
    "use another name."
)


def org_name_taken(org_name: str) -> bool:
    """True when an organisation not rejected has this name (a rejected one's may register
    again: registration_confirm.py says whose)."""
    query = sa.select(Organisation.id).where(
        Organisation.name == org_name, Organisation.status != OrgStatus.REJECTED
    )
    return bool(db.session.scalar(query))


def registration_problems(
    *,
    organisation: str,
    name: str,
    email: str,
    password: str,
    phone: str = "",
    city: str = "",
    taken=True,
) -> list[ServiceError]:
    """Every field's problem at once, in the form's order (reads only): what register()
    refuses, so that a form can show each beside its field in one round. Whether the e-mail
    has an account is never among them (the mailed letter says it, to the address only);
    `taken=False` leaves out whether the name is registered already (a request whose form
    token failed learns nothing about other organisations)."""
    organisation, name = (organisation or "").strip(), (name or "").strip()
    problems: list[ServiceError] = []
    if not organisation:
        problems.append(Invalid(_l("Enter the organisation's name."), field="organisation"))
    if not name:
        problems.append(Invalid(_l("Enter your name."), field="name"))
    for field, text in (("organisation", organisation), ("city", city.strip()), ("name", name)):
        try:
            check_visible(text, field)  # a direction mark alone looks empty and is not
            check_controls(text, field)  # BEL, ESC: invisible here, on invoices and letters
            if field == "city":
                place_name(text, field)  # emoji or symbols alone name no city
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
    if taken and organisation and org_name_taken(organisation):
        problems.append(Conflict(ORG_TAKEN, field="organisation"))
    return problems


def request_registration(
    *,
    kind: OrgKind,
    organisation: str,
    name: str,
    email: str,
    password: str,
    link_for,
    city: str = "",
    phone: str = "",
    locale: str | None = None,
) -> None:
    """Take a registration and mail its address; the caller answers the same either way.

    A new address gets a link that confirms it and makes the organisation and its user
    (registration_confirm.py), and so does the address of a user whose organisation the
    park rejected (registering again); an address with an account gets a letter saying
    someone tried to register with it, and how to log in or reset the password.
    `link_for(token)` is the confirmation link's absolute URL; `locale` is the language of
    the letters.
    """
    if kind not in (OrgKind.BUYER, OrgKind.DEALER_BRANCH, OrgKind.BUS_COMPANY):
        raise Invalid(_l("This kind of organisation cannot register itself."), field="kind")
    problems = registration_problems(
        organisation=organisation, name=name, email=email, password=password, phone=phone, city=city
    )
    if problems:
        raise problems[0]
    email = normalise_email(email)
    password_hash = hash_password(password)  # for an existing address too: the same time
    _forget_expired_registrations()
    existing = find_user_by_email(email)
    if holds_address(existing) and existing.organisation.status is OrgStatus.PENDING:
        # walk: a dealer waiting for approval who registered again was told to log in, and
        # the login page then refused them as waiting
        letters.send_letter(
            existing,
            _l("Someone tried to register with your e-mail"),
            _l(
                "Someone (perhaps you) tried to register an organisation on lithloop with this "
                "e-mail address. It already has an account, for %(org)s, which the park is "
                "still reviewing, so nothing new was made.\n"
                "You can log in once the park approves it; we will mail you then.\n"
                "If it was not you, ignore this mail: your account has not changed.\n"
            ),
            asked_in=locale,
            org=existing.organisation.name,
        )
        db.session.commit()
        return
    if holds_address(existing):  # a rejected organisation's user registers anew
        letters.send_letter(
            existing,
            _l("Someone tried to register with your e-mail"),
            _l(
                "Someone (perhaps you) tried to register an organisation on lithloop with this "
                "e-mail address. It already has an account, so nothing new was made.\n"
                "If it was you, log in: %(login)s\n"
                "If you forgot your password, choose a new one: %(reset)s\n"
                "If it was not you, ignore this mail: your account has not changed.\n"
            ),
            asked_in=locale,  # their saved language first, else the page's
            login=letters.link("auth.login"),
            reset=letters.link("auth.reset_request"),
        )
        db.session.commit()
        return
    pending = PendingRegistration(
        email=email,
        kind=kind,
        organisation=organisation.strip(),
        name=name.strip(),
        city=city.strip(),
        phone=phone_number(phone, "phone"),
        password_hash=password_hash,
        locale=locale if locale in current_app.config["LANGUAGES"] else None,
    )
    db.session.add(pending)
    db.session.flush()  # its id goes into the link
    token = make_token(CONFIRM_PURPOSE, {"p": pending.id, "h": fingerprint(password_hash)})
    letters.send_letter(
        pending,
        _l("Confirm your e-mail to finish registering"),
        _l(
            "Open this link to confirm this e-mail address and finish registering on "
            "lithloop (valid %(hours)s hours):\n%(link)s\n"
            "If you did not register, ignore this mail: nothing is made without the link.\n"
        ),
        hours=confirm_max_age_s() // 3600,
        link=link_for(token),
    )
    db.session.commit()


#: The purpose a confirmation link is signed for (signed_links.py).
CONFIRM_PURPOSE = "registration-confirm"


def confirm_max_age_s() -> int:
    """How long a registration's confirmation link stays valid, in seconds."""
    return current_app.config["REGISTRATION_LINK_MAX_AGE_S"]


def _forget_expired_registrations() -> None:
    """Delete the registrations whose link has expired: nothing can confirm them now."""
    before = clock.now() - timedelta(seconds=confirm_max_age_s())
    db.session.execute(
        sa.delete(PendingRegistration).where(PendingRegistration.created_at < before)
    )
