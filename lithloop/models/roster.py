"""The day's roster: which driver drives which truck, in which shift, and who is on leave."""

from __future__ import annotations

from datetime import date, time

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lithloop.extensions import db
from lithloop.models.accounts import User
from lithloop.models.base import TimestampMixin
from lithloop.models.fleet import Truck


class RosterEntry(TimestampMixin, db.Model):
    """One line of a day's roster: a truck and its driver (or nobody), or a driver's leave.

    A truck has at most one line a day and a driver at most one (driving or on leave); a
    leave line names no truck. A truck without a line that day keeps its regular driver
    (Truck.driver) unless that driver is on leave or drives another truck.
    """

    __tablename__ = "roster_entry"
    __table_args__ = (
        sa.UniqueConstraint("day", "truck_id", name="uq_roster_day_truck"),
        sa.UniqueConstraint("day", "driver_id", name="uq_roster_day_driver"),
        sa.CheckConstraint(
            "(on_leave AND truck_id IS NULL AND driver_id IS NOT NULL) "
            "OR (NOT on_leave AND truck_id IS NOT NULL)",
            name="roster_leave_or_truck",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(sa.Date, index=True)
    truck_id: Mapped[int | None] = mapped_column(sa.ForeignKey("truck.id"))
    driver_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    on_leave: Mapped[bool] = mapped_column(default=False)
    shift_start: Mapped[time | None] = mapped_column(sa.Time)  # local; None: the truck's
    shift_end: Mapped[time | None] = mapped_column(sa.Time)
    set_by_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"))

    truck: Mapped[Truck | None] = relationship()
    driver: Mapped[User | None] = relationship(foreign_keys=[driver_id])
