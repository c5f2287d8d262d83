"""The market blueprint (`market`, under /market), its roles, the cart kept on the server
and the helpers its templates use."""

from __future__ import annotations

import uuid

from flask import Blueprint
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from lithloop import labels
from lithloop.services.accounts import policies
from lithloop.services.market import cart as market_cart
from lithloop.services.market import catalog, catalog_groups, order_cancel

bp = Blueprint("market", __name__, url_prefix="/market")
BUYER = policies.BUYERS
ALL_ORDERS = policies.ORDER_VIEWERS
CATALOG_GROUPS = 24  # listings (groups of identical packs) per catalog page


def order_status_label(value: str, kind: str | None = None) -> str:
    """An order status in the current language; an order picked up at the park (`kind`
    'pickup') is collected, not shipped."""
    table = labels.PICKUP_ORDER_STATUS if kind == "pickup" else labels.ORDER_STATUS
    return labels.label(table, value)


#: The reasons the platform itself gives when it cancels an order (kept as these words in
#: order.cancel_reason by services/market: expiry, payments, payment_outcome, order_cancel;
#: and by accounts/org_admin on a suspension), said in the reader's language.
_CANCEL_REASONS = {
    "reservation expired": _l(
        "Not paid before the reservation ended: the packs are on sale again."
    ),
    "payment cancelled": _l("The payment was cancelled: the packs are on sale again."),
    "organisation suspended": _l(
        "The park suspended the buyer's organisation: its unpaid orders were cancelled."
    ),
    order_cancel.BY_BUYER: _l("The buyer cancelled the order: the packs are on sale again."),
    order_cancel.BY_PARK: _l("The park cancelled the unpaid order: the packs are on sale again."),
}


def cancel_reason_text(reason: str) -> str:
    """Why an order was cancelled, in words: the platform's own reasons translated."""
    return str(_CANCEL_REASONS.get(reason, reason))


@bp.app_context_processor
def _helpers():
    return {
        "order_status_label": order_status_label,
        "cancel_reason_text": cancel_reason_text,
        "use_cases": catalog.USE_CASES,
        "group_id": catalog_groups.group_id,
        "one_time_token": lambda: uuid.uuid4().hex,
    }


def read_cart() -> dict:
    """The buyer's cart, kept on the server."""
    return market_cart.read(current_user)


def save_cart(cart: dict) -> None:
    """Keep the cart on the server; each change gives it a new checkout token."""
    market_cart.save(current_user, cart["packs"], cart["groups"])


def cart_lines(cart: dict) -> list[dict]:
    """The cart as checkout lines."""
    return [{"pack_id": i} for i in cart["packs"]] + [
        {"group_id": g, "quantity": q} for g, q in cart["groups"].items()
    ]


def delivery_from_form(form) -> dict:
    """The delivery fields a buyer typed: how (pickup or delivered), address, contact, phone."""
    return {
        "kind": form.get("delivery_kind", "pickup"),
        "address": form.get("address"),
        "contact": form.get("contact"),
        "phone": form.get("phone"),
    }
