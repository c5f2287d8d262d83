"""A pack's lineage read from its passport events: from a listing down to retired packs."""

from __future__ import annotations

import sqlalchemy as sa

from lithloop.extensions import db
from lithloop.models import BusPack, OrgKind, Pack

#: What a retired pack's own chain holds before it is built into a second-life pack.
RETIRED_CHAIN = ("retired", "booked", "picked_up", "received", "tested", "graded", "aged")


def events_by_kind(pack: Pack) -> dict[str, list]:
    found: dict[str, list] = {}
    for event in sorted(pack.events, key=lambda e: (e.at, e.id)):
        found.setdefault(event.kind, []).append(event)
    return found


def pack_by_code(code: str) -> Pack | None:
    return db.session.scalar(sa.select(Pack).where(Pack.code == code))


def lineage_problems(pack: Pack, child: Pack | None = None) -> list[str]:
    """What is missing from the pack's chain down to the retired packs it came from,
    following the "built" events' parents and the parents' "consumed" events."""
    events = events_by_kind(pack)
    if child is not None:
        consumed = events.get("consumed", [])
        if not any(e.data.get("into") == child.code for e in consumed):
            return [f"{pack.code}: no 'consumed' event into {child.code}"]
    if "built" in events:
        parents = events["built"][-1].data.get("parents") or []
        if not parents:
            return [f"{pack.code}: built from no parents"]
        problems = []
        for code in parents:
            parent = pack_by_code(code)
            if parent is None:
                problems.append(f"{pack.code}: parent {code} does not exist")
                continue
            if parent.events and max(e.at for e in parent.events) > events["built"][-1].at:
                problems.append(f"{code}: events after {pack.code} was built from it")
            problems += lineage_problems(parent, pack)
        return problems
    return _retired_problems(pack, events)


def _retired_problems(pack: Pack, events: dict[str, list]) -> list[str]:
    missing = [kind for kind in RETIRED_CHAIN if kind not in events]
    if missing:
        return [f"{pack.code}: not built, and its chain lacks {', '.join(missing)}"]
    retired, booked = events["retired"][0], events["booked"][0]
    problems = []
    if booked.organisation is None or booked.organisation.kind not in (
        OrgKind.BUS_COMPANY,
        OrgKind.DEALER_BRANCH,
    ):
        problems.append(f"{pack.code}: not booked by the bus company or dealer that retired it")
    register = db.session.scalar(
        sa.select(BusPack).where(
            BusPack.pack_code == pack.code, BusPack.organisation_id == booked.organisation_id
        )
    )
    if register is None or retired.data.get("vehicle_plate") != register.vehicle_plate:
        problems.append(f"{pack.code}: retired from no bus of its owner's fleet register")
    order = [events[kind][0].at for kind in RETIRED_CHAIN[1:]]
    if order != sorted(order):
        problems.append(f"{pack.code}: booked, picked up, received, graded, aged out of order")
    return problems
