"""Paying an order by card (Stripe.js), 3-D Secure authentication and the return from it."""

from __future__ import annotations

from flask import (
    current_app,
    flash,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from lithloop import payments
from lithloop.models import OrderStatus
from lithloop.public_urls import external_url
from lithloop.services.accounts import buyer_company
from lithloop.services.errors import ServiceError
from lithloop.services.market import order_cancel
from lithloop.services.market import orders as market_orders
from lithloop.services.market import payments as market_payments
from lithloop.services.market.errors import Code
from lithloop.web.access import roles_required
from lithloop.web.market.blueprint import BUYER, bp


def _with_stripe_js(page: tuple, stripe_js) -> tuple:
    """The response of a payment page, its CSP allowing Stripe.js's origin and no other."""
    from lithloop.payments.browser import content_security_policy
    from lithloop.web.security_headers import content_security_policy as app_policy

    response = make_response(page)
    if stripe_js is not None:
        base = app_policy(current_app.config.get("MAP_TILE_URL", ""))
        response.headers["Content-Security-Policy"] = content_security_policy(base, stripe_js)
    return response


def _stripe_js():
    """Stripe.js settings, or None when payments are off (the page says so)."""
    try:
        return payments.browser() if payments.enabled() else None
    except payments.PaymentError:
        return None


@bp.route("/orders/<int:order_id>/pay", methods=["GET", "POST"])
@roles_required(*BUYER)
def pay(order_id: int):
    """The payment page: the card typed into Stripe.js; 3-D Secure goes to its step."""
    order = market_orders.order_to_pay(current_user, order_id)
    error, status = None, 200
    if request.method == "POST":
        try:
            order = market_payments.pay(current_user, order_id, request.form.get("method", ""))
        except ServiceError as exc:
            if exc.status == 404:
                raise
            error, order = str(exc.message), market_orders.order_to_pay(current_user, order_id)
            status = exc.status
        else:
            if order.payment.status == "requires_action":
                return redirect(url_for("market.authenticate", order_id=order.id))
            flash(_("Payment received. Thank you!"), "success")
            return redirect(url_for("market.order", order_id=order.id))
    stripe_js, ended = _stripe_js(), order_cancel.reservation_ended(order)
    page = render_template(
        "market/pay.html",
        order=order,
        error=error,
        test_mode=payments.test_mode(),
        cards=market_payments.TEST_CARDS,
        stripe_js=None if ended else stripe_js,
        reservation_ended=ended,
        return_url=external_url("market.payment_return", order_id=order.id),
        invoice_details_missing=buyer_company.invoice_details_missing(order.buyer_org),
    )
    return _with_stripe_js((page, status), stripe_js)


@bp.post("/orders/<int:order_id>/card-setup")
@roles_required(*BUYER)
def card_setup(order_id: int):
    """A SetupIntent's client secret for Stripe.js to take the card the buyer types."""
    try:
        secret = market_payments.start_card_setup(current_user, order_id)
    except ServiceError as exc:
        if exc.status == 404:
            raise
        if exc.code == Code.NOT_PAYABLE:  # paid or cancelled since the page was shown: the
            flash(str(exc.message), "error")  # page again, saying which, with no card form
            return jsonify(
                error=str(exc.message), reload=url_for("market.pay", order_id=order_id)
            ), exc.status
        return jsonify(error=str(exc.message)), exc.status
    return jsonify(client_secret=secret)


@bp.post("/orders/<int:order_id>/open-payment")
@roles_required(*BUYER)
def open_payment(order_id: int):
    """Open the PaymentIntent checkout could not (Stripe was down), so the wallets can pay."""
    try:
        market_payments.open_payment(current_user, order_id)
    except ServiceError as exc:
        if exc.status == 404:
            raise
        flash(str(exc.message), "error")
    return redirect(url_for("market.pay", order_id=order_id))


@bp.route("/orders/<int:order_id>/authenticate", methods=["GET", "POST"])
@roles_required(*BUYER)
def authenticate(order_id: int):
    """The 3-D Secure step: Stripe.js shows the bank's challenge (or the test server's)."""
    order = market_orders.order_to_pay(current_user, order_id)
    if request.method == "POST":
        try:
            market_payments.authenticate(
                current_user, order_id, request.form.get("outcome") == "approve"
            )
            flash(_("Payment received. Thank you!"), "success")
        except ServiceError as exc:
            if exc.status == 404:
                raise
            flash(str(exc.message), "error")
            return redirect(url_for("market.pay", order_id=order_id))
        return redirect(url_for("market.order", order_id=order_id))
    if order.payment is None or order.payment.status != "requires_action":
        return redirect(url_for("market.order", order_id=order_id))
    stripe_js = _stripe_js()
    page = render_template(
        "market/authenticate.html",
        order=order,
        local=payments.enabled() and payments.gateway().local,
        stripe_js=stripe_js,
    )
    return _with_stripe_js((page, 200), stripe_js)


@bp.get("/orders/<int:order_id>/return")
@roles_required(*BUYER)
def payment_return(order_id: int):
    """Where Stripe sends the buyer back after 3-D Secure: ask Stripe how it went."""
    try:
        order = market_payments.refresh(current_user, order_id)
    except ServiceError as exc:
        if exc.status == 404:
            raise
        flash(str(exc.message), "error")
        return redirect(url_for("market.pay", order_id=order_id))
    if order.status is OrderStatus.PAID:
        flash(_("Payment received. Thank you!"), "success")
    return redirect(url_for("market.order", order_id=order_id))
