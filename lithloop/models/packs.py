"""Packs and their passports: identity, tests, grade, warehouse, and the append-only events."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lithloop.extensions import db
from lithloop.models.accounts import Organisation, User
from lithloop.models.base import TimestampMixin, UTCDateTime, VocabString, enum_column, utcnow
from lithloop.models.bookings import MASS, Booking, BookingLot
from lithloop.vocab import Chemistry, Form, Grade, PackState, Warehouse

PCT = sa.Numeric(5, 2)


#: The warehouse a pack in each state is kept in (None: not in a warehouse).
WAREHOUSE_OF_STATE = {
    PackState.RAW: Warehouse.RAW,
    PackState.AGING: Warehouse.AGING,
    PackState.FINISHED: Warehouse.FINISHED,
    PackState.RESERVED: Warehouse.FINISHED,
}


pack_parent = sa.Table(
    "pack_parent",
    db.metadata,
    sa.Column("child_id", sa.ForeignKey("pack.id"), primary_key=True),
    sa.Column("parent_id", sa.ForeignKey("pack.id"), primary_key=True),
)


class Pack(TimestampMixin, db.Model):
    """One battery pack with one identity from its first owner to its end."""

    __table_args__ = (
        sa.CheckConstraint(
            "soh_pct IS NULL OR (soh_pct >= 0 AND soh_pct <= 100)", name="soh_range"
        ),
        sa.Index("ix_pack_state_grade", "state", "grade"),
        # a warehouse's stock, oldest first (the warehouse pages)
        sa.Index("ix_pack_warehouse_since", "warehouse", "warehouse_since", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(24), unique=True)  # GB/T 34014
    original_code: Mapped[str | None] = mapped_column(sa.String(24))  # None: unknown
    code_assigned: Mapped[bool] = mapped_column(default=False)  # lithloop gave the code
    chemistry: Mapped[str] = mapped_column(VocabString(Chemistry, 10))
    form: Mapped[str] = mapped_column(VocabString(Form, 12), default="pack")
    rated_wh: Mapped[int | None] = mapped_column()
    mass_kg: Mapped[Decimal] = mapped_column(MASS)
    state: Mapped[PackState] = mapped_column(enum_column(PackState), default=PackState.RECEIVED)
    warehouse: Mapped[Warehouse | None] = mapped_column(enum_column(Warehouse))
    warehouse_since: Mapped[datetime | None] = mapped_column(UTCDateTime())
    aging_until: Mapped[date | None] = mapped_column(sa.Date)
    grade: Mapped[Grade | None] = mapped_column(enum_column(Grade))
    decision: Mapped[str | None] = mapped_column(sa.String(12))  # refurbish | recycle
    soh_pct: Mapped[Decimal | None] = mapped_column(PCT)
    capacity_ah: Mapped[Decimal | None] = mapped_column(sa.Numeric(10, 2))
    cycle_count: Mapped[int | None] = mapped_column()
    damaged: Mapped[bool] = mapped_column(default=False)
    # origin
    owner_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organisation.id"), index=True)
    booking_id: Mapped[int | None] = mapped_column(sa.ForeignKey("booking.id"), index=True)
    lot_id: Mapped[int | None] = mapped_column(sa.ForeignKey("booking_lot.id"))
    vehicle_plate: Mapped[str | None] = mapped_column(sa.String(20), index=True)  # search
    # second life: set when built and listed
    refurbished: Mapped[bool] = mapped_column(default=False)
    price_fen: Mapped[int | None] = mapped_column(sa.BigInteger)
    price_index_version: Mapped[str | None] = mapped_column(sa.String(40))
    warranty_months: Mapped[int | None] = mapped_column()
    use_case: Mapped[str | None] = mapped_column(sa.String(20))
    # end of life here
    batch_id: Mapped[int | None] = mapped_column(sa.ForeignKey("dismantling_batch.id"), index=True)
    buyer_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organisation.id"), index=True)

    owner: Mapped[Organisation | None] = relationship(foreign_keys=[owner_id])
    buyer: Mapped[Organisation | None] = relationship(foreign_keys=[buyer_id])
    booking: Mapped[Booking | None] = relationship()
    lot: Mapped[BookingLot | None] = relationship()
    tests: Mapped[list[PackTest]] = relationship(back_populates="pack", order_by="PackTest.id")
    events: Mapped[list[PackEvent]] = relationship(back_populates="pack", order_by="PackEvent.id")
    parents: Mapped[list[Pack]] = relationship(
        secondary=pack_parent,
        primaryjoin=lambda: Pack.id == pack_parent.c.child_id,
        secondaryjoin=lambda: Pack.id == pack_parent.c.parent_id,
        back_populates="children",
    )
    children: Mapped[list[Pack]] = relationship(
        secondary=pack_parent,
        primaryjoin=lambda: Pack.id == pack_parent.c.parent_id,
        secondaryjoin=lambda: Pack.id == pack_parent.c.child_id,
        back_populates="parents",
    )

    @property
    def rated_kwh(self) -> Decimal | None:
        """Rated energy in kWh (stored in Wh)."""
        return None if self.rated_wh is None else Decimal(self.rated_wh) / 1000

    @property
    def usable_kwh(self) -> Decimal | None:
        """Rated energy × state of health, in kWh."""
        if self.rated_wh is None or self.soh_pct is None:
            return None
        return (Decimal(self.rated_wh) * Decimal(self.soh_pct) / 100000).quantize(Decimal("0.01"))


class PackTest(db.Model):
    """One test of a pack: capacity, state of health, resistance, voltage, insulation, damage."""

    __table_args__ = (sa.CheckConstraint("soh_pct >= 0 AND soh_pct <= 100", name="soh_range"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    pack_id: Mapped[int] = mapped_column(sa.ForeignKey("pack.id"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(12), default="intake")  # intake|retest|final
    capacity_ah: Mapped[Decimal] = mapped_column(sa.Numeric(10, 2))
    soh_pct: Mapped[Decimal] = mapped_column(PCT)
    resistance_mohm: Mapped[Decimal | None] = mapped_column(sa.Numeric(10, 3))
    ocv_v: Mapped[Decimal | None] = mapped_column(sa.Numeric(8, 2))
    insulation_ok: Mapped[bool] = mapped_column(default=True)
    visual_damage: Mapped[str] = mapped_column(sa.String(200), default="")
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    by_user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))

    pack: Mapped[Pack] = relationship(back_populates="tests")
    by_user: Mapped[User | None] = relationship()


class PackEvent(db.Model):
    """An append-only link in a pack's chain; a correction is a new event naming the old one."""

    __table_args__ = (
        sa.Index("ix_pack_event_due", "report_due", "reported_at"),
        # the unreported handovers only (traceability pages and export); the organisation
        # carried in the index (PostgreSQL) so that the counts per organisation read no rows
        sa.Index(
            "ix_pack_event_unreported",
            "report_due",
            "at",
            "id",
            postgresql_include=["organisation_id"],
            postgresql_where=sa.text("report_due IS NOT NULL AND reported_at IS NULL"),
            sqlite_where=sa.text("report_due IS NOT NULL AND reported_at IS NULL"),
        ),
        sa.Index("ix_pack_event_at", "at"),  # a year of handovers (the yearly export)
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    pack_id: Mapped[int] = mapped_column(sa.ForeignKey("pack.id"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(20))
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    by_user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    organisation_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organisation.id"))
    data: Mapped[dict] = mapped_column(sa.JSON, default=dict)  # kind-specific facts
    public: Mapped[bool] = mapped_column(default=True)  # shown on the public passport
    corrects_id: Mapped[int | None] = mapped_column(sa.ForeignKey("pack_event.id"))
    # traceability: a handover must be uploaded to the national platform by report_due
    report_due: Mapped[date | None] = mapped_column(sa.Date)
    reported_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reported_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))

    pack: Mapped[Pack] = relationship(back_populates="events")
    by_user: Mapped[User | None] = relationship(foreign_keys=[by_user_id])
    organisation: Mapped[Organisation | None] = relationship()
    corrects: Mapped[PackEvent | None] = relationship(remote_side=[id])


