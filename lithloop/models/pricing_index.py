"""Stored versions of the price index (metal prices, chemistry tables, cost parameters)."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from lithloop.extensions import db
from lithloop.models.base import TimestampMixin


class PriceIndexVersion(TimestampMixin, db.Model):
    """One immutable index snapshot; quotes name its `version` and can be recomputed."""

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[str] = mapped_column(sa.String(40), unique=True)
    effective_date: Mapped[date] = mapped_column(sa.Date, index=True)
    note: Mapped[str] = mapped_column(sa.String(500), default="")
    snapshot: Mapped[dict] = mapped_column(sa.JSON)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
