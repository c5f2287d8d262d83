"""Where the park's code serials come from: a sequence (PostgreSQL) or a counter row (SQLite)."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from lithloop.extensions import db

#: PostgreSQL: nextval() hands each serial out once, without a lock or a scan.
PARK_SERIAL_SEQUENCE = sa.Sequence("park_serial_seq", start=1, metadata=db.metadata)


class ParkSerialCounter(db.Model):
    """SQLite: the last serial handed out, one row, raised under the database's write lock."""

    __tablename__ = "park_serial_counter"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)  # always 1
    last_value: Mapped[int] = mapped_column(sa.BigInteger, default=0)
