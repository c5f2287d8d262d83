"""The second-life market: orders of packs, their payment, Stripe events and refunds."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lithloop.extensions import db
from lithloop.models.accounts import Organisation, User
from lithloop.models.base import TimestampMixin, UTCDateTime, enum_column, utcnow
from lithloop.models.packs import Pack
from lithloop.vocab import OrderStatus

#: Statuses in which money has been taken (and may be refunded).
PAID_STATUSES = frozenset(
    {
        OrderStatus.PAID,
        OrderStatus.PACKED,
        OrderStatus.SHIPPED,
        OrderStatus.DELIVERED,
    }
)


class Order(TimestampMixin, db.Model):
    """A buyer's order of packs, priced when placed; its packs are reserved until paid."""

    __tablename__ = "market_order"
    __table_args__ = (
        sa.CheckConstraint(
            "refunded_fen >= 0 AND refunded_fen <= total_fen", name="refund_within_total"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    buyer_org_id: Mapped[int] = mapped_column(sa.ForeignKey("organisation.id"), index=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"))
    status: Mapped[OrderStatus] = mapped_column(
        enum_column(OrderStatus), default=OrderStatus.PENDING_PAYMENT, index=True
    )
    total_fen: Mapped[int] = mapped_column(sa.BigInteger)
    refunded_fen: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    delivery_kind: Mapped[str] = mapped_column(sa.String(10), default="pickup")  # | address
    delivery_address: Mapped[str] = mapped_column(sa.String(300), default="")
    delivery_contact: Mapped[str] = mapped_column(sa.String(100), default="")
    delivery_phone: Mapped[str] = mapped_column(sa.String(40), default="")
    delivery_lat: Mapped[Decimal | None] = mapped_column(sa.Numeric(9, 6))
    delivery_lon: Mapped[Decimal | None] = mapped_column(sa.Numeric(9, 6))
    delivery_date: Mapped[date | None] = mapped_column(sa.Date, index=True)  # set by a plan
    # The delivery line as quoted at checkout: fee (in total_fen), city, road km, the day.
    delivery_fee_fen: Mapped[int] = mapped_column(sa.BigInteger, default=0, server_default="0")
    delivery_city: Mapped[str] = mapped_column(sa.String(100), default="", server_default="")
    delivery_km: Mapped[Decimal | None] = mapped_column(sa.Numeric(7, 1))
    delivery_eta: Mapped[date | None] = mapped_column(sa.Date)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # A delivery brought back to the park undelivered is due again from this day on (no run
    # of an earlier day plans it: its packs may still be on the truck that day).
    due_from: Mapped[date | None] = mapped_column(sa.Date)
    reserved_until: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    paid_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    status_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    cancel_reason: Mapped[str] = mapped_column(sa.String(300), default="")
    # Seller's and buyer's invoice details as they were when the order was paid.
    invoice: Mapped[dict | None] = mapped_column(sa.JSON)

    buyer_org: Mapped[Organisation] = relationship()
    user: Mapped[User] = relationship()
    lines: Mapped[list[OrderLine]] = relationship(back_populates="order", order_by="OrderLine.id")
    payment: Mapped[Payment | None] = relationship(back_populates="order", uselist=False)
    refunds: Mapped[list[Refund]] = relationship(back_populates="order", order_by="Refund.id")
    events: Mapped[list[OrderEvent]] = relationship(
        back_populates="order", order_by="OrderEvent.id"
    )

    @property
    def handed_over(self) -> bool:
        """The buyer has the packs: shipped (or collected at the park), delivered, or
        delivered before the order was refunded."""
        return (
            self.status in (OrderStatus.SHIPPED, OrderStatus.DELIVERED)
            or self.delivered_at is not None
        )

    @property
    def refundable_fen(self) -> int:
        """What was paid and not yet refunded."""
        return self.total_fen - self.refunded_fen if self.status in PAID_STATUSES else 0

    @property
    def owed_back_fen(self) -> int:
        """Booked refunds that did not reach the buyer and are not yet paid back another way."""
        return sum(r.amount_fen for r in self.refunds if r.owed_back)

    @property
    def refunded_back_fen(self) -> int:
        """What of the booked refunds has reached the buyer (or is on its way to them)."""
        return self.refunded_fen - self.owed_back_fen


class OrderEvent(db.Model):
    """An append-only record of what happened to an order's delivery on the road: a driver's
    exception at its stop, its packs brought back to the park undelivered."""

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(sa.ForeignKey("market_order.id"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(24))  # delivery_exception | back_to_park
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    by_user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    note: Mapped[str] = mapped_column(sa.String(500), default="")  # a person's own words
    # What the platform recorded, as data told in the reader's language: the day, the
    # truck's plate, the reason's code.
    detail: Mapped[dict] = mapped_column(sa.JSON, default=dict)

    order: Mapped[Order] = relationship(back_populates="events")
    by_user: Mapped[User | None] = relationship()


class OrderLine(db.Model):
    """One pack of an order at the price frozen when ordered."""

    __tablename__ = "market_order_line"
    __table_args__ = (
        sa.CheckConstraint(
            "refunded_fen >= 0 AND refunded_fen <= price_fen", name="refund_within_price"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(sa.ForeignKey("market_order.id"), index=True)
    pack_id: Mapped[int] = mapped_column(sa.ForeignKey("pack.id"), index=True)
    price_fen: Mapped[int] = mapped_column(sa.BigInteger)
    refunded_fen: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    returned_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    order: Mapped[Order] = relationship(back_populates="lines")
    pack: Mapped[Pack] = relationship()

    @property
    def sale_undone_or_received(self) -> bool:
        """The pack may come back to stock: the buyer received it, or it never left the
        park and its price was refunded in full."""
        return self.order.handed_over or self.refunded_fen >= self.price_fen


class Payment(db.Model):
    """The Stripe PaymentIntent of an order and what we last learnt of it."""

    __tablename__ = "market_payment"
    __table_args__ = (
        # the few whose cancellation at Stripe is still due (the expiry sweep's retries)
        sa.Index(
            "ix_market_payment_cancel_due",
            "cancel_due_since",
            postgresql_where=sa.text("cancel_due_since IS NOT NULL"),
            sqlite_where=sa.text("cancel_due_since IS NOT NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(sa.ForeignKey("market_order.id"), unique=True)
    intent_id: Mapped[str] = mapped_column(sa.String(255), unique=True)
    client_secret: Mapped[str] = mapped_column(sa.String(255))
    amount_fen: Mapped[int] = mapped_column(sa.BigInteger)
    status: Mapped[str] = mapped_column(sa.String(40))
    next_action: Mapped[dict | None] = mapped_column(sa.JSON)
    last_error: Mapped[str] = mapped_column(sa.String(500), default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Set when the order is released with this PaymentIntent not yet cancelled at Stripe;
    # cleared once Stripe has cancelled it (or it turned out paid and was refunded). Until
    # then a wallet could still pay it: the expiry sweep asks Stripe again on each run.
    cancel_due_since: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # When the sweep gave up asking (and logged it, once: the process that set this).
    cancel_given_up_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    order: Mapped[Order] = relationship(back_populates="payment")


class StripeEvent(db.Model):
    """A webhook event already handled: its id is recorded so that a replay does nothing."""

    __tablename__ = "stripe_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[str] = mapped_column(sa.String(255), unique=True)
    type: Mapped[str] = mapped_column(sa.String(100))
    intent_id: Mapped[str | None] = mapped_column(sa.String(255))
    outcome: Mapped[str] = mapped_column(sa.String(40))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Refund(db.Model):
    """Money given back on an order: a line's or the whole order's, by an admin or Stripe."""

    __tablename__ = "market_refund"
    __table_args__ = (sa.CheckConstraint("amount_fen > 0", name="positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(sa.ForeignKey("market_order.id"), index=True)
    line_id: Mapped[int | None] = mapped_column(sa.ForeignKey("market_order_line.id"))
    amount_fen: Mapped[int] = mapped_column(sa.BigInteger)
    reason: Mapped[str] = mapped_column(sa.String(300), default="")
    by_user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))  # None: Stripe
    stripe_refund_id: Mapped[str | None] = mapped_column(sa.String(255), unique=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Stripe's status: succeeded | pending (not back yet) | failed | canceled (never will be)
    status: Mapped[str] = mapped_column(
        sa.String(20), default="succeeded", server_default="succeeded"
    )
    # A failed or canceled refund paid back another way (a bank transfer): when, by whom, how
    paid_back_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    paid_back_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    paid_back_note: Mapped[str | None] = mapped_column(sa.String(200))

    order: Mapped[Order] = relationship(back_populates="refunds")
    line: Mapped[OrderLine | None] = relationship()
    by_user: Mapped[User | None] = relationship(foreign_keys=[by_user_id])
    paid_back_by: Mapped[User | None] = relationship(foreign_keys=[paid_back_by_id])

    @property
    def owed_back(self) -> bool:
        """True when Stripe did not make it (failed, canceled) and nobody paid it back yet."""
        return self.status in ("failed", "canceled") and self.paid_back_at is None
