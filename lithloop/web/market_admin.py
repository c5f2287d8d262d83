"""Admins on market orders: refund a line or the order, fulfilment steps, returned packs."""

from __future__ import annotations

from decimal import Decimal

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from lithloop.extensions import db
from lithloop.i18n import local_time, money
from lithloop.models import OrderLine, Role
from lithloop.services import idempotency
from lithloop.services.errors import NotFound, ServiceError
from lithloop.services.market import expiry, refund_payback, refund_shares, refund_status
from lithloop.services.market import orders as market_orders
from lithloop.services.market import refunds as market_refunds
from lithloop.services.strict_input import int_or_default, limited_text, optional_money_fen
from lithloop.web.access import roles_required
from lithloop.web.converters import MAX_ID
from lithloop.web.market.order_views import order_page

bp = Blueprint("market_admin", __name__, url_prefix="/market/admin")


def _back(order_id: int, errors: dict | None = None, status: int = 200):
    if errors:
        order = market_orders.get_order(current_user, order_id)
        return order_page(order, admin=True, errors=errors, form=request.form), status
    return redirect(url_for("market.order", order_id=order_id))


@bp.post("/orders/<int:order_id>/refund")
@roles_required(Role.ADMIN)
def refund(order_id: int):
    """Refund the whole order or one line (amount in yuan; empty = all that is left)."""
    form = request.form
    line_id = int_or_default(form.get("line_id"), None, minimum=1, maximum=MAX_ID)
    try:
        limited_text(form.get("reason"), "reason", market_refunds.REASON_MAX)  # before confirming
        if form.get("confirmed") != "1":  # first show the amount, as a page (works without JS)
            return _confirm_refund(
                order_id, line_id, optional_money_fen(form.get("amount"), "amount")
            )
        done = market_refunds.refund(
            current_user,
            order_id,
            line_id=line_id,
            amount_fen=optional_money_fen(form.get("amount"), "amount"),
            reason=form.get("reason", ""),
            token=idempotency.clean_key(form.get("refund_token"), "refund_token"),
        )
    except ServiceError as exc:
        if exc.status == 404:
            raise
        errors = {"refund": str(exc.message), "line_id": line_id, "field": exc.field}
        return _back(order_id, errors, exc.status)
    _refund_told(done)
    return _back(order_id)


def _refund_told(done) -> None:
    """What Stripe answered, in words: refunded, asked for (pending), or not gone through."""
    amount = money(done.amount_fen)
    if done.status == refund_status.SUCCEEDED:
        flash(_("Refunded %(a)s.", a=amount), "success")
    elif done.status in refund_status.NOT_MADE:
        flash(
            _(
                "Stripe could not make the refund of %(a)s: the money has not reached the "
                "buyer. Pay it back another way, such as a bank transfer, then mark it on "
                "this page.",
                a=amount,
            ),
            "error",
        )
    else:
        flash(
            _(
                "Refund of %(a)s requested. It is not finished yet: the buyer's bank usually "
                "shows it within 5-10 working days.",
                a=amount,
            ),
            "success",
        )


def _confirm_refund(order_id: int, line_id: int | None, amount_fen: int | None):
    """The page that shows what will be refunded and asks to go ahead."""
    order = market_orders.get_order(current_user, order_id)
    line = next((li for li in order.lines if li.id == line_id), None) if line_id else None
    if line_id and line is None:
        raise NotFound(_("No such line in this order."))
    left = (line.price_fen - line.refunded_fen) if line else order.refundable_fen
    amount = left if amount_fen is None else amount_fen
    if amount <= 0 or amount > left:
        message = (
            _("Enter an amount above 0.")
            if amount <= 0
            else _(
                "%(a)s is more than the %(left)s that can still be refunded.",
                a=money(amount),
                left=money(left),
            )
        )
        return _back(order_id, {"refund": message, "line_id": line_id}, 422)
    return render_template(
        "market/confirm_refund.html",
        order=order,
        line=line,
        amount_fen=amount,
        amount_yuan=f"{Decimal(amount) / 100:.2f}",  # exact from fen, never through a float
        left_fen=left,
        reason=request.form.get("reason", ""),
        token=request.form.get("refund_token", ""),
    )


@bp.post("/orders/<int:order_id>/advance")
@roles_required(Role.ADMIN)
def advance(order_id: int):
    """Move a paid order to its next fulfilment step."""
    try:
        market_orders.advance(current_user, order_id, seen=request.form.get("status"))
    except ServiceError as exc:
        if exc.status == 404:
            raise
        flash(str(exc.message), "error")
    return _back(order_id)


@bp.post("/lines/<int:line_id>/returned")
@roles_required(Role.ADMIN)
def returned(line_id: int):
    """The pack of a line came back from the buyer: it goes on sale again, after a page
    that asks first (works without JS)."""
    try:
        if request.form.get("confirmed") != "1":
            line = market_orders.returnable_line(current_user, line_id)
            back = refund_shares.refunded_back(line.order).line(line.id)  # money given back
            return render_template(
                "market/confirm_return.html", line=line, order=line.order, refunded=back
            )
        line = market_orders.mark_returned(current_user, line_id)
    except ServiceError as exc:
        if exc.status == 404:
            raise
        line = db.session.get(OrderLine, line_id)
        return _back(line.order_id, {"returned": str(exc.message), "line_id": line_id}, exc.status)
    flash(
        _("Pack %(code)s is back in the finished-product warehouse.", code=line.pack.code),
        "success",
    )
    return _back(line.order_id)


@bp.post("/orders/<int:order_id>/settled-in-stripe")
@roles_required(Role.ADMIN)
def settled_in_stripe(order_id: int):
    """The order's payment listed as not cancelled at Stripe was settled in Stripe's
    dashboard: it leaves the warning on the orders page."""
    if expiry.settled_in_stripe(current_user, order_id):
        flash(_("Order #%(id)s's payment is marked as settled in Stripe.", id=order_id), "success")
    else:
        flash(_("Order #%(id)s's payment was not waiting to be settled.", id=order_id), "info")
    return redirect(url_for("market.orders"))


@bp.post("/orders/<int:order_id>/refunds/<int:refund_id>/paid-back")
@roles_required(Role.ADMIN)
def paid_back(order_id: int, refund_id: int):
    """A refund Stripe could not make was paid back another way: who, when, how (the note)."""
    try:
        marked = refund_payback.mark_paid_back(
            current_user, order_id, refund_id, request.form.get("note")
        )
    except ServiceError as exc:
        if exc.status == 404:
            raise
        errors = {"paid_back": str(exc.message), "refund_id": refund_id}
        return _back(order_id, errors, exc.status)
    done = marked.refund
    if marked.now:
        flash(_("Marked as paid back another way: %(a)s.", a=money(done.amount_fen)), "success")
    else:  # a second press, or another tab: it was marked already
        flash(
            _(
                "This refund was already marked as paid back by %(who)s on %(when)s.",
                who=done.paid_back_by.name if done.paid_back_by else "—",
                when=local_time(done.paid_back_at),
            ),
            "info",
        )
    return _back(order_id)
