"""Letters to a buyer about an order: paid, payment failed, released, refunded (and why),
handed over, delivered.

Each is queued by the transaction that records its event (the caller commits), so it
leaves once that commit is done and once per event: the callers write it only on the
order's move (pending to paid, a refund booked, shipped), which a repeated webhook or the
return page reporting the same news does not make again.
"""

from __future__ import annotations

from flask_babel import LazyString, format_datetime, get_locale
from flask_babel import lazy_gettext as _l

from lithloop import labels, letters
from lithloop.i18n import kwh, money
from lithloop.models import Order, OrderLine, OrderStatus
from lithloop.services.market import delivery as market_delivery
from lithloop.services.market import refund_news
from lithloop.services.market.delivery import ADDRESS


def _link(order: Order) -> str:
    return letters.link("market.order", order_id=order.id)


def _pack(line: OrderLine, amount_fen: int):
    """One pack of the order with an amount, as a lazy line of a letter."""
    pack = line.pack
    return _l(
        "%(code)s: %(chemistry)s, grade %(grade)s, %(kwh)s kWh, %(amount)s",
        code=pack.code,
        chemistry=labels.CHEMISTRY.get(pack.chemistry, pack.chemistry),
        grade=pack.grade.value if pack.grade else "—",
        kwh=kwh(pack.rated_kwh),
        amount=money(amount_fen),
    )


def _lines(items: list) -> LazyString:
    """Lazy lines joined when the letter is rendered (in the recipient's language)."""
    return LazyString(lambda: "\n".join(f"- {item}" for item in items))


def _packs_and_fee(order: Order) -> LazyString:
    """The order's packs at their prices and, for a delivery, its fee: lines adding up to
    the order's total."""
    items = [_pack(line, line.price_fen) for line in order.lines]
    if order.delivery_fee_fen:
        items.append(_l("Delivery fee: %(amount)s", amount=money(order.delivery_fee_fen)))
    return _lines(items)


#: For refund_letters.py: a pack's line with an amount, and lines joined.
pack_line, lines_of = _pack, _lines


def _day(value) -> str:
    return value.isoformat() if value else "—"


def delivery_address(order: Order) -> LazyString:
    """The delivery address with its city, named in the recipient's language (the street as
    typed holds no city: "南岗区学府路 52 号" alone does not say it is Harbin)."""

    def written() -> str:
        street, city = order.delivery_address, order.delivery_city
        place = next((p for p in market_delivery.cities() if p.name_zh == city), None)
        locale = str(get_locale() or "zh_CN")
        name = market_delivery.city_label(place, locale) if place is not None else city
        if not name or street.startswith(name):
            return street
        return f"{name}{street}" if locale.startswith("zh") else f"{street}, {name}"

    return LazyString(written)


def _delivery(order: Order):
    if order.delivery_kind == ADDRESS:
        return _l(
            "Delivery to %(address)s: %(fee)s, expected on %(day)s.",
            address=delivery_address(order),
            fee=money(order.delivery_fee_fen or 0),
            day=_day(order.delivery_eta),
        )
    return _l(
        "Pick up at the park: free, ready for pickup from %(d)s. At the gate, give order "
        "#%(id)s and show the ID of the person collecting.",
        d=_day(order.delivery_eta),
        id=order.id,
    )


def paid(order: Order) -> None:
    """The order confirmation: its packs, amounts, delivery or pickup, and a link."""
    letters.send_letter(
        order.user,
        _l("Order #%(id)s paid: %(total)s"),
        _l(
            "Thank you. Order #%(id)s is paid: %(total)s.\n\n%(lines)s\n%(delivery)s\n\n"
            "Your order and its invoice: %(link)s\n"
        ),
        id=order.id,
        total=money(order.total_fen),
        lines=_lines([_pack(line, line.price_fen) for line in order.lines]),
        delivery=_delivery(order),
        link=_link(order),
    )


def payment_failed(order: Order, why) -> None:
    """A payment refused after the buyer left the page (`why`: a lazy reason)."""
    until = order.reserved_until
    letters.send_letter(
        order.user,
        _l("Order #%(id)s: the payment did not go through"),
        _l(
            "The payment of order #%(id)s (%(total)s) did not go through: %(why)s. Nothing "
            "was charged. The packs stay reserved for you until %(until)s: open the order and "
            "pay again, with another card if need be. After that they go back on sale.\n"
            "%(link)s\n"
        ),
        id=order.id,
        total=money(order.total_fen),
        why=why,
        until=LazyString(lambda: format_datetime(until, "yyyy-MM-dd HH:mm")) if until else "—",
        link=_link(order),
    )


#: Why a pending order was cancelled by the platform (not by the buyer), in words.
EXPIRED = _l("the reservation ran out before the order was paid")
CANCELLED = _l("the payment was cancelled at the payment service")
SUSPENDED = _l("the park suspended your organisation before the order was paid")


def _charge(maybe_charged: bool):
    """What was charged, in a sentence: nothing, or given back if the bank took it."""
    if maybe_charged:
        return _l("If your bank took the money all the same, it is refunded in full.")
    return _l("Nothing was charged.")


