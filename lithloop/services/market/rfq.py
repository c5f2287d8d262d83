"""Requests for quote: a buyer asks for N packs meeting a spec; accepting a quote orders them.

Accepting reserves N matching packs on sale at the quoted unit price with the checkout's
row locks (SKIP LOCKED, as for a group): all N or none, then the normal payment follows.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from lithloop import clock, labels, letters
from lithloop.extensions import db
from lithloop.i18n import listed
from lithloop.models import Grade, Order, OrderStatus, Pack, QuoteRequest, RfqStatus, Role, User
from lithloop.pricing import Chemistry
from lithloop.services import strict_input
from lithloop.services.errors import Conflict, Invalid, NotFound, ServiceError
from lithloop.services.market import catalog, checkout_input, reservation
from lithloop.services.market import checkout as market_checkout
from lithloop.services.market import orders as market_orders
from lithloop.services.market.errors import Code
from lithloop.services.strict_input import optional_decimal, optional_int, strict_date

GRADES = "ABC"  # best first: "grade at least B" accepts A and B


def _quantity(form) -> int:
    quantity = optional_int(
        form.get("quantity"), "quantity", minimum=1, maximum=checkout_input.MAX_PACKS
    )
    if quantity is None:
        raise Invalid(_l("How many packs do you need?"), field="quantity")
    return quantity


def _min_kwh(form) -> Decimal | None:
    return optional_decimal(form.get("min_usable_kwh"), "min_usable_kwh", minimum=0, maximum=10_000)


def _min_soh(form) -> Decimal | None:
    return optional_decimal(form.get("min_soh_pct"), "min_soh_pct", minimum=0, maximum=100)


def _grade(form) -> str:
    grade = str(form.get("min_grade") or "").strip().upper() or "C"  # blank: any grade
    if len(grade) != 1 or grade not in GRADES:  # one letter: "AB" is in "ABC" too
        raise Invalid(_l("Choose grade A, B or C."), field="min_grade")
    return grade


def _use_case(form) -> str:
    use_case = str(form.get("use_case") or "").strip()
    if use_case and use_case not in catalog.USE_CASES:
        raise Invalid(
            _l("Choose one of: %(choices)s.", choices=listed(list(catalog.USE_CASES))),
            field="use_case",
        )
    return use_case


def _wanted_by(form) -> date:
    wanted_by = strict_date(
        form.get("wanted_by"), "wanted_by", message=_l("Enter the date as YYYY-MM-DD.")
    )
    if wanted_by < clock.today():
        raise Invalid(_l("The date has passed."), field="wanted_by")
    return wanted_by


def _note(form) -> str:
    note = strict_input.check_controls(strict_input.typed_text(form.get("note"), "note"), "note")
    if len(note) > 1000:
        raise Invalid(_l("At most %(n)s characters.", n=1000), field="note")
    return note


def _chemistry(form) -> str:
    chemistry = str(form.get("chemistry") or "").strip().upper()
    if chemistry and chemistry not in CHEMISTRIES:
        raise Invalid(
            _l("Choose one of: %(choices)s.", choices=listed(list(CHEMISTRIES))), field="chemistry"
        )
    return chemistry


#: Each field's check, in the order of the form.
_CHECKS = (_quantity, _chemistry, _min_kwh, _min_soh, _grade, _use_case, _wanted_by, _note)


def parse_spec(form) -> dict:
    """The request's fields from a form or JSON body; Invalid names the first bad field."""
    quantity, chemistry, kwh, soh, grade, use_case, wanted_by, note = (
        check(form) for check in _CHECKS
    )
    return {
        "chemistry": chemistry,
        "quantity": quantity,
        "min_grade": grade,
        "min_usable_wh": int(kwh * 1000) if kwh is not None else 0,
        "min_soh_pct": soh.quantize(Decimal("0.01")) if soh is not None else None,
        "use_case": use_case,
        "wanted_by": wanted_by,
        "note": note,
    }


def spec_problems(form) -> dict[str, str]:
    """Every problem of a request's fields by field, not only the first: a form shows them
    all at once."""
    found: dict[str, str] = {}
    for check in _CHECKS:
        try:
            check(form)
        except Invalid as exc:
            found.setdefault(exc.field or "_form", str(exc.message))
    return found


def conditions(rfq: QuoteRequest) -> list:
    """SQL conditions on Pack for the packs that meet the request's spec."""
    out = [Pack.grade.in_([Grade(g) for g in GRADES[: GRADES.index(rfq.min_grade) + 1]])]
    if rfq.chemistry:
        out.append(Pack.chemistry == rfq.chemistry)
    if rfq.min_usable_wh:
        out.append(Pack.rated_wh * Pack.soh_pct / 100 >= rfq.min_usable_wh)
    if rfq.min_soh_pct is not None:
        out.append(Pack.soh_pct >= rfq.min_soh_pct)
    if rfq.use_case:
        out.append(Pack.use_case == rfq.use_case)
    return out


#: The chemistries a request may ask for (empty: any).
CHEMISTRIES = tuple(c.value for c in Chemistry)


def matching_stock(rfq: QuoteRequest) -> int:
    """How many packs on sale meet the spec now."""
    query = catalog.for_sale().where(*conditions(rfq))
    return db.session.scalar(query.with_only_columns(sa.func.count(Pack.id)))


def order_mass_kg(rfq: QuoteRequest) -> Decimal:
    """The mass of the packs accepting would reserve now (the first matching packs on sale,
    in the order accept takes them): what a delivery fee by the kilogram is worked out on."""
    query = catalog.for_sale().where(*conditions(rfq)).order_by(Pack.id).limit(rfq.quantity)
    masses = db.session.scalars(query.with_only_columns(Pack.mass_kg))
    return sum((m or Decimal(0) for m in masses), Decimal(0))


def admins() -> list[User]:
    """The administrators who answer requests."""
    return list(
        db.session.scalars(sa.select(User).where(User.role == Role.ADMIN, User.enabled.is_(True)))
    )


def create(user: User, form) -> QuoteRequest:
    """Record a buyer's request and tell the admins."""
    market_checkout.require_buyer(user)
    rfq = QuoteRequest(buyer_org_id=user.organisation_id, user_id=user.id, **parse_spec(form))
    try:
        db.session.add(rfq)
        db.session.flush()
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
    except sa.exc.SQLAlchemyError:
        db.session.rollback()
        raise
    return rfq


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
            _l("This quote was already accepted (order %(id)s).", id=rfq.order_id),
            code=Code.RFQ_ACCEPTED,
        )
    if rfq.valid_until < clock.today():
        raise Conflict(
            _l("This quote expired on %(d)s. Ask for a new quote.", d=rfq.valid_until.isoformat()),
            code=Code.QUOTE_EXPIRED,
        )


def accept(user: User, rfq_id: int, delivery=None, seen_fee_fen: int | None = None) -> Order:
    """Accept a quote: reserve N matching packs at the quoted price and open the payment.
    With payments off nothing is reserved and the quote stays open to accept later.
    `seen_fee_fen`: the delivery fee the buyer was shown; another one is refused (409)."""
    market_checkout.require_buyer(user)
    market_checkout.require_payments()
    where = checkout_input.parse_delivery(delivery)
    try:
        get(user, rfq_id)  # 404 for another buyer's request
        rfq = db.session.scalar(
            sa.select(QuoteRequest)
            .where(QuoteRequest.id == rfq_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
        _refuse_unless_acceptable(rfq)
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
                    fee=market_orders.yuan(order.delivery_fee_fen),
                    seen=market_orders.yuan(seen_fee_fen),
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
