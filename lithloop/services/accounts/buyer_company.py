"""A buyer's company: its invoice details (its people and invitations: accounts/colleagues.py)."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from lithloop import clock
from lithloop.extensions import db
from lithloop.models import InvoiceDetails, Organisation, OrgKind, Role, User
from lithloop.services.accounts import audit, taxpayer_id
from lithloop.services.errors import Forbidden, Invalid, ServiceError
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
