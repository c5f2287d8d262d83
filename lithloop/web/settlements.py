"""Settlements: the plant settles received bookings, the owner reads the statement, and
anyone with the link verifies the certificate of recycling."""

from __future__ import annotations

from dataclasses import replace
from decimal import ROUND_HALF_UP, Decimal

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from lithloop import labels, pdf
from lithloop.services.accounts import policies
from lithloop.services.errors import ServiceError
from lithloop.services.plant import certificates
from lithloop.services.plant import settlement as settlement_service
from lithloop.services.strict_input import int_or_default
from lithloop.web.access import roles_required
from lithloop.web.query_args import page_arg

bp = Blueprint("settlements", __name__)
PAGE_SIZE = 50  # rows of each list a page
PLANT = policies.PLANT_STAFF
READERS = policies.SETTLEMENT_READERS
MAX_TOTAL_FEN = 10**15  # far above any settlement; the confirmed amount is read within it


@bp.get("/settlements/")
@roles_required(*READERS)
def index(error: str | None = None, status: int = 200, to_grade=()):
    """Owners: their settlements. Plant: bookings awaiting settlement and the settled, both
    PAGE_SIZE a page (the same page number for both lists); after a refused settle, the
    packs still `to_grade` (id, code), each a link to its test form."""
    number = page_arg()
    offset = (number - 1) * PAGE_SIZE
    plant = current_user.role in PLANT
    waiting = certificates.awaiting_settlement(PAGE_SIZE, offset) if plant else []
    waiting_n = certificates.awaiting_count() if plant else 0
    settled = certificates.settled_page(current_user, number, PAGE_SIZE)
    # One pager for both lists: a next page while either has more.
    pager = replace(settled, has_next=settled.has_next or waiting_n > number * PAGE_SIZE)
    return render_template(
        "settlements/index.html",
        waiting=waiting,
        waiting_n=waiting_n,
        settled=settled.rows,
        pager=pager,
        error=error,
        to_grade=to_grade,
    ), status


@bp.post("/settlements/<int:booking_id>/settle")
@roles_required(*PLANT)
def settle(booking_id: int):
    """Settle a received booking at its frozen index, after a preview of what it will pay."""
    try:
        return _settle(booking_id)
    except ServiceError as exc:
        if exc.status == 404:
            raise
        ungraded = exc.packs if isinstance(exc, settlement_service.PacksToGrade) else ()
        return index(str(exc.message), exc.status, ungraded)


def _settle(booking_id: int):
    if request.form.get("confirmed") != "1":  # the preview, as a page (works without JS)
        return _preview(booking_id)
    confirmed = int_or_default(
        request.form.get("total_fen"), None, minimum=-MAX_TOTAL_FEN, maximum=MAX_TOTAL_FEN
    )
    if confirmed is None:  # no amount confirmed: never settle blind
        told = _("The amount you confirmed did not reach the park. Check it and settle again.")
        return _preview(booking_id, told, 400)
    try:
        settlement_service.settle(current_user, booking_id, confirmed)
    except settlement_service.TotalChanged as exc:
        return _preview(booking_id, str(exc.message), exc.status)
    flash(_("Booking #%(id)s settled; the owner has been told.", id=booking_id), "success")
    return redirect(url_for("settlements.statement", booking_id=booking_id))


def _preview(booking_id: int, changed: str | None = None, status: int = 200):
    """The confirmation page: what settling would pay now, line by line; `changed` says why
    the last confirmation was not settled."""
    booking, lines, total = settlement_service.preview(current_user, booking_id)
    return render_template(
        "settlements/confirm.html",
        booking=booking,
        lots=[e for e in lines if e["kind"] == "lot"],
        second_life=[e for e in lines if e["kind"] == "second_life"],
        total=total,
        changed=changed,
        quantity=quantity,
        mass=mass,
    ), status


def quantity(text: str | None) -> str:
    """A line's quantity for reading: thousands grouped, at most three decimals, no trailing
    zeros (6,208.8)."""
    if text is None:
        return "—"
    value = Decimal(text).quantize(Decimal("0.001"), ROUND_HALF_UP).normalize()
    return f"{value:,f}"


def mass(text: str | None) -> str:
    """A lot's mass in kg as stored (a decimal string), grouped, two decimals (6,208.80)."""
    return "—" if text is None else f"{Decimal(text):,.2f}"


@bp.get("/settlements/<int:booking_id>")
@roles_required(*READERS)
def statement(booking_id: int):
    """The settlement statement: each lot's lines next to the quote, with the difference."""
    found = certificates.statement(current_user, booking_id)
    page = render_template(
        "settlements/statement.html",
        settlement=found,
        booking=found.booking,
        lots=[e for e in found.lines if e["kind"] == "lot"],
        second_life=[e for e in found.lines if e["kind"] == "second_life"],
        quantity=quantity,
        mass=mass,
    )
    if pdf.wants_pdf():
        title = _("Settlement statement")
        return pdf.pdf_response(page, title, f"settlement-{booking_id}.pdf")
    return page


@bp.get("/certificates/<token>")
def certificate(token: str):
    """The public certificate of recycling: codes, masses, destinations; no prices."""
    cert = certificates.certificate(token)
    page = render_template(
        "settlements/certificate.html", cert=cert, labels=labels.PACK_DESTINATION
    )
    if pdf.wants_pdf():
        title = _("Certificate of recycling")
        return pdf.pdf_response(page, title, f"certificate-{cert.booking_id}.pdf")
    return page
