"""Requests for quote: buyers ask and accept, admins quote or decline."""

from __future__ import annotations

import uuid

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from lithloop import clock, labels
from lithloop.extensions import db
from lithloop.models import Role
from lithloop.services import idempotency
from lithloop.services.accounts import policies
from lithloop.services.errors import ServiceError
from lithloop.services.market import cart as market_cart
from lithloop.services.market import rfq as rfqs
from lithloop.services.market import rfq_admin, rfq_spec
from lithloop.services.strict_input import int_or_default, money_to_fen
from lithloop.web.access import roles_required
from lithloop.web.market.blueprint import delivery_from_form
from lithloop.web.market.delivery_choice import delivery_choice, fee_seen

bp = Blueprint("rfq", __name__, url_prefix="/market")
#: The accept form's fields that show their own error (any other beside the button).
ACCEPT_FIELDS = ("delivery", "city", "address", "contact", "phone")


def rfq_state_label(value: str) -> str:
    """A request's state in the current language ("expired": a quote past its date)."""
    if value == "expired":
        return _("Quote expired")
    return labels.label(labels.RFQ_STATUS, value)


@bp.app_context_processor
def _helpers():
    return {"rfq_state": rfqs.state, "rfq_state_label": rfq_state_label}


@bp.get("/rfqs")
@roles_required(Role.BUYER)
def index():
    """The company's requests for quote, newest first."""
    rows = list(db.session.scalars(rfqs.visible(current_user).limit(300)))
    return render_template("market/rfqs.html", rfqs=rows)


def _new_page(errors: dict | None = None, status: int = 200, token: str | None = None):
    form = request.form
    return render_template(
        "market/rfq_new.html",
        form=form,
        errors=errors or {},
        wanted_range=rfq_spec.wanted_by_range(),
        chemistries=rfq_spec.CHEMISTRIES,
        rfq_token=token or form.get("rfq_token") or uuid.uuid4().hex,
    ), status


@bp.route("/rfqs/new", methods=["GET", "POST"])
@roles_required(Role.BUYER)
def new():
    """Ask the park for a quote on N packs meeting a spec (once, however often it is sent)."""
    if request.method == "GET":
        return _new_page()
    form = request.form
    try:
        created, fresh = rfqs.create_once(
            current_user, form, form.get("rfq_token"), field="rfq_token"
        )
    except ServiceError as exc:
        if exc.status in (403, 404):
            raise
        errors = {exc.field or "_form": str(exc.message)}
        if exc.status == 422:  # every field's problem at once, not one per try
            for field, message in rfq_spec.spec_problems(form).items():
                errors.setdefault(field, message)
        if exc.field != "rfq_token":
            return _new_page(errors, exc.status)
        del errors["rfq_token"]  # a fresh token for the next try, and why
        if isinstance(exc, idempotency.KeyReused):
            errors["_form"] = _(
                "This form was sent before with other values. Check them and send "
                "again to make a new request."
            )
        else:
            errors["_form"] = _(
                "The form's one-time key was changed, so nothing was sent. Check the "
                "values below and send again."
            )
        return _new_page(errors, exc.status, token=uuid.uuid4().hex)
    if fresh:
        flash(_("Request sent. The park answers by e-mail and on this page."), "success")
    else:  # the same form sent again (pressed twice, or back and sent again)
        flash(_("Request #%(id)s was sent already; it is not sent twice.", id=created.id), "info")
    return redirect(url_for("rfq.show", rfq_id=created.id))


def _choice(found, admin: bool, errors: dict, asked: bool = False) -> dict:
    """The accept form's delivery choice (the cart's: city list, fee, totals), if it shows;
    `asked`: the form was sent, so a delivery without a city is an error beside the field."""
    if admin or rfqs.state(found) != "quoted":
        return {}
    chosen = market_cart.clean_delivery(request.form)
    prices = [found.unit_price_fen] * found.quantity
    mass = rfq_spec.order_mass_kg(found)
    return delivery_choice(chosen, found.quantity, mass, prices, errors, asked=asked)


