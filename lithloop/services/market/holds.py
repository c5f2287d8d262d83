"""What a buyer organisation may hold reserved and unpaid at once (against stock hoarding).

An order reserves its packs until it is paid or its reservation ends. Without a limit one
buyer could reserve everything on sale, again after each expiry. An organisation may hold
at most UNPAID_MAX_ORDERS orders and UNPAID_MAX_PACKS packs awaiting payment, and less
(UNPAID_MAX_*_NEW_BUYER) until it has paid for an order once. The organisation's row is
locked while its holdings are counted, so that two orders at once cannot both pass.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from lithloop import clock
from lithloop.extensions import db
from lithloop.models import Order, OrderLine, OrderStatus, Organisation, OrgStatus
from lithloop.services.errors import Conflict, Forbidden


class TooMuchUnpaid(Conflict):
    """The order would take the organisation over its limit of unpaid holdings."""

    code = "unpaid_limit"


@dataclass(frozen=True)
class Holdings:
    """Orders and packs an organisation holds awaiting payment, and its limits."""

    orders: int
    packs: int
    max_orders: int
    max_packs: int
    has_paid: bool


def holdings(org_id: int) -> Holdings:
    """The organisation's unpaid orders and packs (reservations still running) and limits."""
    held = sa.select(Order.id).where(
        Order.buyer_org_id == org_id,
        Order.status == OrderStatus.PENDING_PAYMENT,
        Order.reserved_until > clock.now(),
    )
    orders = db.session.scalar(sa.select(sa.func.count()).select_from(held.subquery()))
    packs = db.session.scalar(
        sa.select(sa.func.count(OrderLine.id)).where(OrderLine.order_id.in_(held))
    )
    has_paid = db.session.scalar(
        sa.select(sa.exists().where(Order.buyer_org_id == org_id, Order.paid_at.is_not(None)))
    )
    cfg = current_app.config
    suffix = "" if has_paid else "_NEW_BUYER"
    return Holdings(
        orders or 0,
        packs or 0,
        int(cfg[f"UNPAID_MAX_ORDERS{suffix}"]),
        int(cfg[f"UNPAID_MAX_PACKS{suffix}"]),
        bool(has_paid),
    )


def lock_organisation(org_id: int) -> None:
    """Lock the buyer organisation's row until the caller's commit: its orders take turns;
    a suspended organisation orders nothing (Forbidden).

    Take it before writing any row that refers to the organisation (an idempotency key):
    such a row holds a share lock on it, and two requests each holding one while waiting
    for this lock would deadlock. A suspension locks the row too (accounts.org_admin), so a
    checkout that waited for one reads the status it committed and is refused."""
    status = db.session.scalar(
        sa.select(Organisation.status).where(Organisation.id == org_id).with_for_update()
    )
    if status is OrgStatus.SUSPENDED:
        raise Forbidden(
            _l("Your organisation is suspended by the park. Call the park to have it reactivated.")
        )


def check_and_lock(org_id: int, packs: int) -> None:
    """Lock the organisation's row (until the caller's commit) and refuse an order of
    `packs` packs that would go over its limits."""
    lock_organisation(org_id)
    now = holdings(org_id)
    new_buyer = (
        ""
        if now.has_paid
        else str(_l(" Until your organisation has paid for an order once, the limits are lower."))
    )
    if now.orders + 1 > now.max_orders:
        raise TooMuchUnpaid(
            _l(
                "Your organisation already has %(n)s orders awaiting payment, "
                "the most it may hold unpaid (%(max)s). Pay for one, or wait "
                "for its reservation to end.%(new)s",
                n=now.orders,
                max=now.max_orders,
                new=new_buyer,
            ),
            field="lines",
        )
    if now.packs + packs > now.max_packs:
        raise TooMuchUnpaid(
            _l(
                "With this order your organisation would hold %(n)s packs "
                "unpaid; at most %(max)s may be held awaiting payment. Pay "
                "for your pending orders first, or order fewer.%(new)s",
                n=now.packs + packs,
                max=now.max_packs,
                new=new_buyer,
            ),
            field="lines",
        )
