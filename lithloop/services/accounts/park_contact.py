"""The park's phone, as every letter and message gives it: the setting SELLER_PHONE first,
else the phone the park saved with its company details (what its invoices show too)."""

from __future__ import annotations

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from lithloop.extensions import db
from lithloop.models import InvoiceDetails, Organisation, OrgKind


def park_phone() -> str:
    """The park's phone: SELLER_PHONE when set, else its saved details' phone; "" if neither."""
    configured = str(current_app.config.get("SELLER_PHONE") or "").strip()
    if configured:
        return configured
    saved = db.session.scalar(
        sa.select(InvoiceDetails.phone)
        .join(Organisation, Organisation.id == InvoiceDetails.organisation_id)
        .where(Organisation.kind == OrgKind.PARK_OPERATOR)
        .order_by(Organisation.id)  # the park an invoice names (invoices.freeze)
        .limit(1)
    )
    return (saved or "").strip()


def call_the_park():
    """Whom to call, as a lazy line (rendered in each recipient's language)."""
    phone = park_phone()
    if phone:
        return _l("Questions: call the park on %(phone)s.", phone=phone)
    return _l("Questions: contact the park.")
