"""Optimisation runs and the plans they produce: routes, stops, unassigned bookings."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lithloop.extensions import db
from lithloop.models.accounts import User
from lithloop.models.base import TimestampMixin, UTCDateTime, enum_column
from lithloop.models.bookings import Booking
from lithloop.models.fleet import Truck
from lithloop.vocab import PlanStatus, RunStatus

if TYPE_CHECKING:  # models.market imports packs, which would import this module back
    from lithloop.models.market import Order


class PlanRun(TimestampMixin, db.Model):
    """One optimisation of one day's bookings, solved in the background."""

    __table_args__ = (sa.Index("ix_plan_run_date_status", "plan_date", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_date: Mapped[date] = mapped_column(sa.Date)
    status: Mapped[RunStatus] = mapped_column(enum_column(RunStatus), default=RunStatus.QUEUED)
    time_limit_s: Mapped[int]
    horizon_days: Mapped[int] = mapped_column(default=1, server_default="1")
    runner: Mapped[str] = mapped_column(sa.String(20), default="thread")
    progress: Mapped[list] = mapped_column(sa.JSON, default=list)  # [[elapsed_s, cost, day]]
    log: Mapped[str] = mapped_column(sa.Text, default="")
    # per day, the bookings left out as their organisation is not approved (held_from_planning):
    # [{"date": "YYYY-MM-DD", "pending": [ids], "suspended": [ids], "rejected": [ids]}]
    held: Mapped[list] = mapped_column(sa.JSON, default=list, server_default="[]")
    error: Mapped[str] = mapped_column(sa.String(1000), default="")
    cancel_requested: Mapped[bool] = mapped_column(default=False)
    # "finish now": the day being searched ends with its best plan so far, which is stored
    finish_requested: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    heartbeat_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"))

    created_by: Mapped[User] = relationship()
    plans: Mapped[list[Plan]] = relationship(back_populates="run", order_by="Plan.plan_date")

    @property
    def plan(self) -> Plan | None:
        """The run's first plan (a horizon run has one per day with something to plan)."""
        return self.plans[0] if self.plans else None


#: A plan that is published: at most one a day (the partial unique index below).
PUBLISHED_WHERE = sa.text("status = 'published'")


class Plan(TimestampMixin, db.Model):
    """The routes a run found for a day, with totals; published plans schedule bookings.

    At most one plan a day is published (a newer one supersedes it): the database keeps
    that with a partial unique index, on PostgreSQL and SQLite alike.
    """

    __table_args__ = (
        sa.Index(
            "uq_plan_published_day",
            "plan_date",
            unique=True,
            postgresql_where=PUBLISHED_WHERE,
            sqlite_where=PUBLISHED_WHERE,
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(sa.ForeignKey("plan_run.id"), index=True)
    plan_date: Mapped[date] = mapped_column(sa.Date, index=True)
    status: Mapped[PlanStatus] = mapped_column(enum_column(PlanStatus), default=PlanStatus.DRAFT)
    distance_m: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    duration_s: Mapped[int] = mapped_column(default=0)
    cost_fen: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    collected_kg: Mapped[int] = mapped_column(default=0)
    solution: Mapped[dict] = mapped_column(sa.JSON)  # VROOM-style, as the API returns it
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    published_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))

    run: Mapped[PlanRun] = relationship(back_populates="plans")
    routes: Mapped[list[PlanRoute]] = relationship(
        back_populates="plan", order_by="PlanRoute.id", cascade="all, delete-orphan"
    )
    unassigned: Mapped[list[PlanUnassigned]] = relationship(cascade="all, delete-orphan")


class PlanRoute(db.Model):
    """One truck's day: its stops in order, trips, distance, time, cost and peak load."""

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(sa.ForeignKey("plan.id"), index=True)
    truck_id: Mapped[int] = mapped_column(sa.ForeignKey("truck.id"))
    distance_m: Mapped[int] = mapped_column(sa.BigInteger)
    duration_s: Mapped[int]
    waiting_s: Mapped[int] = mapped_column(default=0)
    trips: Mapped[int] = mapped_column(default=1)
    cost_fen: Mapped[int] = mapped_column(sa.BigInteger)
    collected_kg: Mapped[int] = mapped_column(default=0)
    locked: Mapped[bool] = mapped_column(default=False)  # kept as is by the next run

    plan: Mapped[Plan] = relationship(back_populates="routes")
    truck: Mapped[Truck] = relationship()
    stops: Mapped[list[PlanStop]] = relationship(
        back_populates="route", order_by="PlanStop.seq", cascade="all, delete-orphan"
    )

    @property
    def over(self) -> bool:
        """True once the driver recorded the truck back at the park for the day (its end)."""
        return any(s.kind == "end" and s.done_at is not None for s in self.stops)


class PlanStop(db.Model):
    """A step of a route: leaving the park, a pickup, unloading at the park, returning."""

    id: Mapped[int] = mapped_column(primary_key=True)
    route_id: Mapped[int] = mapped_column(sa.ForeignKey("plan_route.id"), index=True)
    seq: Mapped[int]
    kind: Mapped[str] = mapped_column(sa.String(12))  # start|pickup|delivery|reload|end
    booking_id: Mapped[int | None] = mapped_column(sa.ForeignKey("booking.id"), index=True)
    arrival: Mapped[datetime] = mapped_column(UTCDateTime())
    departure: Mapped[datetime] = mapped_column(UTCDateTime())
    load_kg: Mapped[int] = mapped_column(default=0)  # on board after the step
    trip: Mapped[int] = mapped_column(default=0)
    distance_m: Mapped[int] = mapped_column(sa.BigInteger, default=0)  # since the route start
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    locked: Mapped[bool] = mapped_column(default=False)  # the next run keeps it on this truck
    picked_kg: Mapped[Decimal | None] = mapped_column(sa.Numeric(12, 2))  # driver's weighing
    picked_codes: Mapped[list | None] = mapped_column(sa.JSON)  # codes actually loaded
    order_id: Mapped[int | None] = mapped_column(sa.ForeignKey("market_order.id"), index=True)

    route: Mapped[PlanRoute] = relationship(back_populates="stops")
    booking: Mapped[Booking | None] = relationship()
    order: Mapped[Order | None] = relationship()


class PlanUnassigned(db.Model):
    """A booking the plan could not serve, with the reason a dispatcher can act on."""

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(sa.ForeignKey("plan.id"), index=True)
    booking_id: Mapped[int] = mapped_column(sa.ForeignKey("booking.id"))
    reason: Mapped[str] = mapped_column(sa.String(40))
    message: Mapped[str] = mapped_column(sa.String(500))

    booking: Mapped[Booking] = relationship()
