"""The buyer's cart on the server: packs and groups with quantities, and what they cost.

Kept per user (not in the session), so that it is still there after logging out and in.
Each change gives the cart a new checkout token (one order per token, see checkout_once).
"""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext

from lithloop.db import atomic as _run
from lithloop.extensions import db
from lithloop.models import Cart, User
from lithloop.services.errors import Invalid, ServiceError
from lithloop.services.market import delivery as market_delivery
from lithloop.services.market import invoices
from lithloop.services.strict_input import grouped, strict_int

DELIVERY_KEYS = ("kind", "city", "address", "contact", "phone")
DELIVERY_LIMITS = {"kind": 10, "city": 100, "phone": 40, **market_delivery.FREE_TEXT_LIMITS}
#: Free text refused when longer than its column, never cut; shown as typed when refused.
FREE_TEXT = tuple(market_delivery.FREE_TEXT_LIMITS)


def quantity_of(raw, stock: int) -> int:
    """A quantity typed for a group of `stock` packs on sale (1 when none is sent); Invalid
    naming "quantity" for anything else, one over the stock saying how many there are."""
    if raw is None:
        return 1
    text = str(raw).strip()
    if text.isascii() and text.isdigit() and (len(text) > 9 or int(text) > stock):
        if not stock:
            raise Invalid(_l("These packs are no longer on sale."), field="quantity")
        raise Invalid(
            lazy_ngettext(
                "Only %(n)s of these packs is on sale: choose at most that one.",
                "Only %(n)s of these packs are on sale: choose at most that many.",
                stock,
                n=grouped(stock),
            ),
            field="quantity",
        )
    return strict_int(raw, "quantity", minimum=1, maximum=max(stock, 1))


def _empty() -> dict:
    return {"packs": [], "groups": {}, "token": "", "delivery": {"kind": "pickup"}}


def clean_delivery(raw) -> dict:
    """The delivery fields a form sent, as text (nothing checked yet): the address and the
    contact as typed, the others cut to their columns (check_free_text refuses long ones)."""
    raw = raw if hasattr(raw, "get") else {}
    out = {k: str(raw.get(k) or "").strip() for k in DELIVERY_KEYS}
    out |= {k: out[k][: DELIVERY_LIMITS[k]] for k in DELIVERY_KEYS if k not in FREE_TEXT}
    out["kind"] = out["kind"] or str(raw.get("delivery_kind") or "")  # the form's name
    out["kind"] = "address" if out["kind"] == "address" else "pickup"
    if out["kind"] == "pickup":  # typed before choosing pickup: a pickup never uses them
        out |= {k: "" for k in DELIVERY_KEYS if k != "kind"}
    return out


def check_free_text(raw) -> None:
    """Invalid naming the field (address, contact) of a delivery whose text is longer than
    its column or carries direction controls: nothing of the delivery is kept then."""
    raw = raw if hasattr(raw, "get") else {}
    if clean_delivery(raw)["kind"] == "pickup":
        return  # a pickup keeps none of them
    for key in FREE_TEXT:
        market_delivery.free_text(raw.get(key), key)


def read(user: User) -> dict:
    """The user's cart as {"packs": [ids], "groups": {key: quantity}, "token"} (no write)."""
    cart = db.session.scalar(sa.select(Cart).where(Cart.user_id == user.id))
    if cart is None:
        return _empty()
    return {
        "packs": [int(i) for i in cart.pack_ids or []],
        "groups": {str(k): int(v) for k, v in (cart.groups or {}).items()},
        "token": cart.token or "",
        "delivery": clean_delivery(cart.delivery or {}),
    }


