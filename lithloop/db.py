"""One use case, one transaction: commit what it did, or roll all of it back."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from lithloop.extensions import db

T = TypeVar("T")


def atomic(work: Callable[[], T]) -> T:
    """Run `work` and commit; on any exception roll back and re-raise."""
    try:
        result = work()
        db.session.commit()
    except BaseException:  # a PaymentError or a bug too: no transaction left open, no lock held
        db.session.rollback()
        raise
    return result
