"""Monthly rollups of the dashboard's measures, kept by the events that change them."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from lithloop.extensions import db


class MonthlyRollup(db.Model):
    """One measure of one Beijing-time month (and key: a chemistry, city or material)."""

    __tablename__ = "monthly_rollup"
    __table_args__ = (
        sa.UniqueConstraint("month", "measure", "key", name="uq_monthly_rollup"),
        sa.Index("ix_monthly_rollup_measure", "measure", "month"),  # one measure's months
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    month: Mapped[date] = mapped_column(sa.Date)  # the month's first day, Beijing time
    measure: Mapped[str] = mapped_column(sa.String(24))
    key: Mapped[str] = mapped_column(sa.String(100), default="")
    value: Mapped[Decimal] = mapped_column(sa.Numeric(20, 4), default=Decimal(0))
