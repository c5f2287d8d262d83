"""The audit log in words: what each recorded action means and what its details are called.

Actions and detail keys are stable codes in the database; a page shows these words (through
the Babel catalogue), and a code without words is shown as the code so nothing is hidden.
"""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l

from lithloop import labels
from lithloop.i18n import listed, local_time, money
from lithloop.web.audit_trucks import is_truck_change, truck_change_words
from lithloop.web.fleet_text import COLUMN_LABELS
from lithloop.web.pricing_text import price_name

ACTIONS = {
    "api_token.issue": _l("API token issued"),
    "api_token.revoke": _l("API token revoked"),
    "company.invite": _l("Colleague invited"),
    "company.reinvite": _l("Invitation sent again"),
    "company.invoice_details": _l("Invoice details changed"),
    "fleet_pack.change": _l("Fleet pack changed"),
    "fleet_pack.remove": _l("Fleet pack removed from the register"),
    "holiday_calendar.upload": _l("Holiday calendar uploaded"),
    "order.refund": _l("Order refunded"),
    "order.refund_failed": _l("Refund did not go through"),
    "order.refund_paid_back": _l("Refund paid back another way"),
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
    "bus_pack": _l("Fleet pack"),
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
    "by": _l("Removed by"),  # a colleague's removal from the people page
    "changed": _l("Changed values"),  # a truck's fields, as now stored
    "changes": _l("Changed prices"),
    "days": _l("Valid for (days)"),  # an API token's lifetime
    "due_since": _l("To be cancelled since"),
    "effective_date": _l("Effective from"),
    "email": _l("E-mail"),
    "failure_reason": _l("Reason from the payment service"),
    "former_organisation": _l("Rejected organisation"),
    "intent_id": _l("Stripe payment"),
    "kind": _l("Kind"),
    "label": _l("Token name"),  # an API token's name, as its holder gave it
    "line": _l("Order line"),
    "lock": _l("Times locked"),
    "name": _l("Organisation name"),  # recorded only for organisations
    "note": _l("Note"),
    "off": _l("Days off"),
    "payload_kg": _l("Payload (kg)"),
    "plate": _l("Plate"),
    "orders_cancelled": _l("Unpaid orders cancelled"),  # by an organisation's suspension
    "pack_code": _l("Pack code"),
    "prefix": _l("Token prefix"),
    "previous": _l("Previous prices"),
    "reason": _l("Reason"),
    "refund_id": _l("Refund"),
    "replaced": _l("Replaced"),
    "role": _l("Role"),
    "role_before": _l("Previous role"),
    "source": _l("Source"),
    "status": _l("Status"),  # a refund's, as Stripe reported it
    "stripe_refund_id": _l("Stripe refund"),
    "taxpayer_id": _l("Taxpayer ID"),
    "unit_price_fen": _l("Unit price"),
    "until": _l("Locked until"),
    "user_id": _l("User"),
    "values": _l("Changed values"),  # a fleet pack's: each column, before and after
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


#: Who removed a colleague (user.disable's `by`), recorded as a code.
REMOVED_BY = {"colleague": _l("a colleague in the same organisation")}

#: A refund's final status at Stripe (order.refund_failed's `status`).
REFUND_STATUS = {"failed": _l("did not go through"), "canceled": _l("cancelled")}

#: Why Stripe says a refund failed (its `failure_reason` codes).
REFUND_FAILURES = {
    "lost_or_stolen_card": _l("the card was reported lost or stolen"),
    "expired_or_canceled_card": _l("the card has expired or was cancelled"),
    "charge_for_pending_refund_disputed": _l("the payment is disputed"),
    "insufficient_funds": _l("not enough money in the park's payment account"),
    "declined": _l("the bank declined the refund"),
    "merchant_request": _l("cancelled at the park's request"),
    "unknown": _l("no reason given"),
}

#: Details whose values are codes, by key: each shown through its table of words.
CODED = {
    "by": REMOVED_BY,
    "failure_reason": REFUND_FAILURES,
    "reason": SESSION_END_REASONS,
    "status": REFUND_STATUS,
}
#: Details that are moments (ISO 8601 in UTC): shown in the park's time.
MOMENTS = ("due_since", "until")


def _coded(key: str, value: str) -> str | None:
    """A coded detail's words, or None when the key or value has none."""
    if key in ("role", "role_before"):
        return labels.label(labels.ROLE, value)
    if key == "kind":  # an organisation's kind
        return labels.label(labels.ORG_KIND, value)
    if key in MOMENTS:
        try:
            return local_time(datetime.fromisoformat(value))
        except ValueError:
            return None
    words = CODED.get(key, {}).get(value)
    return None if words is None else str(words)


def _was(pair) -> str:
    return (str(pair[0]) or "—") if isinstance(pair, list) and len(pair) == 2 else "?"


def _now(pair) -> str:
    return (str(pair[1]) or "—") if isinstance(pair, list) and len(pair) == 2 else str(pair)


def action_words(code: str) -> str:
    """A recorded action in words."""
    return str(ACTIONS.get(code, code))


def object_words(kind: str) -> str:
    """A recorded object's kind in words."""
    return str(OBJECTS.get(kind, kind))


def detail_rows(details: dict | None, names: dict | None = None) -> list[tuple[str, str]]:
    """An entry's details as (name, value) rows: amounts in yuan, lists and maps spelled out
    (`names`: the page's drivers and depots by id, audit.truck_change_names)."""
    rows = []
    for key, value in (details or {}).items():
        if key.endswith("_fen") and isinstance(value, int):
            shown = money(value)
        elif key == "values" and isinstance(value, dict):  # a fleet pack's, before → after
            shown = "; ".join(
                f"{COLUMN_LABELS.get(k, k)}: {_was(v)} → {_now(v)}" for k, v in value.items()
            )
        elif isinstance(value, dict) and key == "changed" and is_truck_change(value):
            shown = truck_change_words(value, names)
        elif isinstance(value, dict):  # prices by key (a version's changes)
            shown = "; ".join(f"{price_name(k)} {v}" for k, v in value.items()) or "—"
        elif isinstance(value, list):
            shown = str(listed([str(v) for v in value]))
        elif isinstance(value, bool):
            shown = str(_l("yes") if value else _l("no"))
        elif isinstance(value, str) and (words := _coded(key, value)) is not None:
            shown = words
        else:
            shown = "—" if value in (None, "") else str(value)
        rows.append((str(KEYS.get(key, key)), shown))
    return rows


def init_templates(app) -> None:
    """Expose the audit words to templates."""
    app.jinja_env.globals.update(
        audit_action=action_words, audit_object=object_words, audit_details=detail_rows
    )
