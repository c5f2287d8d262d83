"""Admins answer requests for quote: a unit price and a validity date, or a reasoned no."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from lithloop import clock, labels, letters
from lithloop.db import atomic as _run
from lithloop.extensions import db
from lithloop.i18n import money
from lithloop.models import QuoteRequest, RfqStatus, User
from lithloop.services.accounts import audit, policies
from lithloop.services.errors import Conflict, Invalid, NotFound
from lithloop.services.market import rfq_spec
from lithloop.services.market.errors import Code
from lithloop.services.strict_input import limited_text, strict_date

ANSWERABLE = frozenset({RfqStatus.OPEN, RfqStatus.QUOTED})
ANSWER_MAX = 1000  # quote_request.answer_note's length, and the fields' maxlength


def _admin(user: User) -> None:
    policies.require(user, policies.ADMINS, _l("Only administrators answer requests for quote."))


def open_requests(user: User) -> list[QuoteRequest]:
    """Requests waiting for an answer, oldest first, then the quoted ones."""
    _admin(user)
    query = (
        sa.select(QuoteRequest)
        .where(QuoteRequest.status.in_(ANSWERABLE))
        .order_by(QuoteRequest.status, QuoteRequest.id)
    )
    return list(db.session.scalars(query))


def _locked(rfq_id: int) -> QuoteRequest:
    rfq = db.session.scalar(
        sa.select(QuoteRequest)
        .where(QuoteRequest.id == rfq_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if rfq is None:
        raise NotFound(_l("No such request for quote."))
    if rfq.status not in ANSWERABLE:
        raise Conflict(
            _l(
                "%(what)s and can no longer be answered.",
                what=labels.clause(labels.RFQ_IS, rfq.status, rfq.id),
            ),
            code=Code.RFQ_CLOSED,
        )
    return rfq


def _valid_until(raw) -> date:
    if isinstance(raw, date):
        value = raw
    else:
        value = strict_date(raw, "valid_until", message=_l("Enter the date as YYYY-MM-DD."))
    if value < clock.today():
        raise Invalid(_l("The quote must be valid until today or later."), field="valid_until")
    return value


def quote(user: User, rfq_id: int, *, unit_price_fen, valid_until, note: str = "") -> QuoteRequest:
    """Answer with a unit price (fen, VAT included) valid through a date; tell the buyer."""
    _admin(user)
    if not isinstance(unit_price_fen, int) or unit_price_fen <= 0:
        raise Invalid(_l("Enter a unit price above 0."), field="unit_price")
    until = _valid_until(valid_until)
    note = limited_text(note, "note", ANSWER_MAX)

    def work():
        rfq = _locked(rfq_id)
        stock = rfq_spec.matching_stock(rfq)
        if stock < rfq.quantity:  # the buyer could not accept it: say so before it is sent
            raise Conflict(
                _l(
                    "Only %(n)s matching packs are in stock now; the buyer asks for %(q)s. "
                    "Quote when enough are on sale, or decline and say how many you have.",
                    n=stock,
                    q=rfq.quantity,
                ),
                code=Code.NOT_ENOUGH_STOCK,
            )
        rfq.status, rfq.unit_price_fen, rfq.valid_until = RfqStatus.QUOTED, unit_price_fen, until
        rfq.answer_note = note
        rfq.answered_by_id, rfq.answered_at = user.id, clock.now()
        audit.record(
            "rfq.quote",
            actor=user,
            obj=rfq,
            details={"unit_price_fen": unit_price_fen, "valid_until": until.isoformat()},
        )
        letters.send_letter(
            rfq.user,
            _l("Quote for your request #%(id)s: %(total)s"),
            _l(
                "Unit price %(unit)s (VAT included) × %(n)s = %(total)s, valid until %(day)s.\n"
                "%(note)s\nAccept it here: %(link)s\n"
            ),
            id=rfq.id,
            unit=money(unit_price_fen),
            n=rfq.quantity,
            total=money(rfq.total_fen),
            day=until.isoformat(),
            note=rfq.answer_note or "",
            link=letters.link("rfq.show", rfq_id=rfq.id),
        )
        return rfq

    return _run(work)


def decline(user: User, rfq_id: int, reason: str) -> QuoteRequest:
    """Decline a request with a reason the buyer sees; tell the buyer."""
    _admin(user)
    reason = limited_text(reason, "reason", ANSWER_MAX)
    if not reason:
        raise Invalid(_l("Give the buyer a reason."), field="reason")

    def work():
        rfq = _locked(rfq_id)
        rfq.status, rfq.answer_note = RfqStatus.DECLINED, reason
        rfq.answered_by_id, rfq.answered_at = user.id, clock.now()
        audit.record("rfq.decline", actor=user, obj=rfq, details={"reason": reason[:200]})
        letters.send_letter(
            rfq.user,
            _l("Request #%(id)s declined"),
            _l("The park cannot quote request #%(id)s: %(reason)s\n%(link)s\n"),
            id=rfq.id,
            reason=reason,
            link=letters.link("rfq.show", rfq_id=rfq.id),
        )
        return rfq

    return _run(work)
