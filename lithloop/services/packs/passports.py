"""A pack's passport: its chain of events (with its parents'), the public view, the EU export.

The private passport shows everything to the park and the pack's owner. The public view,
reached by the QR code, shows only what anyone may know: identity, chemistry, capacity,
mass, state, grade, state of health, parents' codes, and the public events' dates and kinds.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import TypeVar

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from lithloop import clock, labels
from lithloop.batteries.codes import validate_code
from lithloop.extensions import db
from lithloop.models import (
    DismantlingBatch,
    Organisation,
    OrgKind,
    Pack,
    PackEvent,
    PackState,
    User,
)
from lithloop.services.accounts import policies
from lithloop.services.errors import Invalid, NotFound
from lithloop.services.packs import warranty

T = TypeVar("T")


@dataclass(frozen=True)
class ChainEntry:
    """One event of a passport, with whose pack it is and who recorded it."""

    event: PackEvent
    pack_code: str
    from_parent: str | None  # the ancestor's code when the event is not the pack's own
    label: str
    who: str | None
    organisation: str | None

    @property
    def local_date(self) -> date:
        """The event's date in Beijing time."""
        return clock.local_day(self.event.at)


def get_pack(code: str) -> Pack:
    """The pack with this code, read as every code box reads it (any case, full-width, spaces
    and invisible marks ignored), or NotFound: for text of no code's format, saying why."""
    check = validate_code(code or "")
    pack = db.session.scalar(sa.select(Pack).where(Pack.code == check.text)) if check.text else None
    if pack is None:  # a long paste is quoted cut, not whole (a wall of text on a phone)
        shown = check.shown or "—"
        if check.ok:
            raise NotFound(_l("No pack has the code %(code)s.", code=shown))
        why = labels.problem_text(check.problem)
        raise NotFound(_l("%(code)s is not a pack code: %(why)s", code=shown, why=why))
    return pack


def batch_of(pack: Pack) -> DismantlingBatch | None:
    """The dismantling batch the pack went into (its high-loss confirmation), if any."""
    return db.session.get(DismantlingBatch, pack.batch_id) if pack.batch_id else None


def may_see(user: User, pack: Pack) -> bool:
    """Whether the user may see the pack's full passport (region staff and the regulator,
    read-only; the owner)."""
    return policies.sees_every_pack(user) or policies.sees_organisation(user, pack.owner_id)


def pack_for(user: User, code: str) -> Pack:
    """The pack if the user may see its full passport (region staff, the owner); else 404."""
    pack = get_pack(code)
    if may_see(user, pack):
        return pack
    raise NotFound(_l("No pack has the code %(code)s.", code=pack.code))


def look_up(user: User, text: str) -> Pack:
    """The pack a typed code names, read as every code box reads it, if the user may see its
    full passport: Invalid (field `code`) for text of no code's format, saying why (a wrong
    character, a wrong length); NotFound for a code no pack has (or one they may not see)."""
    check = validate_code(text[:200])
    if not check.ok:
        why = labels.problem_text(check.problem)
        if check.text:
            why = _l("%(code)s is not a pack code: %(why)s", code=check.shown, why=why)
        raise Invalid(why, field="code")
    return pack_for(user, check.text)


def lineage(pack: Pack) -> list[Pack]:
    """The pack and all its ancestors (parents, their parents, ...), each once."""
    seen: dict[int, Pack] = {}
    todo = [pack]
    while todo:
        current = todo.pop()
        if current.id in seen:
            continue
        seen[current.id] = current
        todo.extend(current.parents)
    return list(seen.values())


def chain(pack: Pack, *, public_only: bool = False) -> list[ChainEntry]:
    """The pack's events and its ancestors' events in time order, labelled."""
    packs = {p.id: p for p in lineage(pack)}
    query = (
        sa.select(PackEvent)
        .where(PackEvent.pack_id.in_(packs))
        .options(selectinload(PackEvent.by_user), selectinload(PackEvent.organisation))
        .order_by(PackEvent.at, PackEvent.id)
    )
    if public_only:
        query = query.where(PackEvent.public.is_(True))
    entries = []
    for event in db.session.scalars(query):
        owner = packs[event.pack_id]
        entries.append(
            ChainEntry(
                event=event,
                pack_code=owner.code,
                from_parent=None if owner.id == pack.id else owner.code,
                label=labels.label(labels.PACK_EVENT, event.kind),
                who=event.by_user.name if event.by_user else None,
                organisation=event.organisation.name if event.organisation else None,
            )
        )
    return entries


