"""Putting a pack in a state: its warehouse, since when, and the event, in one place."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from lithloop import clock, labels
from lithloop.extensions import db
from lithloop.models import WAREHOUSE_OF_STATE, Pack, PackEvent, PackState, User
from lithloop.services.errors import Conflict, NotFound
from lithloop.services.packs import events as pack_events
from lithloop.services.packs.errors import Code

#: The states a pack may move to from each state (anything else is refused).
ALLOWED = {
    PackState.RECEIVED: {PackState.RAW, PackState.AGING},
    PackState.AGING: {PackState.FINISHED, PackState.RAW, PackState.CONSUMED},
    PackState.RAW: {PackState.DISMANTLED, PackState.AGING},
    PackState.FINISHED: {PackState.RESERVED, PackState.RAW, PackState.CONSUMED, PackState.SOLD},
    PackState.RESERVED: {PackState.FINISHED, PackState.SOLD},
    PackState.SOLD: {PackState.FINISHED},  # returned
    PackState.CONSUMED: set(),
    PackState.DISMANTLED: set(),
}


def place(
    pack: Pack,
    state: PackState,
    user: User | None,
    kind: str = "moved",
    *,
    data: dict | None = None,
    public: bool = True,
) -> PackEvent:
    """Move a pack to `state` (checked), set its warehouse, and record the event."""
    if state not in ALLOWED[pack.state]:
        raise Conflict(
            _l(
                "Pack %(code)s is %(state)s and cannot become %(to)s.",
                code=pack.code,
                state=labels.label(labels.PACK_STATE, pack.state),
                to=labels.label(labels.PACK_STATE, state),
            ),
            code=Code.BAD_TRANSITION,
        )
    before = pack.state
    warehouse = WAREHOUSE_OF_STATE.get(state)
    if warehouse is not pack.warehouse:
        pack.warehouse_since = clock.now() if warehouse else None
    pack.warehouse = warehouse
    pack.state = state
    facts = {
        "from": before.value,
        "to": state.value,
        "warehouse": warehouse.value if warehouse else None,
        **(data or {}),
    }
    return pack_events.record(pack, kind, user, data=facts, public=public)


SHOWN_CODE_CHARS = 40


def lock_by_codes(codes, *, field: str) -> dict[str, Pack]:
    """The packs of these codes, row-locked in id order and re-read; NotFound names a
    missing code (on `field`)."""
    found = {
        p.code: p
        for p in db.session.scalars(
            sa.select(Pack)
            .where(Pack.code.in_(codes))
            .order_by(Pack.id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
    }
    missing = [c for c in codes if c not in found]
    if missing:
        # a code is 24 characters: a longer paste is named by its start, not echoed whole
        shown = missing[0] if len(missing[0]) <= SHOWN_CODE_CHARS else missing[0][:24] + "…"
        raise NotFound(_l("No pack with code %(code)s.", code=shown), field=field)
    return found
