"""The buyer's cart on the server: packs and groups with quantities, and what they cost.

Kept per user (not in the session), so that it is still there after logging out and in.
Each change gives the cart a new checkout token (one order per token, see checkout_once).
"""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from flask import current_app

from lithloop.db import atomic as _run
from lithloop.extensions import db
from lithloop.models import Cart, User


def _empty() -> dict:
    return {"packs": [], "groups": {}, "token": ""}


def read(user: User) -> dict:
    """The user's cart as {"packs": [ids], "groups": {key: quantity}, "token"} (no write)."""
    cart = db.session.scalar(sa.select(Cart).where(Cart.user_id == user.id))
    if cart is None:
        return _empty()
    return {
        "packs": [int(i) for i in cart.pack_ids or []],
        "groups": {str(k): int(v) for k, v in (cart.groups or {}).items()},
        "token": cart.token or "",
    }


def save(user: User, packs: list[int], groups: dict[str, int]) -> dict:
    """Store the cart's contents with a new checkout token; returns it as read() does."""

    def work():
        cart = db.session.scalar(sa.select(Cart).where(Cart.user_id == user.id).with_for_update())
        if cart is None:
            cart = Cart(user_id=user.id)
            db.session.add(cart)
        cart.pack_ids = list(dict.fromkeys(int(i) for i in packs))
        cart.groups = {str(k): int(v) for k, v in groups.items() if int(v) > 0}
        cart.token = uuid.uuid4().hex
        return {"packs": cart.pack_ids, "groups": cart.groups, "token": cart.token}

    return _run(work)


def empty(user: User) -> None:
    """Empty the cart (after an order took its contents)."""
    save(user, [], {})


def totals(subtotal_fen: int) -> dict:
    """The cart's sums: the price includes VAT at VAT_RATE_PCT; pickup at the park is free."""
    rate = int(current_app.config.get("VAT_RATE_PCT", 13))
    net = round(subtotal_fen * 100 / (100 + rate))
    return {"subtotal_fen": subtotal_fen, "vat_fen": subtotal_fen - net, "vat_rate_pct": rate}
