"""Outgoing messages: the outbox stands in for e-mail unless SMTP is configured."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from lithloop.extensions import db
from lithloop.models.base import TimestampMixin, UTCDateTime


class OutboxMessage(TimestampMixin, db.Model):
    """One e-mail, kept whether or not it was delivered by SMTP."""

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient: Mapped[str] = mapped_column(sa.String(254), index=True)
    subject: Mapped[str] = mapped_column(sa.String(200))
    body: Mapped[str] = mapped_column(sa.Text)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    error: Mapped[str] = mapped_column(sa.String(500), default="")
    # Set, and committed, before the message is handed to SMTP (lithloop/mail.py): a
    # message claimed and not sent may have reached its recipient; not sent again by itself.
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The Message-ID header, kept from the start: a message sent again carries the same one.
    message_id: Mapped[str | None] = mapped_column(sa.String(255))
