"""Requests for quote: a buyer asks for N packs meeting a spec; accepting a quote orders them.

Accepting reserves N matching packs on sale at the quoted unit price with the checkout's
row locks (SKIP LOCKED, as for a group): all N or none, then the normal payment follows.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from lithloop import clock, labels, letters
from lithloop.extensions import db
from lithloop.i18n import money
from lithloop.models import Order, OrderStatus, QuoteRequest, RfqStatus, Role, User
from lithloop.services import idempotency
from lithloop.services.errors import Conflict, NotFound, ServiceError
from lithloop.services.market import checkout as market_checkout
from lithloop.services.market import checkout_input, reservation
from lithloop.services.market import holds as market_holds
from lithloop.services.market import orders as market_orders
from lithloop.services.market.errors import Code
from lithloop.services.market.rfq_spec import conditions, parse_spec


def admins() -> list[User]:
    """The administrators who answer requests."""
    return list(
        db.session.scalars(sa.select(User).where(User.role == Role.ADMIN, User.enabled.is_(True)))
    )


def create(user: User, form) -> QuoteRequest:
    """Record a buyer's request and tell the admins."""
    return create_once(user, form)[0]


def create_once(
    user: User, form, key=None, *, field: str = idempotency.HEADER
) -> tuple[QuoteRequest, bool]:
    """`create` under a one-time `key`: (request, created). A repeat with the same key and
    the same spec is answered with the first request (a double click asks once); with
    another spec, KeyReused (422 naming `field`)."""
    market_checkout.require_buyer(user)
    spec = parse_spec(form)
    key = idempotency.clean_key(key, field)
    try:
        held = idempotency.claim("rfq", user.organisation_id, key, spec, field=field)
        if held.replay_of is not None:
            db.session.rollback()
            return get(user, held.replay_of), False
        rfq = QuoteRequest(buyer_org_id=user.organisation_id, user_id=user.id, **spec)
        db.session.add(rfq)
        db.session.flush()
        idempotency.bind(held, rfq.id)
        for admin in admins():
            letters.send_letter(
                admin,
                _l("Request for quote #%(id)s"),
                _l(
                    "%(org)s (%(name)s) asks for %(n)s packs, %(chemistry)s, grade %(grade)s "
                    "or better, wanted by %(day)s.\n%(note)s\n%(link)s\n"
                ),
                id=rfq.id,
                org=user.organisation.name,
                name=user.name,
                n=rfq.quantity,
                chemistry=labels.CHEMISTRY.get(rfq.chemistry) or _l("any chemistry"),
                grade=rfq.min_grade,
                day=rfq.wanted_by.isoformat(),
                note=rfq.note or "",
                link=letters.link("rfq.admin_index"),
            )
        db.session.commit()
    except (ServiceError, sa.exc.SQLAlchemyError):
        db.session.rollback()
        raise
    return rfq, True


def visible(user: User):
    """The query of the requests a user may see: their organisation's, or all for admins."""
    return market_orders.buyer_visible(QuoteRequest, user)


def get(user: User, rfq_id: int) -> QuoteRequest:
    """One request the user may see; NotFound for another buyer's."""
    rfq = db.session.scalar(visible(user).where(QuoteRequest.id == rfq_id))
    if rfq is None:
        raise NotFound(_l("No such request for quote."))
    return rfq


def _quote_open(rfq: QuoteRequest) -> bool:
    """Quoted and not yet turned into a live order (a cancelled order frees the quote)."""
    return rfq.status is RfqStatus.QUOTED or (
        rfq.status is RfqStatus.ACCEPTED
        and rfq.order is not None
        and rfq.order.status is OrderStatus.CANCELLED
    )


def state(rfq: QuoteRequest) -> str:
    """open, quoted, expired, declined or accepted, as the buyer sees it today."""
    if _quote_open(rfq):
        return "expired" if rfq.valid_until < clock.today() else "quoted"
    return rfq.status.value


