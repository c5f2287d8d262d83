"""The park's trucks."""

from __future__ import annotations

from datetime import time

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lithloop.extensions import db
from lithloop.models.accounts import Organisation, User
from lithloop.models.base import TimestampMixin
from lithloop.models.sites import Site


class Truck(TimestampMixin, db.Model):
    """A truck based at a depot, with payload, pallet places, skills, shift and costs."""

    __table_args__ = (
        sa.CheckConstraint("payload_kg > 0", name="payload_positive"),
        sa.CheckConstraint("pallet_places > 0", name="pallets_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisation.id"), index=True)
    depot_site_id: Mapped[int] = mapped_column(sa.ForeignKey("site.id"))
    plate: Mapped[str] = mapped_column(sa.String(20), unique=True)
    model: Mapped[str] = mapped_column(sa.String(100), default="")
    payload_kg: Mapped[int]
    pallet_places: Mapped[int]
    hazmat_certified: Mapped[bool] = mapped_column(default=False)
    tail_lift: Mapped[bool] = mapped_column(default=False)
    shift_start: Mapped[time] = mapped_column(sa.Time, default=time(7, 0))  # local time
    shift_end: Mapped[time] = mapped_column(sa.Time, default=time(19, 0))  # local time
    max_work_s: Mapped[int] = mapped_column(default=10 * 3600)
    fixed_cost_fen: Mapped[int] = mapped_column(default=0)
    cost_per_km_fen: Mapped[int] = mapped_column(default=0)
    cost_per_hour_fen: Mapped[int] = mapped_column(default=0)  # per hour on the road
    active: Mapped[bool] = mapped_column(default=True)
    driver_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))

    organisation: Mapped[Organisation] = relationship()
    depot: Mapped[Site] = relationship()
    driver: Mapped[User | None] = relationship()
