"""The cart (add, remove, delivery) and the checkout that places the order."""

from __future__ import annotations

from decimal import Decimal

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from lithloop.extensions import db
from lithloop.i18n import money
from lithloop.models import OrderStatus, Pack, PackState
from lithloop.services import idempotency
from lithloop.services.accounts import buyer_company
from lithloop.services.errors import ServiceError
from lithloop.services.market import cart as market_cart
from lithloop.services.market import catalog, catalog_groups, repricing
from lithloop.services.market import checkout as market_checkout
from lithloop.services.strict_input import int_or_default
from lithloop.web.access import roles_required
from lithloop.web.converters import MAX_ID
from lithloop.web.market import catalog_views
from lithloop.web.market.blueprint import (
    BUYER,
    bp,
    cart_lines,
    delivery_from_form,
    read_cart,
    save_cart,
)
from lithloop.web.market.delivery_choice import delivery_choice

# The fields the cart page shows an error beside (templates/market/cart.html).
CART_FIELDS = ("lines", "city", "address", "contact", "phone", "delivery")


@bp.post("/cart/add")
@roles_required(*BUYER)
def cart_add():
    """Add a pack, or set the quantity of a group, in the buyer's cart."""
    cart = read_cart()
    if request.form.get("pack_id") is not None:
        pack_id = int_or_default(request.form.get("pack_id"), 0, minimum=1, maximum=MAX_ID)
        try:  # only a pack on sale now: no other pack's code is shown, nothing is added
            catalog.on_sale(pack_id)
        except ServiceError as exc:
            return _cart_page({"_form": str(exc.message)}, exc.status)
        market_cart.add_pack(current_user, pack_id)
    elif not request.form.get("group_id"):  # neither a pack nor a group: nothing to add
        flash(_("Choose the packs to add from the catalogue."), "error")
        return redirect(url_for("market.catalog_page"))
    else:
        key = request.form["group_id"][:80]
        try:
            stock = catalog.stock_of(key)
        except ServiceError as exc:
            flash(str(exc.message), "error")
            return redirect(url_for("market.cart"))
        if not stock:
            moved = repricing.repriced(key)  # the page showed a price before a new index
            if moved:
                now = money(moved[0].price_fen)
                flash(_("These packs were repriced: now from %(price)s each.", price=now), "error")
                return redirect(url_for("market.catalog_page"))
            flash(_("These packs are no longer on sale."), "error")
            return redirect(url_for("market.cart"))
        try:
            quantity = market_cart.quantity_of(request.form.get("quantity"), stock)
        except ServiceError as exc:  # beside the quantity typed, on the page it was typed on
            refused = {"group": key, "typed": request.form["quantity"], "message": exc.message}
            if request.form.get("from") == "catalog":  # back to it, filters as they were
                return catalog_views.back_with_refusal(request.form.get("back", ""), refused)
            if key not in cart["groups"]:  # no line of it to show the message beside
                return _cart_page({"_form": str(exc.message)}, exc.status)
            return _cart_page(status=exc.status, quantity_error=refused)
        # a repriced line, updated: the one it replaces goes
        market_cart.set_group(current_user, key, quantity, request.form.get("replaces"))
    flash(_("Added to the cart."), "success")
    return redirect(url_for("market.cart"))


@bp.post("/cart/remove")
@roles_required(*BUYER)
def cart_remove():
    """Take a pack or a group out of the cart."""
    market_cart.remove(current_user, request.form.get("pack_id"), request.form.get("group_id"))
    return redirect(url_for("market.cart"))


def _cart_page(errors: dict | None = None, status: int = 200, form=None, quantity_error=None):
    cart = read_cart()
    # packs with a listing only (on sale, or reserved or sold since they were added)
    packs = [p for p in (db.session.get(Pack, i) for i in cart["packs"]) if catalog.is_listed(p)]
    groups = []
    for key, quantity in cart["groups"].items():
        try:
            stock = catalog.stock_of(key)
        except ServiceError:
            continue
        sample = db.session.scalar(catalog.for_sale().where(*catalog_groups.group_conditions(key)))
        groups.append(
            {
                "id": key,
                "key": catalog_groups.parse_group(key),  # named in words even once sold out
                "quantity": quantity,
                "stock": stock,
                "sample": sample,
                "repriced": repricing.repriced(key) if sample is None else [],
            }
        )
    on_sale = [p for p in packs if p.state is PackState.FINISHED]
    bought = [g for g in groups if g["sample"] is not None]
    prices = [p.price_fen or 0 for p in on_sale] + [
        g["sample"].price_fen for g in bought for _ in range(g["quantity"])
    ]
    count = len(on_sale) + sum(g["quantity"] for g in bought)
    mass = sum((p.mass_kg for p in on_sale), Decimal(0)) + sum(
        (g["sample"].mass_kg * g["quantity"] for g in bought), Decimal(0)
    )
    errors = dict(errors or {})
    chosen = market_cart.clean_delivery(form) if form is not None else cart["delivery"]
    return render_template(
        "market/cart.html",
        packs=packs,
        groups=groups,
        **delivery_choice(chosen, count, mass, prices, errors),
        errors=errors,
        on_sale=PackState.FINISHED,
        checkout_token=cart["token"],
        quantity_error=quantity_error,
        invoice_details_missing=buyer_company.invoice_details_missing(current_user.organisation),
    ), status


