"""What of an order's refunds reached the buyer, line by line and for the delivery fee.

A refund of one line is that line's; a refund of the whole order was spread over the lines
and the fee when booked (refunds.pro_rata over what was left of each, in booking order).
Replaying that spread here gives each refund's share of each part, so a refund that did
not go through (and is not yet paid back another way) is taken out of the very parts it
was booked against: the lines and the fee then add up to the order's figure. Reads only
the order's lines and refunds (loaded with it for a page of orders)."""

from __future__ import annotations

from dataclasses import dataclass

from lithloop.models import Order
from lithloop.services.market.refunds import pro_rata


@dataclass(frozen=True)
class Parts:
    """Fen per part of an order: each line's (by line id) and the delivery fee's."""

    lines: dict[int, int]
    fee: int

    def line(self, line_id: int) -> int:
        """The line's fen (0 for a line not named)."""
        return self.lines.get(line_id, 0)

    @property
    def total(self) -> int:
        """The lines' and the fee's together."""
        return sum(self.lines.values()) + self.fee


def owed_back(order: Order) -> Parts:
    """The order's booked refunds that did not reach the buyer and are not paid back
    another way yet, by the parts they were booked against."""
    left = {li.id: li.price_fen for li in order.lines}
    fee_left = order.delivery_fee_fen or 0
    owed, owed_fee = dict.fromkeys(left, 0), 0
    for refund in order.refunds:
        if refund.line_id is not None:
            shares = {refund.line_id: min(refund.amount_fen, left.get(refund.line_id, 0))}
            fee = 0
        else:
            amount = min(refund.amount_fen, sum(left.values()) + fee_left)
            *spread, fee = pro_rata(amount, [*left.values(), fee_left])
            shares = dict(zip(left, spread, strict=True))
        for line_id, share in shares.items():
            left[line_id] -= share
        fee_left -= fee
        if refund.owed_back:
            for line_id, share in shares.items():
                owed[line_id] += share
            owed_fee += fee
    return Parts(owed, owed_fee)


def refunded_back(order: Order) -> Parts:
    """What of the order's booked refunds reached the buyer (or is on its way, or was paid
    back another way), by line and for the delivery fee: they add up to
    `order.refunded_back_fen`."""
    owed = owed_back(order)
    lines = {li.id: max(li.refunded_fen - owed.line(li.id), 0) for li in order.lines}
    fee_booked = order.refunded_fen - sum(li.refunded_fen for li in order.lines)
    return Parts(lines, max(fee_booked - owed.fee, 0))