class Intake(db.Model):
    """A booking received at the park: the measured mass and who weighed it."""

    id: Mapped[int] = mapped_column(primary_key=True)
    booking_id: Mapped[int] = mapped_column(sa.ForeignKey("booking.id"), unique=True)
    measured_kg: Mapped[Decimal] = mapped_column(MASS)
    note: Mapped[str] = mapped_column(sa.String(500), default="")
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    by_user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"))

    booking: Mapped[Booking] = relationship()
    by_user: Mapped[User] = relationship()


class DismantlingBatch(TimestampMixin, db.Model):
    """Packs consumed on one recycling line, and the materials weighed out."""

    id: Mapped[int] = mapped_column(primary_key=True)
    line: Mapped[int]  # 1..3
    status: Mapped[str] = mapped_column(sa.String(12), default="open")  # open | closed
    input_kg: Mapped[Decimal] = mapped_column(MASS, default=Decimal(0))
    outputs: Mapped[dict] = mapped_column(sa.JSON, default=dict)  # material -> kg (str)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    by_user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"))
    # A loss beyond DISMANTLING_MAX_LOSS_PCT closed anyway: who confirmed the weights,
    # when, and the reason they typed (none of them set for a plausible loss).
    loss_confirmed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    loss_confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    loss_reason: Mapped[str] = mapped_column(sa.String(200), default="", server_default="")

    packs: Mapped[list[Pack]] = relationship(foreign_keys=[Pack.batch_id])
    by_user: Mapped[User] = relationship(foreign_keys=[by_user_id])
    loss_confirmed_by: Mapped[User | None] = relationship(foreign_keys=[loss_confirmed_by_id])


