"""A driver's confirmation sent more than once (queued on the phone in a dead zone, or its
answer lost on the road) is done once: the Idempotency-Key the phone chose for it is claimed
in the same transaction as the work, and a repeat is answered as the first was."""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa

from lithloop.extensions import db
from lithloop.models import PlanStop, User
from lithloop.services import idempotency
from lithloop.services.dispatch.driver_stops import own_stop
from lithloop.services.errors import ServiceError

ACTIONS = ("arrive", "pickup", "exception", "delivered", "unloaded")


def confirm_once(
    user: User,
    action: str,
    stop_id: int,
    key: str | None,
    body: dict,
    work: Callable[[], PlanStop],
) -> tuple[PlanStop, bool]:
    """Run `work` (which commits) under the key; returns (stop, replayed). A repeat with the
    same key and body does nothing and returns the stop; another body is a 422, another
    person's key a 403 (a phone passed on must not send the first driver's queue)."""
    key = idempotency.clean_key(key)
    if key is None:
        return work(), False
    try:
        held = idempotency.claim(
            f"driver:{action}",
            user.organisation_id,
            key,
            dict(body, stop=stop_id),
            user_id=user.id,
        )
        if held.replay_of is not None:
            db.session.rollback()
            return own_stop(user, held.replay_of), True
        idempotency.bind(held, stop_id)
        return work(), False
    except (ServiceError, sa.exc.SQLAlchemyError):
        db.session.rollback()
        raise
