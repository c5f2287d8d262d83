"""Column types and mixins shared by every model."""

from __future__ import annotations

import enum
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from lithloop import clock


def utcnow() -> datetime:
    """Column default: the current time from the one clock (aware UTC)."""
    return clock.now()


class UTCDateTime(sa.types.TypeDecorator):
    """A timestamp stored as naive UTC and always returned timezone-aware in UTC."""

    impl = sa.DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; lithloop stores aware UTC times only")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        return None if value is None else value.replace(tzinfo=UTC)


def enum_column(enum_cls: type[enum.Enum]) -> sa.Enum:
    """A portable VARCHAR column holding the enum's values."""
    return sa.Enum(
        enum_cls,
        native_enum=False,
        length=32,
        values_callable=lambda e: [m.value for m in e],
        validate_strings=True,
    )


class VocabString(sa.types.TypeDecorator):
    """A VARCHAR holding one value of a vocab enum: checked when a row is written.

    The schema stays a plain VARCHAR of the given length. A StrEnum's column reads back as
    its members (equal to their text); a plain Enum's as text. Comparisons in queries take
    any text, so filtering on an unknown value finds nothing instead of failing.
    """

    impl = sa.String
    cache_ok = True

    def __init__(self, enum_cls: type[enum.Enum], length: int) -> None:
        super().__init__(length)
        self.enum_cls = enum_cls
        self.allowed = frozenset(member.value for member in enum_cls)

    def process_bind_param(self, value, dialect):
        return value.value if isinstance(value, enum.Enum) else value

    def process_result_value(self, value, dialect):
        if value is None or not issubclass(self.enum_cls, str):
            return value
        try:
            return self.enum_cls(value)
        except ValueError:  # a value written before the column was checked
            return value

    def check(self, key: str, value) -> None:
        """Refuse a value outside the vocabulary before it is written."""
        value = value.value if isinstance(value, enum.Enum) else value
        if value is not None and value not in self.allowed:
            raise ValueError(f"{key}={value!r} is not a {self.enum_cls.__name__}")


def check_vocab_columns(mapper, connection, target) -> None:
    """Before insert or update: every VocabString column holds a value of its enum."""
    for column in mapper.columns:
        if isinstance(column.type, VocabString):
            attr = mapper.get_property_by_column(column).key
            column.type.check(attr, getattr(target, attr, None))


class TimestampMixin:
    """Adds created_at, set in UTC when the row is first written."""

    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)
