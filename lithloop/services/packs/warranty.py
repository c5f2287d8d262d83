"""A second-life pack's warranty: its length is set when the pack is built; it runs from
the day the pack was handed over to its first buyer, so before that it has no end date.

The rule: the warranty starts on the (Beijing) day the first order that kept the pack was
delivered (collected at the park or brought by a truck). A sale undone (the pack returned
to stock) starts nothing; a pack paid for but not yet delivered has no start yet.
"""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from lithloop import clock
from lithloop.batteries.forecast import add_months
from lithloop.extensions import db
from lithloop.models import Order, OrderLine, Pack


def warranty_start(pack: Pack) -> date | None:
    """The day the pack was delivered to its first buyer (a returned sale not counted)."""
    delivered = db.session.scalar(
        sa.select(sa.func.min(Order.delivered_at))
        .join(OrderLine, OrderLine.order_id == Order.id)
        .where(
            OrderLine.pack_id == pack.id,
            OrderLine.returned_at.is_(None),
            Order.delivered_at.is_not(None),
        )
    )
    return clock.local_day(delivered) if delivered is not None else None


def warranty_end(pack: Pack, start: date | None) -> date | None:
    """The day the warranty ends, `warranty_months` after its start; None before delivery."""
    if start is None or pack.warranty_months is None:
        return None
    return add_months(start, pack.warranty_months)
