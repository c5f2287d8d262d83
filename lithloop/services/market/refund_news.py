"""Letters to a buyer about a refund Stripe has not finished: asked for (its status is
`pending`: not money back yet), or not gone through (`failed`, `canceled`: the park pays
it back another way). The caller commits; each is written only on the refund's own move."""

from __future__ import annotations

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l

from lithloop import letters
from lithloop.i18n import money
from lithloop.models import Order, Refund
from lithloop.services.accounts import park_contact


def _line(text) -> LazyString:
    """A lazy text on a line of its own, or nothing when it is empty."""
    return LazyString(lambda: f"{text}\n" if str(text) else "")


def asked(order: Order, amount_fen: int, why, lines, link: str) -> None:
    """A refund asked of the payment service, not finished: how much, why, for which packs,
    and when the bank usually shows it (not that the money is back)."""
    letters.send_letter(
        order.user,
        _l("Order #%(id)s: refund of %(amount)s requested"),
        _l(
            "We have asked the payment service to refund %(amount)s of order #%(id)s to the "
            "card it was paid with. It is not finished yet: your bank usually shows it within "
            "5-10 working days.\n%(why)s\n%(lines)s\n\n"
            "Refunds asked for so far: %(refunded)s of %(total)s.\n%(link)s\n"
        ),
        id=order.id,
        amount=money(amount_fen),
        why=_line(why),
        lines=lines,
        refunded=money(order.refunded_fen),
        total=money(order.total_fen),
        link=link,
    )


def not_made(order: Order, refund: Refund) -> None:
    """A refund that did not go through (failed or canceled at Stripe): the money did not
    reach the card, and the park will contact the buyer to pay it another way."""
    letters.send_letter(
        order.user,
        _l("Order #%(id)s: the refund of %(amount)s did not go through"),
        _l(
            "The refund of %(amount)s of order #%(id)s did not go through: the payment "
            "service could not return it to the card the order was paid with, so the money "
            "has not reached you. The park will contact you to pay it back another way, "
            "such as a bank transfer.\n%(call)s\n%(link)s\n"
        ),
        id=order.id,
        amount=money(refund.amount_fen),
        call=park_contact.call_the_park(),
        link=letters.link("market.order", order_id=order.id),
    )
