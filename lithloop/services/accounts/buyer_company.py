"""A buyer's company: its invoice details and its users (a colleague is invited by mail)."""

from __future__ import annotations

import secrets

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from lithloop import clock, letters
from lithloop.extensions import db
from lithloop.models import InvoiceDetails, Organisation, OrgKind, Role, User
from lithloop.services.accounts import audit, password_reset, taxpayer_id
from lithloop.services.accounts import registration as accounts
from lithloop.services.accounts.errors import Code
from lithloop.services.accounts.passwords import hash_password
from lithloop.services.errors import Conflict, Forbidden, Invalid, ServiceError
from lithloop.services.strict_input import check_controls, phone_number, typed_text

#: Field name -> (maximum length, required).
FIELDS = {
    "company_name": (200, True),
    "taxpayer_id": (18, True),
    "address": (300, True),
    "phone": (40, True),
    "bank_name": (200, True),
    "bank_account": (40, True),
}


def _buyer_org(user: User) -> Organisation:
    if user.role is not Role.BUYER or user.organisation.kind is not OrgKind.BUYER:
        raise Forbidden(_l("Only buyers manage a company account."))
    return user.organisation


def details_of(org: Organisation) -> InvoiceDetails | None:
    """The organisation's invoice details, or None if never given."""
    return db.session.scalar(
        sa.select(InvoiceDetails).where(InvoiceDetails.organisation_id == org.id)
    )


def invoice_details_missing(org: Organisation) -> bool:
    """True while the company has given no taxpayer ID: an order paid now would be invoiced
    without one, for good (the invoice keeps the details of the day it was paid)."""
    details = details_of(org)
    return not (details.taxpayer_id if details else org.taxpayer_id)


def _field(form, name: str) -> str:
    """One invoice field as stored, or Invalid naming it."""
    limit, required = FIELDS[name]
    # nothing but invisible characters, or direction controls (an invoice read backwards)
    value = check_controls(typed_text(" ".join(str(form.get(name) or "").split()), name), name)
    if required and not value:
        raise Invalid(_l("This field is required on a VAT invoice."), field=name)
    if name == "taxpayer_id":  # counted without the spaces and hyphens typed for reading
        return taxpayer_id.validate(value)
    if len(value) > limit:
        raise Invalid(_l("At most %(n)s characters.", n=limit), field=name)
    if name == "phone":
        return phone_number(value, "phone")
    if name == "bank_account":
        account = value.replace(" ", "")
        if not (account.isascii() and account.isdigit()) or not 6 <= len(account) <= 32:
            raise Invalid(_l("A bank account number has 6 to 32 digits."), field=name)
        return account
    return value


def parse_details(form) -> dict:
    """The invoice fields from a form or JSON body, checked; Invalid names the first bad one."""
    return {name: _field(form, name) for name in FIELDS}


def detail_problems(form) -> dict[str, str]:
    """Every refused invoice field by name (a page shows them all at once, not one per try)."""
    found: dict[str, str] = {}
    for name in FIELDS:
        try:
            _field(form, name)
        except Invalid as exc:
            found[exc.field or name] = str(exc.message)
    return found


def update_details(user: User, form) -> InvoiceDetails:
    """Save the company's invoice details (any of its buyer users may); audited."""
    org = _buyer_org(user)
    values = parse_details(form)
    try:
        details = db.session.scalar(
            sa.select(InvoiceDetails)
            .where(InvoiceDetails.organisation_id == org.id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
        if details is None:
            details = InvoiceDetails(organisation_id=org.id, **values)
            db.session.add(details)
        else:
            for name, value in values.items():
                setattr(details, name, value)
        details.updated_at, details.updated_by_id = clock.now(), user.id
        org.taxpayer_id = values["taxpayer_id"]
        audit.record(
            "company.invoice_details",
            actor=user,
            obj=org,
            details={"taxpayer_id": values["taxpayer_id"]},
        )
        db.session.commit()
    except (ServiceError, sa.exc.SQLAlchemyError):
        db.session.rollback()
        raise
    return details


def colleagues(user: User) -> list[User]:
    """The users of the buyer's organisation, by name."""
    org = _buyer_org(user)
    return list(
        db.session.scalars(
            sa.select(User).where(User.organisation_id == org.id).order_by(User.name, User.id)
        )
    )


def invite_colleague(
    user: User, *, name: str, email: str, link_for, language: str | None = None
) -> User:
    """Add a colleague to the buyer's organisation; they choose a password through a mailed link.

    The new account has an unguessable password until the colleague sets one with the
    same signed link as a password reset (`link_for(token)` makes it absolute). The letter
    is in the inviter's saved language, else in `language`, the page's they invited from.
    """
    org = _buyer_org(user)
    name = typed_text(" ".join((name or "").split()), "name")  # as registration's NAME_CHECKS
    if not name:
        raise Invalid(_l("Enter your colleague's name."), field="name")
    if len(name) > 120:
        raise Invalid(_l("At most %(n)s characters.", n=120), field="name")
    email = accounts.normalise_email(email)
    if accounts.find_user_by_email(email):
        raise Conflict(
            _l("An account with this e-mail already exists."), field="email", code=Code.EMAIL_TAKEN
        )
    colleague = User(
        email=email,
        name=name,
        role=Role.BUYER,
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
                "%(name)s invited you to the lithloop buyer account of %(org)s. "
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
    except sa.exc.IntegrityError as exc:
        db.session.rollback()
        raise Conflict(
            _l("An account with this e-mail already exists."), field="email", code=Code.EMAIL_TAKEN
        ) from exc
    except (ServiceError, sa.exc.SQLAlchemyError):
        db.session.rollback()
        raise
    return colleague
