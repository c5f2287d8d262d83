"""The buyer's market: catalog, listing, cart, checkout, payment, orders."""

from __future__ import annotations

import uuid
from decimal import Decimal

from flask import (
    Blueprint,
    abort,
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

from lithloop import labels, payments
from lithloop.extensions import db
from lithloop.i18n import current_language
from lithloop.models import OrderStatus, Pack, PackState, Role
from lithloop.public_urls import external_url
from lithloop.services import idempotency
from lithloop.services.accounts import policies
from lithloop.services.booking import distances
from lithloop.services.errors import ServiceError
from lithloop.services.market import cart as market_cart
from lithloop.services.market import catalog, order_list
from lithloop.services.market import checkout as market_checkout
from lithloop.services.market import delivery as market_delivery
from lithloop.services.market import orders as market_orders
from lithloop.services.market import payments as market_payments
from lithloop.services.strict_input import int_or_default
from lithloop.web.access import roles_required
from lithloop.web.converters import MAX_ID
from lithloop.web.passports import public_url, qr_svg
from lithloop.web.query_args import page_arg

bp = Blueprint("market", __name__, url_prefix="/market")
BUYER = policies.BUYERS
ALL_ORDERS = policies.ORDER_VIEWERS
CATALOG_GROUPS = 24  # listings (groups of identical packs) per catalog page


def order_status_label(value: str) -> str:
    """An order status in the current language."""
    return labels.label(labels.ORDER_STATUS, value)


@bp.app_context_processor
def _helpers():
    return {
        "order_status_label": order_status_label,
        "use_cases": catalog.USE_CASES,
        "group_id": catalog.group_id,
        "one_time_token": lambda: uuid.uuid4().hex,
        "city_name": city_name,
    }


def city_name(name_zh: str) -> str:
    """A delivery city (stored by its Chinese name) in the page's language."""
    place = next((p for p in market_delivery.cities() if p.name_zh == name_zh), None)
    if place is None:
        return name_zh
    return market_delivery.city_label(place, current_language())


def _cart() -> dict:
    return market_cart.read(current_user)


def _save(cart: dict) -> None:
    """Keep the cart on the server; each change gives it a new checkout token."""
    market_cart.save(current_user, cart["packs"], cart["groups"])


def cart_lines(cart: dict) -> list[dict]:
    """The cart as checkout lines."""
    return [{"pack_id": i} for i in cart["packs"]] + [
        {"group_id": g, "quantity": q} for g, q in cart["groups"].items()
    ]


@bp.get("/")
@roles_required(*BUYER, Role.ADMIN)
def catalog_page():
    """Packs for sale, filtered and sorted, identical ones grouped with their stock."""
    errors = {}
    try:
        filters = catalog.parse_filters(request.args)
    except ServiceError as exc:
        errors[exc.field] = str(exc.message)
        filters = catalog.Filters()
    groups = catalog.grouped(catalog.search(filters))
    chemistries = (
        sorted({g.first.chemistry for g in groups})
        if filters == catalog.Filters()
        else catalog.chemistries()
    )
    number, per_page = page_arg(), CATALOG_GROUPS
    pages = max(1, -(-len(groups) // per_page))
    return render_template(
        "market/catalog.html",
        groups=groups[(number - 1) * per_page : number * per_page],
        page=number,
        pages=pages,
        page_args={k: v for k, v in request.args.items() if k != "page"},
        args=request.args,
        errors=errors,
        chemistries=chemistries,
        sorts=catalog.SORTS,
    )


@bp.get("/packs/<int:pack_id>")
@roles_required(*BUYER, Role.ADMIN)
def pack_page(pack_id: int):
    """A listing: the pack's test report, passport link, price and stock of its group."""
    pack = catalog.listing(pack_id)
    passport_url = public_url(pack.code)
    return render_template(
        "market/pack.html",
        pack=pack,
        passport_url=passport_url,
        qr=qr_svg(passport_url),
        test=catalog.latest_test(pack),
        stock=catalog.stock_of(catalog.group_id(pack)),
    )


@bp.post("/cart/add")
@roles_required(*BUYER)
def cart_add():
    """Add a pack, or set the quantity of a group, in the buyer's cart."""
    cart = _cart()
    pack_id = int_or_default(request.form.get("pack_id"), 0, minimum=1, maximum=MAX_ID)
    if pack_id:
        if pack_id not in cart["packs"]:
            cart["packs"].append(pack_id)
    elif request.form.get("group_id"):
        quantity = int_or_default(request.form.get("quantity"), 1, minimum=1, maximum=1000)
        cart["groups"][request.form["group_id"][:80]] = quantity
    _save(cart)
    flash(_("Added to the cart."), "success")
    return redirect(url_for("market.cart"))


@bp.post("/cart/remove")
@roles_required(*BUYER)
def cart_remove():
    """Take a pack or a group out of the cart."""
    cart = _cart()
    cart["packs"] = [i for i in cart["packs"] if str(i) != request.form.get("pack_id")]
    cart["groups"].pop(request.form.get("group_id", ""), None)
    _save(cart)
    return redirect(url_for("market.cart"))


def _cart_page(errors: dict | None = None, status: int = 200, form=None):
    cart = _cart()
    packs = [p for p in (db.session.get(Pack, i) for i in cart["packs"]) if p is not None]
    groups = []
    for key, quantity in cart["groups"].items():
        try:
            stock = catalog.stock_of(key)
        except ServiceError:
            continue
        sample = db.session.scalar(catalog.for_sale().where(*catalog.group_conditions(key)))
        groups.append({"id": key, "quantity": quantity, "stock": stock, "sample": sample})
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
    pickup = market_delivery.pickup_quote()
    quote = None
    if chosen["kind"] == "address" and chosen["city"]:
        try:
            quote = market_delivery.city_quote(chosen["city"], count, mass)
        except ServiceError as exc:
            errors.setdefault(exc.field or "city", str(exc.message))
    return render_template(
        "market/cart.html",
        packs=packs,
        groups=groups,
        pickup=pickup,
        quote=quote,
        pickup_totals=market_cart.totals(prices),
        totals=market_cart.totals(prices, quote.fee_fen if quote else 0),
        cities=market_delivery.cities(),
        errors=errors,
        form=chosen,
        on_sale=PackState.FINISHED,
        checkout_token=cart["token"],
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
    chosen = market_cart.save_delivery(current_user, request.form)
    if chosen["kind"] == "address":
        try:
            market_delivery.find_city(chosen["city"])
        except ServiceError as exc:
            return _cart_page({exc.field: str(exc.message)}, exc.status)
    return redirect(url_for("market.cart") + "#delivery")


@bp.post("/checkout")
@roles_required(*BUYER)
def checkout():
    """Reserve the cart's packs and go to the payment page."""
    form = request.form
    delivery = {
        "kind": form.get("delivery_kind", "pickup"),
        "address": form.get("address"),
        "contact": form.get("contact"),
        "phone": form.get("phone"),
    }
    if "city" in form:
        delivery["city"] = form.get("city")
    cart = _cart()
    chosen = market_cart.clean_delivery({**delivery, "city": form.get("city")})
    if not market_cart.same_delivery(cart["delivery"], chosen):
        # the page showed another delivery's fee: show this one's before taking an order
        market_cart.save_delivery(current_user, chosen)
        if chosen["kind"] == "address":
            try:
                market_delivery.find_city(chosen["city"])
            except ServiceError as exc:
                return _cart_page({exc.field: str(exc.message)}, exc.status, form)
            flash(_("Check the delivery fee and the total below, then order."), "info")
            return redirect(url_for("market.cart") + "#delivery")
    else:
        market_cart.save_delivery(current_user, chosen)  # the address and phone as typed
    try:  # the page's one-time token; the cart's own when the form has none (or a bad one)
        token = idempotency.clean_key(form.get("checkout_token"), "checkout_token")
    except ServiceError:
        token = None
    try:  # a second submit of the same cart, even at the same moment, finds the first order
        order, replayed = market_checkout.checkout_once(
            current_user,
            cart_lines(cart),
            delivery,
            key=token or cart["token"] or None,
            scope="checkout",
        )
    except market_checkout.PaymentUnavailable as exc:
        if exc.order_id is None:
            raise
        _save({"packs": [], "groups": {}})  # the order exists, pending, its packs reserved
        flash(str(exc.message), "error")
        return redirect(url_for("market.pay", order_id=exc.order_id))
    except ServiceError as exc:
        return _cart_page({exc.field or "_form": str(exc.message)}, exc.status, form)
    _save({"packs": [], "groups": {}})
    if replayed:
        flash(_("This cart was ordered already (order %(id)s).", id=order.id), "info")
    if order.status is not OrderStatus.PENDING_PAYMENT:
        return redirect(url_for("market.order", order_id=order.id))
    return redirect(url_for("market.pay", order_id=order.id))


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
    order = market_orders.get_order(current_user, order_id)
    error, status = None, 200
    if request.method == "POST":
        try:
            order = market_payments.pay(current_user, order_id, request.form.get("method", ""))
        except ServiceError as exc:
            if exc.status == 404:
                raise
            error, order = str(exc.message), market_orders.get_order(current_user, order_id)
            status = exc.status
        else:
            if order.payment.status == "requires_action":
                return redirect(url_for("market.authenticate", order_id=order.id))
            flash(_("Payment received. Thank you!"), "success")
            return redirect(url_for("market.order", order_id=order.id))
    stripe_js = _stripe_js()
    page = render_template(
        "market/pay.html",
        order=order,
        error=error,
        test_mode=payments.test_mode(),
        cards=market_payments.TEST_CARDS,
        stripe_js=stripe_js,
        return_url=external_url("market.payment_return", order_id=order.id),
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
        return jsonify(error=str(exc.message)), exc.status
    return jsonify(client_secret=secret)


@bp.route("/orders/<int:order_id>/authenticate", methods=["GET", "POST"])
@roles_required(*BUYER)
def authenticate(order_id: int):
    """The 3-D Secure step: Stripe.js shows the bank's challenge (or the test server's)."""
    order = market_orders.get_order(current_user, order_id)
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


@bp.get("/orders")
@roles_required(*ALL_ORDERS)
def orders():
    """The organisation's orders, newest first (admins: every order), a page at a time,
    by status and searched by order number or buyer."""
    status, search = request.args.get("status") or None, (request.args.get("q") or "")[:100]
    pagination, lines = order_list.page(current_user, page_arg(), status, search)
    return render_template(
        "market/orders.html",
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
    return render_template(
        "market/order.html",
        order=found,
        admin=policies.may(current_user, "administer"),
        pickup=pickup,
    )