def _locked(user: User) -> Cart:
    """The user's cart row, locked until the commit and read as it is now (made empty first
    when there is none; a twin request making it at the same moment is waited for)."""
    query = (
        sa.select(Cart)
        .where(Cart.user_id == user.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    cart = db.session.scalar(query)
    if cart is None:
        try:
            with db.session.begin_nested():
                db.session.add(Cart(user_id=user.id, pack_ids=[], groups={}, token=""))
        except sa.exc.IntegrityError:
            pass  # another request made it first: lock that one
        cart = db.session.scalar(query)
    return cart


def _store(cart: Cart, packs: list[int], groups: dict[str, int]) -> dict:
    cart.pack_ids = list(dict.fromkeys(int(i) for i in packs))
    cart.groups = {str(k): int(v) for k, v in groups.items() if int(v) > 0}
    cart.token = uuid.uuid4().hex
    return {"packs": cart.pack_ids, "groups": cart.groups, "token": cart.token}


def save(user: User, packs: list[int], groups: dict[str, int]) -> dict:
    """Store the cart's contents with a new checkout token; returns it as read() does."""
    return _run(lambda: _store(_locked(user), packs, groups))


def change(user: User, edit) -> dict:
    """Change the cart where it is stored, under its row lock: `edit(packs, groups)` edits
    the lists read under the lock, so that two tabs adding at once both keep their pack
    (a cart read before the lock and saved whole would drop the other tab's)."""

    def work():
        cart = _locked(user)
        packs = [int(i) for i in cart.pack_ids or []]
        groups = {str(k): int(v) for k, v in (cart.groups or {}).items()}
        edit(packs, groups)
        return _store(cart, packs, groups)

    return _run(work)


def add_pack(user: User, pack_id: int) -> dict:
    """Put one pack in the cart (once)."""
    return change(user, lambda packs, groups: packs.append(pack_id))


def set_group(user: User, key: str, quantity: int, replaces: str | None = None) -> dict:
    """Set the quantity of a group, taking out the line it replaces (a repriced one)."""

    def edit(packs, groups):
        if replaces not in (None, key):
            groups.pop(replaces, None)
        groups[key] = quantity

    return change(user, edit)


def remove(user: User, pack_id: str | None, group_id: str | None) -> dict:
    """Take a pack (its id as the form sent it) or a group out of the cart."""

    def edit(packs, groups):
        packs[:] = [i for i in packs if str(i) != pack_id]
        groups.pop(group_id or "", None)

    return change(user, edit)


def save_delivery(user: User, fields) -> dict:
    """Keep the delivery chosen so far (kind, city, address, contact, phone) with the cart;
    Invalid, and nothing kept, for an address or contact longer than its column."""
    check_free_text(fields)
    chosen = clean_delivery(fields)

    def work():
        cart = _locked(user)
        cart.token = cart.token or uuid.uuid4().hex
        cart.delivery = chosen
        return chosen

    return _run(work)


def choose_delivery(user: User, fields) -> dict:
    """Keep the delivery chosen, its city checked first: a city no truck can deliver to is
    refused (the ServiceError raised, beside the city field) and not kept; the cart then
    keeps the city it had (a delivery's, checked when chosen) or none, the rest as typed.
    An address or contact longer than its column is refused first, and nothing kept."""
    check_free_text(fields)
    chosen = clean_delivery(fields)
    if chosen["kind"] == "address":
        try:
            market_delivery.deliverable_city(chosen["city"])
        except ServiceError:
            before = read(user)["delivery"]
            kept = before["city"] if before.get("kind") == "address" else ""
            save_delivery(user, {**chosen, "city": kept})
            raise
    return save_delivery(user, chosen)


def same_delivery(a: dict, b: dict) -> bool:
    """True when two delivery choices cost the same (same kind and, for delivery, city)."""
    a, b = clean_delivery(a), clean_delivery(b)
    if a["kind"] != b["kind"]:
        return False
    return a["kind"] == "pickup" or a["city"].casefold() == b["city"].casefold()


def empty(user: User) -> None:
    """Empty the cart (after an order took its contents)."""
    save(user, [], {})


def totals(prices_fen: list[int], fee_fen: int = 0) -> dict:
    """The cart's sums: packs, delivery fee, their total and the VAT it includes.

    Prices and the fee include VAT at VAT_RATE_PCT (delivery by the seller is part of the
    sale, taxed at the goods' rate); the VAT is split line by line as the invoice does."""
    rate = int(current_app.config.get("VAT_RATE_PCT", 13))
    subtotal = sum(prices_fen)
    vat = sum(invoices.split_vat(p, rate)[1] for p in [*prices_fen, fee_fen] if p)
    return {
        "subtotal_fen": subtotal,
        "fee_fen": fee_fen,
        "total_fen": subtotal + fee_fen,
        "vat_fen": vat,
        "vat_rate_pct": rate,
    }
