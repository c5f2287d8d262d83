"""A buyer's cart, kept on the server so that it survives logging out and in again."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from lithloop.extensions import db
from lithloop.models.base import UTCDateTime, utcnow


class Cart(db.Model):
    """One cart per user: packs by id, groups of identical packs with their quantities."""

    __tablename__ = "market_cart"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"), unique=True)
    pack_ids: Mapped[list] = mapped_column(sa.JSON, default=list)
    groups: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    token: Mapped[str] = mapped_column(sa.String(64), default="")
    # The delivery chosen so far: {"kind", "city", "address", "contact", "phone"}.
    delivery: Mapped[dict | None] = mapped_column(sa.JSON)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
