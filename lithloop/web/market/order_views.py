"""The buyer's orders and one order's page."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from lithloop import labels
from lithloop.models import OrderStatus
from lithloop.services.accounts import policies
from lithloop.services.booking import distances
from lithloop.services.dispatch import left_deliveries
from lithloop.services.errors import ServiceError
from lithloop.services.market import (
    expiry,
    order_cancel,
    order_list,
    refund_payback,
    refund_shares,
    refund_status,
)
from lithloop.services.market import orders as market_orders
from lithloop.web.access import roles_required
from lithloop.web.market.blueprint import ALL_ORDERS, bp
from lithloop.web.query_args import page_arg, search_arg


@bp.get("/orders")
@roles_required(*ALL_ORDERS)
def orders():
    """The organisation's orders, newest first (admins: every order), a page at a time,
    by status and searched by order number or buyer."""
    status, search = request.args.get("status") or None, search_arg()
    pagination, lines = order_list.page(current_user, page_arg(), status, search)
    admin = policies.may(current_user, "administer")
    return render_template(
        "market/orders.html",
        stuck_cancels=expiry.stuck_cancels() if admin else [],
        refunds_owed=refund_payback.owed() if admin else [],
        refunds_owed_count=refund_payback.owed_count() if admin else 0,
        owed_back=refund_payback.owed_by_order([o.id for o in pagination.items]),
        orders=pagination.items,
        pagination=pagination,
        lines=lines,
        status=status,
        search=search,
        statuses=[s.value for s in OrderStatus],
    )


@bp.get("/orders/<int:order_id>")
@roles_required(*ALL_ORDERS)
def order(order_id: int):
    """One order: lines, payment, refunds; admins act on it here."""
    found = market_orders.get_order(current_user, order_id)
    if found is None:
        abort(404)
    pickup = None
    if found.delivery_kind == "pickup" and found.paid_at is not None:
        pickup = distances.park_site()
    return order_page(found, admin=policies.may(current_user, "administer"), pickup=pickup)


@bp.post("/orders/<int:order_id>/cancel")
@roles_required(*ALL_ORDERS)
def cancel(order_id: int):
    """Cancel an order awaiting payment, after a page that asks first (works without JS);
    a refusal is told on the order's page."""
    try:
        if request.form.get("confirmed") != "1":
            found = order_cancel.check_cancellable(current_user, order_id)
            return render_template("market/confirm_cancel.html", order=found)
        order_cancel.cancel(current_user, order_id)
    except ServiceError as exc:
        if exc.status == 404:
            raise
        flash(str(exc.message), "error")
    else:
        flash(_("Order #%(id)s cancelled: its packs are back on sale", id=order_id), "success")
    return redirect(url_for("market.order", order_id=order_id))


def order_page(order, **context) -> str:
    """The order's page, the buyer's and an administrator's: a delivery a published plan
    left out says it is being planned again, not the day expected at checkout (what the
    API's order body says too: left_deliveries.outlook)."""
    return render_template(
        "market/order.html",
        order=order,
        outlook=left_deliveries.outlook(order),
        cancellable=order_cancel.cancellable(order),
        reservation_ended=order_cancel.reservation_ended(order),
        road=[(e.at, road_words(e)) for e in order.events],
        refunds_not_made=refund_status.not_made(order),
        back=refund_shares.refunded_back(order),
        **context,
    )


def road_words(event) -> str:
    """An entry of the order's delivery history (delivery_back) in the reader's words."""
    detail = event.detail or {}
    if event.kind == "delivery_exception":
        return _(
            "%(day)s, truck %(plate)s: not delivered (%(why)s). %(note)s",
            day=detail.get("day", ""),
            plate=detail.get("plate", ""),
            why=labels.label(labels.DELIVERY_EXCEPTION, detail.get("reason", "")),
            note=event.note,
        ).strip()
    return _(
        "%(day)s: the packs came back to the park with truck %(plate)s, to deliver again",
        day=detail.get("day", ""),
        plate=detail.get("plate", ""),
    )
