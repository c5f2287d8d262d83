"""One use case, one transaction: commit what it did, or roll all of it back."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import sqlalchemy as sa

from lithloop.extensions import db
from lithloop.services.errors import ServiceError

T = TypeVar("T")


def atomic(work: Callable[[], T]) -> T:
    """Run `work` and commit; on a service or database error roll back and re-raise."""
    try:
        result = work()
        db.session.commit()
    except (ServiceError, sa.exc.SQLAlchemyError):
        db.session.rollback()
        raise
    return result