class Settlement(db.Model):
    """A booking settled on measured mass and grade at its frozen index version."""

    id: Mapped[int] = mapped_column(primary_key=True)
    booking_id: Mapped[int] = mapped_column(sa.ForeignKey("booking.id"), unique=True)
    index_version: Mapped[str] = mapped_column(sa.String(40))
    quote_total_fen: Mapped[int] = mapped_column(sa.BigInteger)
    total_fen: Mapped[int] = mapped_column(sa.BigInteger)
    lines: Mapped[list] = mapped_column(sa.JSON)  # quoted vs settled, line by line
    certificate_token: Mapped[str] = mapped_column(sa.String(40), unique=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    by_user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"))

    booking: Mapped[Booking] = relationship()
    by_user: Mapped[User] = relationship()


class AppendOnlyError(RuntimeError):
    """Raised when code tries to change or delete a recorded pack event."""


# the traceability upload mark and its deadline (counted again when a calendar year arrives)
_MUTABLE_EVENT_COLUMNS = frozenset({"reported_at", "reported_by_id", "report_due"})


@sa.event.listens_for(PackEvent, "before_update")
def _refuse_event_update(mapper, connection, target) -> None:
    """Only the traceability upload mark may change on a recorded event."""
    state = sa.inspect(target)
    changed = {attr.key for attr in state.attrs if attr.history.has_changes()}
    changed -= {rel.key for rel in mapper.relationships}
    if changed - _MUTABLE_EVENT_COLUMNS:
        raise AppendOnlyError(f"pack events are append-only; tried to change {sorted(changed)}")


@sa.event.listens_for(PackEvent, "before_delete")
def _refuse_event_delete(mapper, connection, target) -> None:
    raise AppendOnlyError("pack events are append-only; record a correction instead")
