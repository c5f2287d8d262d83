"""A record's status told in a sentence: "Booking #5 has been cancelled", "预约 #5 已经取消".

The status tables (records.py) are a badge's words ("Cancelled", "已取消"); a message that
says what became of a booking or an order takes its clause from here and goes on after it
("%(what)s; run the plan again."), so that neither language reads a capitalised badge or
a stored code in the middle of a sentence.
"""

from __future__ import annotations

import enum

from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString

from lithloop.labels.words import Table, table
from lithloop.vocab import BookingStatus, OrderStatus, PlanStatus, RfqStatus

BOOKING_IS = table(
    {
        BookingStatus.REQUESTED: _l("Booking #%(id)s is still waiting to be planned"),
        BookingStatus.SCHEDULED: _l("Booking #%(id)s is already scheduled"),
        BookingStatus.PICKED_UP: _l("Booking #%(id)s has been picked up"),
        BookingStatus.RECEIVED: _l("Booking #%(id)s has been received at the park"),
        BookingStatus.SETTLED: _l("Booking #%(id)s has been settled"),
        BookingStatus.CANCELLED: _l("Booking #%(id)s has been cancelled"),
    }
)
ORDER_IS = table(
    {
        OrderStatus.PENDING_PAYMENT: _l("Order #%(id)s is still awaiting payment"),
        OrderStatus.PAID: _l("Order #%(id)s is paid"),
        OrderStatus.PACKED: _l("Order #%(id)s is packed"),
        OrderStatus.SHIPPED: _l("Order #%(id)s has been shipped"),
        OrderStatus.DELIVERED: _l("Order #%(id)s has been delivered"),
        OrderStatus.CANCELLED: _l("Order #%(id)s has been cancelled"),
        OrderStatus.REFUNDED: _l("Order #%(id)s has been refunded"),
    }
)

PLAN_IS = table(
    {
        PlanStatus.DRAFT: _l("This plan is still a draft"),
        PlanStatus.PUBLISHED: _l("This plan is already published"),
        PlanStatus.SUPERSEDED: _l("This plan has been replaced by a newer published plan"),
    }
)
RFQ_IS = table(
    {
        RfqStatus.OPEN: _l("Request #%(id)s is still open"),
        RfqStatus.QUOTED: _l("Request #%(id)s has been quoted"),
        RfqStatus.DECLINED: _l("Request #%(id)s has been declined"),
        RfqStatus.ACCEPTED: _l("Request #%(id)s has been accepted"),
    }
)


def _said(clauses: Table, key: str, record_id: int) -> str:
    return str(clauses[key]) % {"id": record_id}


def clause(clauses: Table, status: enum.Enum | str, record_id: int) -> LazyString:
    """The record's status as a clause about it, told in the language of the moment it is
    read (a member or its stored value)."""
    key = status.value if isinstance(status, enum.Enum) else status
    return LazyString(_said, clauses, key, record_id)
