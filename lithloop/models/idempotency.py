"""Request keys already used: an API Idempotency-Key or a form's one-time token."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from lithloop.extensions import db
from lithloop.models.base import UTCDateTime, utcnow


class IdempotencyKey(db.Model):
    """One organisation's key for one kind of request, the hash of the request it came with,
    and the id of what that request made (an order, a refund, a booking)."""

    __tablename__ = "idempotency_key"
    __table_args__ = (
        sa.UniqueConstraint("organisation_id", "scope", "key", name="uq_idempotency_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisation.id"))
    scope: Mapped[str] = mapped_column(sa.String(20))  # order, checkout, refund, booking
    key: Mapped[str] = mapped_column(sa.String(255))
    # sha256 of the request; None for a form token (any repeat is the same request)
    request_hash: Mapped[str | None] = mapped_column(sa.String(64))
    resource_id: Mapped[int | None] = mapped_column(sa.Integer)
    # who sent it, where one person's key must not be replayed under another's login
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