def split_lineage(entries: list[T], parent_of: Callable[[T], str | None]):
    """The pack's own entries, and its ancestors' entries grouped per ancestor code (in the
    order of each ancestor's first entry): an assembled pack's history apart from theirs."""
    own: list[T] = []
    ancestry: dict[str, list[T]] = {}
    for entry in entries:
        parent = parent_of(entry)
        if parent:
            ancestry.setdefault(parent, []).append(entry)
        else:
            own.append(entry)
    return own, list(ancestry.items())


def park_name() -> str | None:
    """The park operator's name: the only organisation the public view names."""
    return db.session.scalar(
        sa.select(Organisation.name)
        .where(Organisation.kind == OrgKind.PARK_OPERATOR)
        .order_by(Organisation.id)
        .limit(1)
    )


def public_view(pack: Pack) -> dict:
    """What anyone with the QR link may see: no people, prices, owners or private events.

    `events` is the whole chain in time order; `own_events` the pack's own, and `ancestry`
    the events of the packs it was built from, parent by parent (its lineage)."""
    events = [
        {
            "at": e.local_date,
            "at_time": e.event.at,
            "kind": e.event.kind,
            "label": e.label,
            "pack": e.pack_code,
            "from_parent": e.from_parent,
        }
        for e in chain(pack, public_only=True)
    ]
    own, ancestry = split_lineage(events, lambda event: event["from_parent"])
    return {
        "code": pack.code,
        "chemistry": pack.chemistry,
        "rated_kwh": pack.rated_kwh,
        "mass_kg": pack.mass_kg,
        "state": pack.state.value,
        "grade": pack.grade.value if pack.grade else None,
        "soh_pct": pack.soh_pct,
        "refurbished": pack.refurbished,
        "parents": sorted(p.code for p in pack.parents),
        "issued_by": park_name(),
        "events": events,
        "own_events": own,
        "ancestry": [{"code": code, "events": found} for code, found in ancestry],
    }


def eu_status(pack: Pack) -> str:
    """The EU passport's status: original, repurposed or waste."""
    if pack.refurbished or pack.state is PackState.CONSUMED:
        return "repurposed"
    if pack.state is PackState.DISMANTLED or pack.grade is not None and pack.grade.value == "S":
        return "waste"
    return "original"


#: EU 2023/1542 Annex XIII fields lithloop does not record at all.
NOT_RECORDED = (
    "battery_category",
    "manufacturing_place",
    "rated_capacity_ah",
    "expected_lifetime_cycles",
    "carbon_footprint_kg_co2e",
    "recycled_content",
    "hazardous_substances",
    "due_diligence_report",
)


def eu_passport(pack: Pack) -> dict:
    """The fields of the EU battery passport we hold; nulls and a list for those we do not."""
    parsed = validate_code(pack.code).parsed
    start = warranty.warranty_start(pack) if pack.warranty_months is not None else None
    end = warranty.warranty_end(pack, start)
    fields = {
        "unique_identifier": pack.code,
        "original_identifier": pack.original_code,
        "identifier_scheme": "GB/T 34014-2017",
        "parent_identifiers": sorted(p.code for p in pack.parents),
        "manufacturer_code": parsed.manufacturer if parsed else None,
        "manufacturer_of_record": park_name() if pack.code_assigned or pack.refurbished else None,
        "manufacturing_date": parsed.produced.isoformat() if parsed else None,
        "chemistry": pack.chemistry,
        "form": pack.form,
        "rated_energy_kwh": str(pack.rated_kwh) if pack.rated_kwh is not None else None,
        "measured_capacity_ah": str(pack.capacity_ah) if pack.capacity_ah is not None else None,
        "mass_kg": str(pack.mass_kg),
        "state_of_health_pct": str(pack.soh_pct) if pack.soh_pct is not None else None,
        "cycle_count": pack.cycle_count,
        "status": eu_status(pack),
        "warranty_months": pack.warranty_months,
        "warranty_start": start.isoformat() if start else None,  # delivery to the first buyer
        "warranty_end": end.isoformat() if end else None,
        **dict.fromkeys(NOT_RECORDED),
    }
    history = [
        {"at": e.event.at.isoformat(), "kind": e.event.kind, "pack": e.pack_code}
        for e in chain(pack, public_only=True)
    ]
    return {
        "regulation": "EU 2023/1542 Annex XIII (partial export by lithloop)",
        "generated_at": clock.now().isoformat(),
        **fields,
        "history": history,
        "fields_not_held": sorted(k for k, v in fields.items() if v is None),
    }