def _refuse_unless_acceptable(rfq: QuoteRequest) -> None:
    if rfq.status is RfqStatus.DECLINED:
        raise Conflict(
            _l(
                "The park declined this request (%(why)s); it cannot be accepted.",
                why=rfq.answer_note or "—",
            ),
            code=Code.RFQ_DECLINED,
        )
    if rfq.status is RfqStatus.OPEN:
        raise Conflict(_l("This request has no quote yet."), code=Code.RFQ_NOT_QUOTED)
    if not _quote_open(rfq):
        raise Conflict(
            _l("This quote was already accepted (order #%(id)s).", id=rfq.order_id),
            code=Code.RFQ_ACCEPTED,
        )
    if rfq.valid_until < clock.today():
        raise Conflict(
            _l("This quote expired on %(d)s. Ask for a new quote.", d=rfq.valid_until.isoformat()),
            code=Code.QUOTE_EXPIRED,
        )


def accept(
    user: User,
    rfq_id: int,
    delivery=None,
    seen_fee_fen: int | None = None,
    seen_unit_fen: int | None = None,
) -> Order:
    """Accept a quote: reserve N matching packs at the quoted price and open the payment.
    With payments off nothing is reserved and the quote stays open to accept later.
    `seen_fee_fen`, `seen_unit_fen`: the delivery fee and the unit price the buyer was
    shown; another one (the park quoted again since) is refused (409)."""
    market_checkout.require_buyer(user)
    market_checkout.require_payments()
    where = checkout_input.parse_delivery(delivery)
    try:
        get(user, rfq_id)  # 404 for another buyer's request
        # The organisation first, then the request and the packs: checkout's lock order (an
        # accept holding a pack while waiting for the organisation would deadlock with a
        # colleague's checkout holding the organisation and waiting for that pack).
        market_holds.lock_organisation(user.organisation_id)
        rfq = db.session.scalar(
            sa.select(QuoteRequest)
            .where(QuoteRequest.id == rfq_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
        _refuse_unless_acceptable(rfq)
        if seen_unit_fen is not None and rfq.unit_price_fen != seen_unit_fen:
            raise Conflict(
                _l(
                    "The park has quoted again since this page was shown: now %(now)s per "
                    "pack, not %(seen)s. Nothing was reserved: check the new quote and "
                    "accept again.",
                    now=money(rfq.unit_price_fen),
                    seen=money(seen_unit_fen),
                ),
                code=Code.QUOTE_CHANGED,
            )
        packs = reservation.lock_free(conditions(rfq), rfq.quantity)
        if len(packs) < rfq.quantity:
            raise Conflict(
                _l(
                    "Only %(n)s packs meeting this request are free now; the quote "
                    "is for %(q)s. Nothing was reserved: ask the park to re-quote.",
                    n=len(packs),
                    q=rfq.quantity,
                ),
                code=Code.NOT_ENOUGH_STOCK,
            )
        order = reservation.place_order(user, packs, where, unit_price_fen=rfq.unit_price_fen)
        if seen_fee_fen is not None and order.delivery_fee_fen != seen_fee_fen:
            raise Conflict(
                _l(
                    "The delivery fee for the packs free now is %(fee)s, not the %(seen)s "
                    "shown. Nothing was reserved: check the new fee and accept again.",
                    fee=money(order.delivery_fee_fen),
                    seen=money(seen_fee_fen),
                ),
                code=Code.FEE_CHANGED,
                field="city",
            )
        rfq.status, rfq.accepted_at, rfq.order_id = RfqStatus.ACCEPTED, clock.now(), order.id
        for admin in admins():
            letters.send_letter(
                admin,
                _l("Quote #%(id)s accepted: order #%(order)s"),
                _l("%(org)s accepted quote #%(id)s: order #%(order)s, %(n)s packs.\n%(link)s\n"),
                id=rfq.id,
                order=order.id,
                org=user.organisation.name,
                n=rfq.quantity,
                link=letters.link("market.order", order_id=order.id),
            )
        db.session.commit()
    except (ServiceError, sa.exc.SQLAlchemyError):
        db.session.rollback()
        raise
    return market_checkout.open_intent(order)
