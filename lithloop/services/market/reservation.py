"""Reserving packs for an order: lock the packs asked for (by id, or free ones of a group,
never waiting on another buyer) and place the order that reserves them.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from lithloop import clock, labels
from lithloop.extensions import db
from lithloop.models import Order, OrderLine, Pack, PackState, User
from lithloop.services.errors import Conflict, NotFound
from lithloop.services.market import catalog, catalog_groups, delivery, repricing
from lithloop.services.market import holds as market_holds
from lithloop.services.market.errors import Code
from lithloop.services.packs.state import place


def unavailable(pack: Pack):
    """Why a pack cannot be ordered, in words: sold or reserved by another buyer, or not on
    sale (the plant still holds it, or it has no price)."""
    if pack.state in (PackState.SOLD, PackState.RESERVED):
        return _l(
            "Pack %(code)s is no longer for sale (%(state)s).",
            code=pack.code,
            state=labels.PACK_STATE[pack.state.value],
        )
    return _l("Pack %(code)s is not for sale.", code=pack.code)


def lock_by_id(ids: list[int]) -> list[Pack]:
    """The packs asked for by id, locked in id order (FOR UPDATE); each must be on sale."""
    if not ids:
        return []
    query = (
        sa.select(Pack)
        .where(Pack.id.in_(ids))
        .order_by(Pack.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    packs = list(db.session.scalars(query))
    missing = set(ids) - {p.id for p in packs}
    if missing:
        raise NotFound(_l("No such pack: %(id)s.", id=min(missing)))
    for pack in packs:
        if pack.state is not PackState.FINISHED or pack.price_fen is None:
            raise Conflict(unavailable(pack), code=Code.PACK_UNAVAILABLE)
    return packs


def lock_free(conditions: list, quantity: int, taken: frozenset[int] = frozenset()) -> list[Pack]:
    """Up to `quantity` packs on sale matching the conditions, locked (SKIP LOCKED)."""
    query = (
        catalog.for_sale()
        .where(*conditions)
        .order_by(Pack.id)
        .limit(quantity + len(taken))
        .with_for_update(skip_locked=True)
        .execution_options(populate_existing=True)
    )
    return [p for p in db.session.scalars(query) if p.id not in taken][:quantity]


def lock_group(key: str, quantity: int, taken: set[int]) -> list[Pack]:
    """`quantity` free packs of a group besides those `taken`, locked; too few is a Conflict."""
    packs = lock_free(catalog_groups.group_conditions(key), quantity, frozenset(taken))
    if not packs:  # repriced, or sold out, since it was put in the cart (or asked for)
        repricing.refuse_if_repriced(key)
        raise Conflict(
            _l(
                "%(g)s: no longer on sale. Remove this line and order the rest.",
                g=catalog_groups.group_words(key),
            ),
            code=Code.NOT_ENOUGH_STOCK,
        )
    if len(packs) < quantity:
        raise Conflict(
            _l(
                "%(g)s: only %(n)s are free now; you asked for %(q)s.",
                g=catalog_groups.group_words(key),
                n=len(packs),
                q=quantity,
            ),
            code=Code.NOT_ENOUGH_STOCK,
        )
    return packs


def place_order(
    user: User, packs: list[Pack], where: dict, *, unit_price_fen: int | None = None
) -> Order:
    """An order of the locked packs, reserved for the buyer (the caller commits).

    Each line is at the pack's list price, or at `unit_price_fen` (an accepted quote); the
    total adds the delivery fee (services/market/delivery.py).
    """
    market_holds.check_and_lock(user.organisation_id, len(packs))
    minutes = current_app.config.get("RESERVATION_MINUTES", 30)
    prices = [unit_price_fen if unit_price_fen is not None else p.price_fen for p in packs]
    mass = sum((p.mass_kg or Decimal(0) for p in packs), Decimal(0))
    terms = delivery.terms(where, len(packs), mass)
    order = Order(
        buyer_org_id=user.organisation_id,
        user_id=user.id,
        **where,
        **terms,
        total_fen=sum(prices) + terms["delivery_fee_fen"],
        status_at=clock.now(),
        reserved_until=clock.now() + timedelta(minutes=minutes),
    )
    db.session.add(order)
    db.session.flush()
    for pack, price in zip(packs, prices, strict=True):
        db.session.add(OrderLine(order=order, pack=pack, price_fen=price))
        place(pack, PackState.RESERVED, user, "reserved", data={"order_id": order.id}, public=False)
    return order
