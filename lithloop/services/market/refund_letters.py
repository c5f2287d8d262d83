"""The buyer's letter for refunds made at Stripe (its dashboard) and reported together: one
letter naming the total and each refund, not one per refund."""

from __future__ import annotations

from datetime import datetime

from flask_babel import LazyString, format_datetime
from flask_babel import lazy_gettext as _l

from lithloop import letters
from lithloop.i18n import money
from lithloop.models import Order, OrderLine
from lithloop.services.market import order_letters


def _part(amount_fen: int, at: datetime | None):
    """One refund of several, as a lazy line: its amount and when Stripe made it."""
    if at is None:
        return money(amount_fen)
    when = LazyString(lambda: format_datetime(at, "yyyy-MM-dd HH:mm"))
    return _l("%(amount)s, made on %(at)s", amount=money(amount_fen), at=when)


def refunded_at_stripe(
    order: Order,
    parts: list[tuple[int, datetime | None]],
    shares: list[tuple[OrderLine, int]],
    fee_fen: int,
    on_its_way: bool = False,
) -> None:
    """Refunds made at the payment service, booked together: one letter, their total, each
    refund (amount and time), the packs (and fee) they cover, how much so far, and when
    Stripe has not finished one of them (`on_its_way`), a note saying so."""
    total = sum(amount for amount, _at in parts)
    if len(parts) == 1:
        order_letters.refunded(
            order, total, shares, fee_fen, order_letters.AT_STRIPE, on_its_way=on_its_way
        )
        return
    items = [order_letters.pack_line(line, share) for line, share in shares if share]
    if fee_fen:
        items.append(_l("Delivery fee: %(amount)s", amount=money(fee_fen)))
    subject, body = _ASKED if on_its_way else _MADE
    letters.send_letter(
        order.user,
        subject,
        body,
        id=order.id,
        amount=money(total),
        count=len(parts),
        refunds=order_letters.lines_of([_part(amount, at) for amount, at in parts]),
        lines=order_letters.lines_of(items),
        refunded=money(order.refunded_back_fen),  # not a refund that did not go through
        total=money(order.total_fen),
        link=letters.link("market.order", order_id=order.id),
    )


#: Several refunds made at the payment service, all finished: the money is back.
_MADE = (
    _l("Order #%(id)s: %(amount)s refunded"),
    _l(
        "%(amount)s of order #%(id)s is refunded to the card it was paid with, in "
        "%(count)s refunds made directly at the payment service (your bank may take a "
        "few days to show them):\n%(refunds)s\n\n%(lines)s\n\n"
        "Refunded so far: %(refunded)s of %(total)s.\n%(link)s\n"
    ),
)
#: One of them not finished: asked for, and when the bank usually shows them (not that the
#: money is back).
_ASKED = (
    _l("Order #%(id)s: refund of %(amount)s requested"),
    _l(
        "%(count)s refunds of order #%(id)s, %(amount)s in all, were made directly at the "
        "payment service and are on their way to the card it was paid with; they are not "
        "all finished yet: your bank usually shows them within 5-10 working days.\n"
        "%(refunds)s\n\n%(lines)s\n\nRefunds asked for so far: %(refunded)s of %(total)s."
        "\n%(link)s\n"
    ),
)
