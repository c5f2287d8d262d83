"""Pickup bookings: lots with pack codes, the frozen quote, the status history, day counters."""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lithloop.extensions import db
from lithloop.models.accounts import Organisation, User
from lithloop.models.base import TimestampMixin, UTCDateTime, VocabString, enum_column, utcnow
from lithloop.models.sites import Site
from lithloop.vocab import BookingStatus, Chemistry, Condition, Form, Role

MASS = sa.Numeric(12, 2)


class Booking(TimestampMixin, db.Model):
    """A request for the park to pick up lots at a site on a day, within a time window."""

    __table_args__ = (
        sa.UniqueConstraint("organisation_id", "idempotency_key", name="uq_booking_idempotency"),
        sa.CheckConstraint("window_end > window_start", name="window_order"),
        sa.Index("ix_booking_date_status", "pickup_date", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisation.id"), index=True)
    site_id: Mapped[int] = mapped_column(sa.ForeignKey("site.id"))
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"))
    status: Mapped[BookingStatus] = mapped_column(
        enum_column(BookingStatus), default=BookingStatus.REQUESTED
    )
    pickup_date: Mapped[date] = mapped_column(sa.Date)
    window_start: Mapped[time] = mapped_column(sa.Time)  # local time at the site
    window_end: Mapped[time] = mapped_column(sa.Time)
    total_mass_kg: Mapped[Decimal] = mapped_column(MASS)
    hazardous: Mapped[bool] = mapped_column(default=False)
    quote_total_fen: Mapped[int] = mapped_column(sa.BigInteger)
    quote_index_version: Mapped[str] = mapped_column(sa.String(40))
    quote: Mapped[dict] = mapped_column(sa.JSON)  # inputs and lines, frozen at confirmation
    idempotency_key: Mapped[str | None] = mapped_column(sa.String(80))
    note: Mapped[str] = mapped_column(sa.String(500), default="")
    cancel_reason: Mapped[str] = mapped_column(sa.String(500), default="")
    eta_start: Mapped[datetime | None] = mapped_column(UTCDateTime())
    eta_end: Mapped[datetime | None] = mapped_column(UTCDateTime())

    organisation: Mapped[Organisation] = relationship()
    site: Mapped[Site] = relationship()
    created_by: Mapped[User] = relationship()
    lots: Mapped[list[BookingLot]] = relationship(
        back_populates="booking", cascade="all, delete-orphan", order_by="BookingLot.position"
    )
    events: Mapped[list[BookingEvent]] = relationship(
        back_populates="booking", order_by="BookingEvent.id"
    )


class BookingLot(db.Model):
    """One lot of a booking: same chemistry, form and condition."""

    __table_args__ = (
        sa.CheckConstraint("pack_count > 0", name="count_positive"),
        sa.CheckConstraint("mass_kg > 0", name="mass_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    booking_id: Mapped[int] = mapped_column(sa.ForeignKey("booking.id"), index=True)
    position: Mapped[int]
    chemistry: Mapped[str] = mapped_column(VocabString(Chemistry, 10))
    form: Mapped[str] = mapped_column(VocabString(Form, 12))
    pack_count: Mapped[int]
    mass_kg: Mapped[Decimal] = mapped_column(MASS)
    condition: Mapped[str] = mapped_column(VocabString(Condition, 20))
    damage: Mapped[list] = mapped_column(sa.JSON, default=list)  # SP376 checklist items
    codes: Mapped[list] = mapped_column(sa.JSON, default=list)

    booking: Mapped[Booking] = relationship(back_populates="lots")


class BookingEvent(db.Model):
    """An append-only record of a status change: from, to, who, when, why."""

    id: Mapped[int] = mapped_column(primary_key=True)
    booking_id: Mapped[int] = mapped_column(sa.ForeignKey("booking.id"), index=True)
    from_status: Mapped[str | None] = mapped_column(VocabString(BookingStatus, 20))
    to_status: Mapped[str] = mapped_column(VocabString(BookingStatus, 20))
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    by_user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    # Who acted when no account here is theirs: park staff of the database an organisation
    # was exported from (flask import-org keeps their name and role as text; migration 0038).
    by_name: Mapped[str | None] = mapped_column(sa.String(254))
    by_role: Mapped[Role | None] = mapped_column(enum_column(Role))
    by_email: Mapped[str | None] = mapped_column(sa.String(254))  # theirs, when known (0039)
    note: Mapped[str] = mapped_column(sa.String(500), default="")  # a person's own words
    # What the platform itself recorded, as data told in the reader's language
    # (services/booking/event_details.py): {"kind": "scheduled", "plate": ..., "eta": ...}.
    detail: Mapped[dict | None] = mapped_column(sa.JSON)

    booking: Mapped[Booking] = relationship(back_populates="events")
    by_user: Mapped[User | None] = relationship()


class BookingDay(db.Model):
    """Per-day counters of what is booked; its row is locked while a booking takes capacity."""

    day: Mapped[date] = mapped_column(sa.Date, primary_key=True)
    booked_kg: Mapped[Decimal] = mapped_column(MASS, default=Decimal(0))
    booked_stops: Mapped[int] = mapped_column(default=0)
