"""Public holidays and adjusted working days, one row per year, as the admin uploaded them."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lithloop.extensions import db
from lithloop.models.accounts import User
from lithloop.models.base import UTCDateTime, utcnow


class HolidayYear(db.Model):
    """One year of the State Council's schedule: days off, adjusted working days, source."""

    __tablename__ = "holiday_year"

    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    off: Mapped[list] = mapped_column(sa.JSON, default=list)  # "YYYY-MM-DD[/YYYY-MM-DD]"
    work: Mapped[list] = mapped_column(sa.JSON, default=list)
    source: Mapped[str] = mapped_column(sa.String(500))  # the notice: title, number, address
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    uploaded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))

    uploaded_by: Mapped[User | None] = relationship()
