"""The audit log in words: what each recorded action means and what its details are called.

Actions and detail keys are stable codes in the database; a page shows these words (through
the Babel catalogue), and a code without words is shown as the code so nothing is hidden.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from lithloop import labels
from lithloop.i18n import listed, money
from lithloop.web.pricing_text import price_name

ACTIONS = {
    "api_token.issue": _l("API token issued"),
    "api_token.revoke": _l("API token revoked"),
    "company.invite": _l("Colleague invited"),
    "company.reinvite": _l("Invitation sent again"),
    "company.invoice_details": _l("Invoice details changed"),
    "holiday_calendar.upload": _l("Holiday calendar uploaded"),
    "order.refund": _l("Order refunded"),
    "order.settled_in_stripe": _l("Payment marked as settled in Stripe"),
    "organisation.approve": _l("Organisation approved"),
    "organisation.create": _l("Organisation created"),
    "organisation.reactivate": _l("Organisation reactivated"),
    "organisation.reject": _l("Organisation rejected"),
    "organisation.suspend": _l("Organisation suspended"),
    "price_index.add_version": _l("Price index version added"),
    "rfq.decline": _l("Request for quote declined"),
    "rfq.quote": _l("Request for quote answered"),
    "truck.add": _l("Truck added"),
    "truck.change": _l("Truck changed"),
    "truck.reactivate": _l("Truck back in service"),
    "truck.retire": _l("Truck retired"),
    "user.disable": _l("User disabled"),
    "user.enable": _l("User enabled"),
    "user.locked": _l("Sign-in locked after failed attempts"),
    "user.role_change": _l("Role changed"),
    "user.register_again": _l("Registered again after a rejection"),
    "user.sessions_ended": _l("All sessions ended"),
    "user.unlock": _l("Sign-in unlocked"),
}

OBJECTS = {
    "api_token": _l("API token"),
    "holiday_year": _l("Holiday calendar"),
    "order": _l("Order"),
    "apitoken": _l("API token"),
    "organisation": _l("Organisation"),
    "price_index_version": _l("Price index version"),
    "quoterequest": _l("Request for quote"),
    "truck": _l("Truck"),
    "user": _l("User"),
}

KEYS = {
    "address": _l("Address"),
    "amount_fen": _l("Amount"),
    "changed": _l("Changed values"),  # a truck's fields, as now stored
    "changes": _l("Changed prices"),
    "days": _l("Valid for (days)"),  # an API token's lifetime
    "due_since": _l("To be cancelled since"),
    "effective_date": _l("Effective from"),
    "email": _l("E-mail"),
    "former_organisation": _l("Rejected organisation"),
    "intent_id": _l("Stripe payment"),
    "kind": _l("Kind"),
    "label": _l("Token name"),  # an API token's name, as its holder gave it
    "line": _l("Order line"),
    "name": _l("Organisation name"),  # recorded only for organisations
    "note": _l("Note"),
    "off": _l("Days off"),
    "payload_kg": _l("Payload (kg)"),
    "plate": _l("Plate"),
    "orders_cancelled": _l("Unpaid orders cancelled"),  # by an organisation's suspension
    "prefix": _l("Token prefix"),
    "previous": _l("Previous prices"),
    "reason": _l("Reason"),
    "replaced": _l("Replaced"),
    "role": _l("Role"),
    "role_before": _l("Previous role"),
    "source": _l("Source"),
    "stripe_refund_id": _l("Stripe refund"),
    "taxpayer_id": _l("Taxpayer ID"),
    "unit_price_fen": _l("Unit price"),
    "user_id": _l("User"),
    "valid_until": _l("Valid until"),
    "was_locked": _l("Was locked"),
    "work": _l("Working days"),
}

#: Why every session of a user was ended (user.sessions_ended), recorded as these codes.
SESSION_END_REASONS = {
    "account disabled": _l("The account was disabled"),
    "log out everywhere": _l("Log out everywhere"),
    "password change": _l("The password was changed"),
    "password reset": _l("The password was reset"),
}


def action_words(code: str) -> str:
    """A recorded action in words."""
    return str(ACTIONS.get(code, code))


def object_words(kind: str) -> str:
    """A recorded object's kind in words."""
    return str(OBJECTS.get(kind, kind))


def detail_rows(details: dict | None) -> list[tuple[str, str]]:
    """An entry's details as (name, value) rows: amounts in yuan, lists and maps spelled out."""
    rows = []
    for key, value in (details or {}).items():
        if key.endswith("_fen") and isinstance(value, int):
            shown = money(value)
        elif isinstance(value, dict):  # prices by key (a version's changes)
            shown = "; ".join(f"{price_name(k)} {v}" for k, v in value.items()) or "—"
        elif isinstance(value, list):
            shown = str(listed([str(v) for v in value]))
        elif isinstance(value, bool):
            shown = str(_l("yes") if value else _l("no"))
        elif key == "kind" and isinstance(value, str):  # an organisation's kind
            shown = labels.label(labels.ORG_KIND, value)
        elif key == "reason" and value in SESSION_END_REASONS:
            shown = str(SESSION_END_REASONS[value])
        else:
            shown = "—" if value in (None, "") else str(value)
        rows.append((str(KEYS.get(key, key)), shown))
    return rows


def init_templates(app) -> None:
    """Expose the audit words to templates."""
    app.jinja_env.globals.update(
        audit_action=action_words, audit_object=object_words, audit_details=detail_rows
    )