def _render(found, errors: dict, status: int = 200, notice: str = "", choice=None):
    admin = policies.may(current_user, "administer")
    if choice is None:
        choice = _choice(found, admin, errors)
    return render_template(
        "market/rfq.html",
        rfq=found,
        stock=rfq_spec.matching_stock(found),
        admin=admin,
        errors=errors,
        notice=notice,
        answer=request.form,
        today=clock.today(),
        **choice,
    ), status


def _show(rfq_id: int, errors: dict | None = None, status: int = 200):
    return _render(rfqs.get(current_user, rfq_id), dict(errors or {}), status)


@bp.get("/rfqs/<int:rfq_id>")
@roles_required(Role.BUYER, Role.ADMIN)
def show(rfq_id: int):
    """One request: its spec, the quote, and accept (buyer) or answer (admin)."""
    return _show(rfq_id)


@bp.post("/rfqs/<int:rfq_id>/accept")
@roles_required(Role.BUYER)
def accept(rfq_id: int):
    """Accept the quote: the packs are reserved and the payment page opens. A delivery's
    fee and total are shown first (the city as in the cart); accepting needs them seen."""
    found = rfqs.get(current_user, rfq_id)  # 404 for another buyer's request
    errors: dict = {}
    choice = _choice(found, False, errors, asked=True)
    if choice and errors:  # a city not in the list, or one no truck reaches and returns from
        return _render(found, errors, 422, choice=choice)
    asked = bool(request.form.get("show_fee"))  # the button that only shows the fee
    if choice and (asked or not fee_seen(request.form, choice["form"], choice["quote"])):
        notice = "" if asked else _("Check the delivery fee and the total above, then accept.")
        return _render(found, errors, notice=notice, choice=choice)
    delivery = delivery_from_form(request.form)
    seen_fee = None
    if delivery["kind"] == "address":
        delivery["city"] = request.form.get("city", "")
        seen_fee = choice["quote"].fee_fen  # fee_seen: the page showed this very fee
    try:
        order = rfqs.accept(
            current_user,
            rfq_id,
            delivery,
            seen_fee_fen=seen_fee,
            seen_unit_fen=int_or_default(
                request.form.get("seen_unit_fen"), None, minimum=0, maximum=10**15
            ),
        )
    except ServiceError as exc:
        if exc.status in (403, 404):
            raise
        refused = getattr(exc, "fields", None) or {exc.field: exc.message}  # all at once
        shown = {(f if f in ACCEPT_FIELDS else "accept"): str(m) for f, m in refused.items()}
        return _show(rfq_id, shown, exc.status)
    return redirect(url_for("market.pay", order_id=order.id))


@bp.get("/admin/rfqs")
@roles_required(Role.ADMIN)
def admin_index():
    """Requests waiting for an answer, and quotes not yet accepted."""
    return render_template("market/rfqs_admin.html", rfqs=rfq_admin.open_requests(current_user))


@bp.post("/admin/rfqs/<int:rfq_id>/quote")
@roles_required(Role.ADMIN)
def quote(rfq_id: int):
    """Quote a unit price (yuan, VAT included) valid through a date."""
    try:
        price = money_to_fen(
            request.form.get("unit_price"), "unit_price", message=_l("Enter a unit price above 0.")
        )
        rfq_admin.quote(
            current_user,
            rfq_id,
            unit_price_fen=price,
            valid_until=request.form.get("valid_until", ""),
            note=request.form.get("note", ""),
        )
    except ServiceError as exc:
        if exc.status in (403, 404):
            raise
        return _show(rfq_id, {exc.field or "quote": str(exc.message)}, exc.status)
    flash(_("Quote sent to the buyer."), "success")
    return redirect(url_for("rfq.admin_index"))


@bp.post("/admin/rfqs/<int:rfq_id>/decline")
@roles_required(Role.ADMIN)
def decline(rfq_id: int):
    """Decline the request with a reason."""
    try:
        rfq_admin.decline(current_user, rfq_id, request.form.get("reason", ""))
    except ServiceError as exc:
        if exc.status in (403, 404):
            raise
        return _show(rfq_id, {exc.field or "decline": str(exc.message)}, exc.status)
    flash(_("The buyer was told that the request is declined."), "success")
    return redirect(url_for("rfq.admin_index"))
