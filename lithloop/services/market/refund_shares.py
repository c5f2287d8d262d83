"""What of an order's refunds reached the buyer, line by line and for the delivery fee.

A refund of one line is that line's; a refund of the whole order was spread over the lines
and the fee when booked: since 7 Dec 2026 in proportion to what was left of each
(refunds.pro_rata), before that over the lines in order, then the fee (`packs_first`).
Replaying the spreads in booking order gives each refund's share of each part, so a refund
that did not go through (and is not yet paid back another way) is taken out of the very
parts it was booked against: the lines and the fee then add up to the order's figure. The
rule of each whole-order refund is the one whose replay gives the lines' stored refunded
figures (an order refunded both before and after the change mixes them). Reads only the
order's lines and refunds (loaded with it for a page of orders)."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
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


Rule = Callable[[int, list[int]], list[int]]
#: Whole-order refunds beyond this many are replayed with today's rule only (2**n replays).
MAX_RULE_MIXES = 8


def packs_first(amount: int, parts: list[int]) -> list[int]:
    """The spread of a whole-order refund booked before 7 Dec 2026: the lines in order, each
    up to what was left of it, then the delivery fee (the last part)."""
    shares = []
    for part in parts:
        share = min(amount, part)
        shares.append(share)
        amount -= share
    return shares


def _replay(order: Order, rules: Sequence[Rule]) -> tuple[list[dict[int, int]], list[int]]:
    """Each refund's share of each line and of the fee, the whole-order ones spread by
    `rules` in booking order."""
    left = {li.id: li.price_fen for li in order.lines}
    fee_left = order.delivery_fee_fen or 0
    chosen = iter(rules)
    line_shares, fee_shares = [], []
    for refund in order.refunds:
        if refund.line_id is not None:
            shares = {refund.line_id: min(refund.amount_fen, left.get(refund.line_id, 0))}
            fee = 0
        else:
            amount = min(refund.amount_fen, sum(left.values()) + fee_left)
            *spread, fee = next(chosen)(amount, [*left.values(), fee_left])
            shares = dict(zip(left, spread, strict=True))
        for line_id, share in shares.items():
            left[line_id] -= share
        fee_left -= fee
        line_shares.append(shares)
        fee_shares.append(fee)
    return line_shares, fee_shares


def _spreads(order: Order) -> tuple[list[dict[int, int]], list[int]]:
    """The replay whose lines add up to their stored refunded figures (today's rule when
    none does, as for an order the admin's refunds and the stored figures disagree on)."""
    wholes = sum(1 for r in order.refunds if r.line_id is None)
    stored = {li.id: li.refunded_fen for li in order.lines}
    mixes = itertools.product((pro_rata, packs_first), repeat=wholes)
    if wholes > MAX_RULE_MIXES:
        mixes = iter([(pro_rata,) * wholes, (packs_first,) * wholes])
    first = None
    for rules in mixes:
        line_shares, fee_shares = _replay(order, rules)
        first = first or (line_shares, fee_shares)
        booked = dict.fromkeys(stored, 0)
        for shares in line_shares:
            for line_id, share in shares.items():
                booked[line_id] = booked.get(line_id, 0) + share
        if booked == stored:
            return line_shares, fee_shares
    return first or _replay(order, ())


def owed_back(order: Order) -> Parts:
    """The order's booked refunds that did not reach the buyer and are not paid back
    another way yet, by the parts they were booked against."""
    line_shares, fee_shares = _spreads(order)
    owed, owed_fee = {li.id: 0 for li in order.lines}, 0
    for refund, shares, fee in zip(order.refunds, line_shares, fee_shares, strict=True):
        if refund.owed_back:
            for line_id, share in shares.items():
                owed[line_id] = owed.get(line_id, 0) + share
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
