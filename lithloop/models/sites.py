"""Sites: the park, dealer branches and bus depots, with coordinates."""

from __future__ import annotations

from datetime import time

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lithloop.extensions import db
from lithloop.models.accounts import Organisation
from lithloop.models.base import TimestampMixin, enum_column
from lithloop.vocab import SiteKind


class Site(TimestampMixin, db.Model):
    """A place of an organisation where packs are picked up or delivered."""

    __table_args__ = (
        sa.CheckConstraint("lat >= -90 AND lat <= 90", name="lat_range"),
        sa.CheckConstraint("lon >= -180 AND lon <= 180", name="lon_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisation.id"), index=True)
    kind: Mapped[SiteKind] = mapped_column(enum_column(SiteKind), default=SiteKind.BRANCH)
    name: Mapped[str] = mapped_column(sa.String(200))
    address: Mapped[str] = mapped_column(sa.String(300), default="")
    city: Mapped[str] = mapped_column(sa.String(100), default="", index=True)
    district: Mapped[str] = mapped_column(sa.String(100), default="")
    lat: Mapped[float] = mapped_column(sa.Float)
    lon: Mapped[float] = mapped_column(sa.Float)
    contact_name: Mapped[str] = mapped_column(sa.String(100), default="")
    contact_phone: Mapped[str] = mapped_column(sa.String(40), default="")
    opens_at: Mapped[time] = mapped_column(sa.Time, default=time(8, 0))
    closes_at: Mapped[time] = mapped_column(sa.Time, default=time(17, 0))

    organisation: Mapped[Organisation] = relationship(back_populates="sites")
