"""Checkout: reserve packs under row locks and open the PaymentIntent (releasing is
release.py, the expiry sweep expiry.py).

No pack is sold twice: the packs asked for by id are locked in id order (FOR UPDATE, so
concurrent checkouts wait and then see the pack reserved); packs asked for by group are
taken among the unlocked ones (FOR UPDATE SKIP LOCKED, so buyers of a group never wait on
each other). The Stripe call happens after the reservation is committed, never while rows
are locked. If Stripe cannot be reached, the order stays pending with its packs reserved
(until `reserved_until`, then the expiry sweep releases them) and the PaymentIntent is
opened when the buyer pays (`ensure_intent`), once Stripe answers again.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import sqlalchemy as sa
from flask import current_app
from flask_babel import format_datetime
from flask_babel import lazy_gettext as _l

from lithloop import clock, labels, payments
from lithloop.extensions import db
from lithloop.models import Order, OrderLine, OrderStatus, Pack, PackState, Payment, User
from lithloop.services import idempotency
from lithloop.services.accounts import policies
from lithloop.services.booking import distances, geocoding
from lithloop.services.errors import Conflict, Invalid, NotFound, ServiceError
from lithloop.services.market import catalog, delivery, repricing
from lithloop.services.market import holds as market_holds
from lithloop.services.market.errors import Code
from lithloop.services.market.payment_reasons import reason
from lithloop.services.packs.state import place
from lithloop.services.strict_input import limited_text, phone_number

MAX_PACKS = 200


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


def parse_lines(lines) -> tuple[list[int], list[tuple[str, int]]]:
    """[{"pack_id"} | {"group_id", "quantity"}] as pack ids and (group, quantity) pairs."""
    if not isinstance(lines, list) or not lines:
        raise Invalid(_l("Add at least one pack."), field="lines")
    ids: list[int] = []
    groups: dict[str, int] = {}
    for line in lines:
        if isinstance(line, dict) and line.get("pack_id") is not None:
            try:
                ids.append(int(line["pack_id"]))
            except (TypeError, ValueError):
                raise Invalid(_l("A pack id is a number."), field="lines") from None
        elif isinstance(line, dict) and line.get("group_id"):
            try:
                quantity = int(line.get("quantity", 1))
            except (TypeError, ValueError):
                quantity = 0
            if quantity < 1:
                raise Invalid(_l("A quantity is 1 or more."), field="lines")
            key = str(line["group_id"])
            groups[key] = groups.get(key, 0) + quantity
        else:
            raise Invalid(
                _l("Each line names a pack_id, or a group_id and a quantity."), field="lines"
            )
    if len(set(ids)) != len(ids):
        raise Invalid(_l("A pack is listed twice."), field="lines")
    if len(ids) + sum(groups.values()) > MAX_PACKS:
        raise Invalid(_l("At most %(n)s packs in one order.", n=MAX_PACKS), field="lines")
    return sorted(ids), list(groups.items())


#: A delivery's free text longer than its column is refused, never cut: a truck sent to the
#: first 300 characters of an address may not find the place.
_TOO_LONG = {"address": 300, "contact": 100}


def parse_delivery(raw) -> dict:
    """{"kind": "pickup"} at the park, or {"kind": "address", city?, address, contact, phone}.

    A delivery goes to the city named (one of the region's places) or, without a "city"
    key (API clients before cities), to the place the address names; its road distance
    from the park is measured here, before any row is locked (the provider may be OSRM)."""
    raw = raw if isinstance(raw, dict) else {}
    kind = str(raw.get("kind") or delivery.PICKUP)
    if kind not in (delivery.PICKUP, delivery.ADDRESS):
        raise Invalid(_l("Choose pickup at the park or delivery to an address."), field="delivery")
    if kind == delivery.ADDRESS:
        for key, limit in _TOO_LONG.items():
            limited_text(raw.get(key), key, limit)
    out: dict[str, object] = {
        "delivery_kind": kind,
        "delivery_address": str(raw.get("address") or "").strip()[:300],
        "delivery_contact": str(raw.get("contact") or "").strip()[:100],
        "delivery_phone": str(raw.get("phone") or "").strip()[:40],
    }
    if kind == delivery.PICKUP:
        return out
    if "city" in raw:  # the cart's form and newer API clients name the city
        place = delivery.deliverable_city(raw.get("city"))
        lat, lon, city = place.lat, place.lon, place.name_zh
    if not out["delivery_address"]:
        raise Invalid(_l("For delivery, enter the street address."), field="address")
    out["delivery_phone"] = phone_number(
        raw.get("phone"), "phone", required_message=_l("For delivery, enter a phone number.")
    )
    if "city" not in raw:  # the dispatcher's runs route the delivery to these coordinates
        found = geocoding.locate(str(out["delivery_address"]))
        lat, lon, city = found.lat, found.lon, found.label
        delivery.require_reach(lat, lon, clock.today(), city, field="address")
    out["delivery_lat"] = Decimal(str(round(lat, 6)))
    out["delivery_lon"] = Decimal(str(round(lon, 6)))
    out["delivery_city"] = city[:100]
    out["delivery_km"] = distances.distance_from_park_km(lat, lon)
    return out


def _lock_by_id(ids: list[int]) -> list[Pack]:
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


def _lock_group(key: str, quantity: int, taken: set[int]) -> list[Pack]:
    packs = lock_free(catalog.group_conditions(key), quantity, frozenset(taken))
    if not packs:  # repriced, or sold out, since it was put in the cart (or asked for)
        repricing.refuse_if_repriced(key)
        raise Conflict(
            _l(
                "%(g)s: no longer on sale. Remove this line and order the rest.",
                g=catalog.group_words(key),
            ),
            code=Code.NOT_ENOUGH_STOCK,
        )
    if len(packs) < quantity:
        raise Conflict(
            _l(
                "%(g)s: only %(n)s are free now; you asked for %(q)s.",
                g=catalog.group_words(key),
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


def checkout(user: User, lines, delivery=None) -> Order:
    """Reserve the packs and open a PaymentIntent; all or nothing."""
    return checkout_once(user, lines, delivery)[0]


def checkout_once(
    user: User, lines, delivery=None, *, key: str | None = None, scope: str = "order", body=None
) -> tuple[Order, bool]:
    """checkout() once per idempotency key: (the order, whether it was made before).

    A repeat of the key returns the order the first request made (its PaymentIntent
    opened now if Stripe could not be reached then); `body` None for a form's one-time
    token, else the request, which a repeat must match (KeyReused, 422)."""
    require_buyer(user)
    require_payments()
    try:
        market_holds.lock_organisation(user.organisation_id)  # before the key's row
        held = idempotency.claim(scope, user.organisation_id, key, body)
        if held.replay_of is not None:
            db.session.rollback()
            return ensure_intent(db.session.get(Order, held.replay_of)), True
        ids, groups = parse_lines(lines)
        where = parse_delivery(delivery)
        packs = _lock_by_id(ids)
        for group, quantity in groups:
            packs += _lock_group(group, quantity, {p.id for p in packs})
        order = place_order(user, packs, where)
        idempotency.bind(held, order.id)
        db.session.commit()
    except (ServiceError, sa.exc.SQLAlchemyError):
        db.session.rollback()
        raise
    return open_intent(order), False


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
                "order %(id)s keeps your packs reserved until %(t)s. Try paying again in a "
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
