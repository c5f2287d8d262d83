"""A bus company's register of traction packs still in service (imported from CSV)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from lithloop.extensions import db
from lithloop.models.base import TimestampMixin, VocabString
from lithloop.vocab import Chemistry


class BusPack(TimestampMixin, db.Model):
    """One pack on one bus, as the fleet manager's import describes it."""

    __table_args__ = (sa.UniqueConstraint("organisation_id", "pack_code", name="uq_bus_pack_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisation.id"), index=True)
    vehicle_plate: Mapped[str] = mapped_column(sa.String(20), index=True)
    pack_code: Mapped[str | None] = mapped_column(sa.String(24))
    chemistry: Mapped[str] = mapped_column(VocabString(Chemistry, 10))
    rated_kwh: Mapped[Decimal] = mapped_column(sa.Numeric(10, 2))
    mass_kg: Mapped[Decimal] = mapped_column(sa.Numeric(12, 2))
    in_service_since: Mapped[date] = mapped_column(sa.Date)
    soh_pct: Mapped[Decimal | None] = mapped_column(sa.Numeric(5, 2))
    booking_id: Mapped[int | None] = mapped_column(sa.ForeignKey("booking.id"))