@bp.get("/cart")
@roles_required(*BUYER)
def cart():
    """The cart, with the delivery choice, its fee and day, and the order button."""
    return _cart_page()


@bp.post("/cart/delivery")
@roles_required(*BUYER)
def cart_delivery():
    """Keep the delivery chosen (pickup, or a city and address) and show its fee and day."""
    refused = _choose_delivery(market_cart.clean_delivery(request.form))
    if refused is not None:
        return refused
    return redirect(url_for("market.cart") + "#delivery")


def _choose_delivery(chosen: dict):
    """Keep the delivery chosen; the cart page with the error beside the city field when
    its city cannot be delivered to, beside the address or the contact when longer than its
    column; None when kept. The fields show what was typed, with no fee (the cart keeps its
    last good city): the last good city in the field, with its fee, was ordered by the next
    press with the address typed for the refused one."""
    try:
        market_cart.choose_delivery(current_user, chosen)
    except ServiceError as exc:
        return _cart_page({exc.field or "city": str(exc.message)}, exc.status, chosen)
    return None


@bp.post("/checkout")
@roles_required(*BUYER)
def checkout():
    """Reserve the cart's packs and go to the payment page."""
    form = request.form
    delivery = delivery_from_form(form)
    if "city" in form:  # the cart's delivery fee is by city
        delivery["city"] = form.get("city")
    cart = read_cart()
    try:  # the page's one-time token; the cart's own when the form has none (or a bad one)
        token = idempotency.clean_key(form.get("checkout_token"), "checkout_token")
    except ServiceError:
        token = None
    if _changed_since_shown(token, cart["token"]):
        stale = _(
            "Your cart changed after this page was shown (in another tab or window, perhaps). "
            "Check the packs and the total below, then order again."
        )
        return _cart_page({"_form": stale}, 409, form)
    chosen = market_cart.clean_delivery({**delivery, "city": form.get("city")})
    if not market_cart.same_delivery(cart["delivery"], chosen):
        # the page showed another delivery's fee: show this one's before taking an order
        refused = _choose_delivery(chosen)
        if refused is not None:
            return refused
        if chosen["kind"] == "address":
            flash(_("Check the delivery fee and the total below, then order."), "info")
            return redirect(url_for("market.cart") + "#delivery")
    else:
        try:
            market_cart.save_delivery(current_user, chosen)  # the address and phone as typed
        except ServiceError as exc:  # an address or contact refused: with the other fields'
            return _cart_page(_refusals(exc, delivery), exc.status, form)
    try:  # a second submit of the same cart, even at the same moment, finds the first order
        order, replayed = market_checkout.checkout_once(
            current_user,
            cart_lines(cart),
            delivery,
            key=token or cart["token"] or None,
            scope="checkout",
            seen_subtotal_fen=int_or_default(
                form.get("seen_subtotal_fen"), None, minimum=0, maximum=10**15
            ),
        )
    except market_checkout.PaymentUnavailable as exc:
        if exc.order_id is None:
            raise
        save_cart({"packs": [], "groups": {}})  # the order exists, pending, its packs reserved
        flash(str(exc.message), "error")
        return redirect(url_for("market.pay", order_id=exc.order_id))
    except ServiceError as exc:  # each field the page shows beside itself, else at the top
        return _cart_page(_refusals(exc), exc.status, form)
    save_cart({"packs": [], "groups": {}})
    if replayed:
        flash(_("This cart was ordered already (order #%(id)s).", id=order.id), "info")
    if order.status is not OrderStatus.PENDING_PAYMENT:
        return redirect(url_for("market.order", order_id=order.id))
    return redirect(url_for("market.pay", order_id=order.id))


def _changed_since_shown(token: str | None, current: str) -> bool:
    """The page's token is not the cart's and ordered nothing: the cart changed since the
    page showed it (another tab added packs), so its order would not be what was shown. A
    token that ordered before is a repeat (a double click): checkout_once answers it."""
    if not token or not current or token == current:
        return False
    return not idempotency.known("checkout", current_user.organisation_id, token)


def _refusals(exc: ServiceError, delivery: dict | None = None) -> dict[str, str]:
    """The fields refused, each by its name (the page shows it beside the field, else at the
    top): those `exc` names and, given the `delivery` typed, every other one checkout would
    refuse in it, so that all are corrected at once, not one a submit."""
    refused = dict(getattr(exc, "fields", None) or {exc.field: exc.message})
    if delivery is not None:
        refused = market_checkout.delivery_problems(delivery) | refused
    return {(f if f in CART_FIELDS else "_form"): str(m) for f, m in refused.items()}