def released(order: Order, why, maybe_charged: bool = False) -> None:
    """An unpaid order cancelled for the buyer: its packs, the charge, how to order again."""
    letters.send_letter(
        order.user,
        _l("Order #%(id)s cancelled: its packs are back on sale"),
        _l(
            "Order #%(id)s (%(total)s) was cancelled: %(why)s. %(charge)s\n\n"
            "The packs it held are back on sale:\n%(lines)s\n\n"
            "To order again, add the packs you want to the cart from the catalogue (some may "
            "have been sold since): %(catalogue)s\n"
        ),
        id=order.id,
        total=money(order.total_fen),
        why=why,
        charge=_charge(maybe_charged),
        lines=_packs_and_fee(order),
        catalogue=letters.link("market.catalog_page"),
    )


#: Why a pending order was cancelled when an administrator cancelled it for the park.
BY_THE_PARK = _l("the park cancelled it before it was paid")


def cancelled_by_buyer(order: Order, by: str, maybe_charged: bool = False) -> None:
    """A buyer's cancel of an unpaid order, confirmed to the one who placed it: which
    order, who cancelled it, the charge, the packs released."""
    letters.send_letter(
        order.user,
        _l("Order #%(id)s cancelled"),
        _l(
            "Order #%(id)s (%(total)s) was cancelled by %(name)s before it was paid. "
            "%(charge)s\n\n"
            "The packs it held are released and back on sale:\n%(lines)s\n\n"
            "To order again, add the packs you want to the cart from the catalogue: "
            "%(catalogue)s\n"
        ),
        id=order.id,
        total=money(order.total_fen),
        name=by,
        charge=_charge(maybe_charged),
        lines=_packs_and_fee(order),
        catalogue=letters.link("market.catalog_page"),
    )


#: The refunds the platform books by itself (Refund.reason, for administrators), and the
#: words a buyer reads for them.
AT_STRIPE = "refunded at Stripe"
PAID_LATE = "paid after the order was cancelled: refunded in full"
_WHY_REFUNDED = {
    AT_STRIPE: _l("Why: the refund was made directly at the payment service."),
    PAID_LATE: _l(
        "Why: the payment arrived after the order had been cancelled, so all of it is given back."
    ),
}


def _why_refunded(reason: str, typed: bool):
    """An administrator's note as typed (labelled), or the platform's reason in words."""
    if typed:
        note = reason.strip()  # at most refunds.REASON_MAX: refused beyond, when typed
        return (
            _l("Note from the administrator who made the refund: %(note)s", note=note)
            if note
            else ""
        )
    return _WHY_REFUNDED.get(reason, "")


def refunded(
    order: Order,
    amount_fen: int,
    shares: list[tuple[OrderLine, int]],
    fee_fen: int,
    reason: str = "",
    typed: bool = False,
    on_its_way: bool = False,
):
    """A refund: how much, why, for which packs (and the delivery fee), how much so far;
    `on_its_way` when Stripe has not finished it yet (its status is pending): then the
    letter says the refund was asked for, not that the money is back."""
    items = [_pack(line, share) for line, share in shares if share]
    if fee_fen:
        items.append(_l("Delivery fee: %(amount)s", amount=money(fee_fen)))
    why = _why_refunded(reason, typed)
    if on_its_way:
        refund_news.asked(order, amount_fen, why, _lines(items), _link(order))
        return
    letters.send_letter(
        order.user,
        _l("Order #%(id)s: %(amount)s refunded"),
        _l(
            "%(amount)s of order #%(id)s is refunded to the card it was paid with (your bank "
            "may take a few days to show it).\n%(why)s\n\n%(lines)s\n\n"
            "Refunded so far: %(refunded)s of %(total)s.\n%(link)s\n"
        )
        if why
        else _l(
            "%(amount)s of order #%(id)s is refunded to the card it was paid with (your bank "
            "may take a few days to show it).\n\n%(lines)s\n\n"
            "Refunded so far: %(refunded)s of %(total)s.\n%(link)s\n"
        ),
        id=order.id,
        amount=money(amount_fen),
        why=why,
        lines=_lines(items),
        refunded=money(order.refunded_back_fen),  # not a refund that did not go through
        total=money(order.total_fen),
        link=_link(order),
    )


def handed_over(order: Order) -> None:
    """The packs left the park: on the road to the buyer, or collected there."""
    on_the_road = order.delivery_kind == ADDRESS
    letters.send_letter(
        order.user,
        _l("Order #%(id)s shipped") if on_the_road else _l("Order #%(id)s handed over"),
        _l("Order #%(id)s left the park for %(address)s.\n\n%(lines)s\n%(link)s\n")
        if on_the_road
        else _l("Order #%(id)s was collected at the park.\n\n%(lines)s\n%(link)s\n"),
        id=order.id,
        address=delivery_address(order),
        lines=_lines([_pack(line, line.price_fen) for line in order.lines]),
        link=_link(order),
    )


def moved(order: Order) -> None:
    """An administrator moved a paid order on: shipped (or collected), or delivered."""
    # A pickup's "collected" letter is its delivery: no second one.
    if order.status is OrderStatus.SHIPPED:
        handed_over(order)
    elif order.status is OrderStatus.DELIVERED and order.delivery_kind == ADDRESS:
        delivered(order)


def delivered(order: Order, driver: str = "", plate: str = "") -> None:
    """The packs reached the buyer's address (by a driver of the park's, when named)."""
    letters.send_letter(
        order.user,
        _l("Order #%(id)s delivered"),
        _l("Order #%(id)s was delivered to %(address)s by %(name)s (%(plate)s).\n%(link)s\n")
        if driver
        else _l("Order #%(id)s was delivered to %(address)s.\n%(link)s\n"),
        id=order.id,
        address=delivery_address(order),
        name=driver,
        plate=plate,
        link=_link(order),
    )
