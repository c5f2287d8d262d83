"""Checkout: reserve packs under row locks and open the PaymentIntent (releasing is
release.py, the expiry sweep expiry.py).

No pack is sold twice: the packs asked for by id are locked in id order (FOR UPDATE, so
concurrent checkouts wait and then see the pack reserved); packs asked for by group are
taken among the unlocked ones (FOR UPDATE SKIP LOCKED, so buyers of a group never wait on
each other). The Stripe call happens after the reservation is committed, never while rows
are locked. If Stripe cannot be reached, the order stays pending with its packs reserved
(until `reserved_until`, then the expiry sweep releases them) and the PaymentIntent is
opened when the buyer pays (`ensure_intent`), once Stripe answers again.

The buyer's lines and delivery are read in checkout_input.py; the packs are locked and the
order placed in reservation.py.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import current_app
from flask_babel import format_datetime
from flask_babel import lazy_gettext as _l

from lithloop import clock, payments
from lithloop.extensions import db
from lithloop.i18n import money
from lithloop.models import Order, OrderStatus, Payment, User
from lithloop.services import idempotency
from lithloop.services.accounts import policies
from lithloop.services.errors import Conflict, ServiceError
from lithloop.services.market import holds as market_holds
from lithloop.services.market.checkout_input import parse_delivery, parse_lines
from lithloop.services.market.errors import Code
from lithloop.services.market.payment_reasons import reason
from lithloop.services.market.reservation import lock_by_id, lock_group, place_order


class PaymentUnavailable(ServiceError):
    """The payment service could not be reached; nothing was charged."""

    status = 502
    code = "payment_unavailable"

    def __init__(self, message, *, order_id: int | None = None):
        super().__init__(message)
        self.order_id = order_id


class PaymentsOff(ServiceError):
    """Payments are not configured on this platform: no order can be paid."""

    status = 503
    code = "payments_off"


def require_payments() -> None:
    """Refuse a checkout before anything is reserved when payments are off."""
    if not payments.enabled():
        raise PaymentsOff(
            _l(
                "Online payment is not available on this platform at the "
                "moment, so orders cannot be placed. Nothing was reserved or "
                "charged; please contact the park to buy these packs."
            )
        )


def require_buyer(user: User) -> None:
    """Only buyers order."""
    policies.require(user, policies.BUYERS, _l("Only buyers can order packs."))


def checkout(user: User, lines, delivery=None) -> Order:
    """Reserve the packs and open a PaymentIntent; all or nothing."""
    return checkout_once(user, lines, delivery)[0]


def delivery_problems(delivery) -> dict:
    """Every field of a delivery that checkout would refuse, by name (empty when none)."""
    try:
        parse_delivery(delivery)
    except ServiceError as exc:
        return dict(getattr(exc, "fields", None) or {exc.field: exc.message})
    return {}


def checkout_once(
    user: User,
    lines,
    delivery=None,
    *,
    key: str | None = None,
    scope: str = "order",
    body=None,
    seen_subtotal_fen: int | None = None,
) -> tuple[Order, bool]:
    """checkout() once per idempotency key: (the order, whether it was made before).

    A repeat of the key returns the order the first request made (its PaymentIntent
    opened now if Stripe could not be reached then); `body` None for a form's one-time
    token, else the request, which a repeat must match (KeyReused, 422).
    `seen_subtotal_fen`: what the packs cost on the page ordered from; packs costing
    another amount now (repriced since) are refused (409), nothing reserved."""
    require_buyer(user)
    require_payments()
    # Read first, before any lock: measuring a delivery asks the distance provider (OSRM)
    # and, for an address without a city, the geocoder. A refusal is raised only after
    # the key is claimed, so that a repeat of a key still gets the first one's order.
    try:
        ids, groups = parse_lines(lines)
        where, refused = parse_delivery(delivery), None
    except ServiceError as exc:
        refused = exc
    try:
        market_holds.lock_organisation(user.organisation_id)  # before the key's row
        held = idempotency.claim(scope, user.organisation_id, key, body)
        if held.replay_of is not None:
            db.session.rollback()
            return ensure_intent(db.session.get(Order, held.replay_of)), True
        if refused is not None:
            raise refused
        packs = lock_by_id(ids)
        for group, quantity in groups:
            packs += lock_group(group, quantity, {p.id for p in packs})
        refuse_unless_seen(packs, seen_subtotal_fen)
        order = place_order(user, packs, where)
        idempotency.bind(held, order.id)
        db.session.commit()
    except (ServiceError, sa.exc.SQLAlchemyError):
        db.session.rollback()
        raise
    return open_intent(order), False


def refuse_unless_seen(packs, seen_subtotal_fen: int | None) -> None:
    """Conflict when the locked packs cost another amount than the page showed."""
    now = sum(p.price_fen for p in packs)
    if seen_subtotal_fen is not None and now != seen_subtotal_fen:
        raise Conflict(
            _l(
                "The packs now cost %(now)s in all, not the %(seen)s shown: a price changed "
                "since the page was shown. Nothing was reserved; check the cart and order again.",
                now=money(now),
                seen=money(seen_subtotal_fen),
            ),
            code=Code.REPRICED,
        )


def open_intent(order: Order) -> Order:
    """Open the order's PaymentIntent; Stripe unreachable leaves it pending, reserved."""
    try:
        intent = payments.gateway().create_intent(
            order.total_fen,
            idempotency_key=f"lithloop-order-{order.id}",
            metadata={"order_id": order.id, "buyer_org_id": order.buyer_org_id},
            wallets=payments.wallets(),
        )
    except payments.PaymentError as exc:
        current_app.logger.warning("order %s: no PaymentIntent yet: %s", order.id, exc.message)
        raise PaymentUnavailable(
            _l(
                "The payment service is not reachable right now (%(m)s). Nothing was charged; "
                "order #%(id)s keeps your packs reserved until %(t)s. Try paying again in a "
                "few minutes.",
                m=reason(exc),
                id=order.id,
                t=format_datetime(order.reserved_until, "HH:mm"),
            ),
            order_id=order.id,
        ) from exc
    db.session.add(
        Payment(
            order=order,
            intent_id=intent.id,
            client_secret=intent.client_secret,
            amount_fen=intent.amount_fen,
            status=intent.status,
        )
    )
    try:
        db.session.commit()
    except sa.exc.IntegrityError:  # a concurrent request opened it (same idempotency key)
        db.session.rollback()
        db.session.refresh(order)
    return order


def ensure_intent(order: Order) -> Order:
    """A pending order whose PaymentIntent could not be opened at checkout: open it now."""
    if (
        order.payment is None
        and order.status is OrderStatus.PENDING_PAYMENT
        and order.reserved_until is not None
        and order.reserved_until > clock.now()
    ):
        return open_intent(order)
    return order
