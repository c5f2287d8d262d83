"""The park's trucks: list, add, change, retire and put back into service, each audited.

The planner reads the active trucks when a run starts, so a change counts from the next run.
A change sent from a page read before another one was saved is refused (`truck_version`).
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict
from datetime import date

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from lithloop import clock
from lithloop.db import atomic
from lithloop.extensions import db
from lithloop.i18n import listed
from lithloop.models import Plan, PlanRoute, PlanStatus, Truck, User
from lithloop.services.dispatch.errors import Code
from lithloop.services.dispatch.truck_form import TruckFields, park_depots, read_fields
from lithloop.services.errors import Conflict, NotFound


def _require_planner(user: User) -> None:
    from lithloop.services.accounts import policies  # policies reads the roster (drives)

    policies.require(user, policies.PLANNERS, _l("Only dispatchers and admins manage trucks."))


def _require_reader(user: User) -> None:
    from lithloop.services.accounts import policies

    policies.require(user, policies.REGION_STAFF, _l("Only the park's staff see its trucks."))


def sees_costs(user: User) -> bool:
    """Whether the user sees a truck's costs and version (the edit form's): the planners;
    the other staff see the list's values only."""
    from lithloop.services.accounts import policies

    return user.role in policies.PLANNERS


def _audit(action: str, user: User, truck: Truck, details: dict) -> None:
    from lithloop.services.accounts import audit

    audit.record(action, actor=user, obj=truck, details={"plate": truck.plate, **details})


def park_trucks() -> list[Truck]:
    """Every truck of the park, the active ones first, each group by plate."""
    return list(
        db.session.scalars(sa.select(Truck).order_by(Truck.active.desc(), Truck.plate, Truck.id))
    )


def truck_page(user: User, page: int, size: int) -> tuple[list[Truck], int]:
    """One page of park_trucks' order for the region's staff, and how many trucks there are."""
    _require_reader(user)
    total = db.session.scalar(sa.select(sa.func.count(Truck.id))) or 0
    query = sa.select(Truck).order_by(Truck.active.desc(), Truck.plate, Truck.id)
    return list(db.session.scalars(query.offset((page - 1) * size).limit(size))), total


def read_truck(user: User, truck_id: int) -> Truck:
    """The truck as the region's staff may read it, or NotFound."""
    _require_reader(user)
    return get_truck(truck_id)


def get_truck(truck_id: int) -> Truck:
    """The truck, or NotFound."""
    truck = db.session.get(Truck, truck_id)
    if truck is None:
        raise NotFound(_l("No such truck."))
    return truck


def truck_version(truck: Truck) -> str:
    """A short fingerprint of the truck as stored: a form carries it, so that a change made
    from a page read before someone else's save is refused instead of undoing theirs."""
    names = (*TruckFields.__dataclass_fields__, "active")
    values = "|".join(str(getattr(truck, name)) for name in names)
    return hashlib.sha256(values.encode()).hexdigest()[:12]


def _taken(plate: str, other_than: int | None = None) -> Conflict | None:
    found = db.session.scalar(sa.select(Truck.id).where(Truck.plate == plate))
    if found is None or found == other_than:
        return None
    return Conflict(
        _l("The park already has a truck with plate %(p)s.", p=plate),
        field="plate",
        code=Code.PLATE_TAKEN,
    )


def _saved(work, plate: str, truck_id: int | None):
    """atomic(work); a duplicate plate that another save stored meanwhile (the unique
    constraint) is refused beside the plate, as the check before it would have."""
    try:
        return atomic(work)
    except IntegrityError:
        taken = _taken(plate, truck_id)
        if taken is None:
            raise
        raise taken from None


def add_truck(user: User, form, *, fen: bool = False) -> Truck:
    """A new active truck from the form's fields (FieldsRefused, or Conflict on its plate);
    `fen`: the costs are given in fen (the API), not yuan (the page)."""
    _require_planner(user)
    fields = read_fields(form, fen=fen)
    taken = _taken(fields.plate)
    if taken is not None:
        raise taken

    def work() -> Truck:
        depot = next(s for s in park_depots() if s.id == fields.depot_site_id)
        truck = Truck(organisation_id=depot.organisation_id, active=True, **asdict(fields))
        db.session.add(truck)
        db.session.flush()
        _audit("truck.add", user, truck, {"payload_kg": truck.payload_kg})
        return truck

    return _saved(work, fields.plate, None)


def change_truck(user: User, truck_id: int, form, seen: str, *, fen: bool = False) -> Truck:
    """The truck changed to the form's fields; Conflict when it changed since `seen`."""
    _require_planner(user)
    fields = read_fields(form, fen=fen)

    def work() -> Truck:
        truck = get_truck(truck_id)
        db.session.refresh(truck, with_for_update=True)  # two saves take turns
        if seen != truck_version(truck):
            raise Conflict(
                _l(
                    "Someone saved truck %(p)s while you were editing it. Its values now are "
                    "shown: check them and make your change again.",
                    p=truck.plate,
                ),
                code=Code.CHANGED_MEANWHILE,
            )
        taken = _taken(fields.plate, truck.id)
        if taken is not None:
            raise taken
        changed = {k: str(v) for k, v in asdict(fields).items() if getattr(truck, k) != v}
        for name, value in asdict(fields).items():
            setattr(truck, name, value)
        depot = next(s for s in park_depots() if s.id == fields.depot_site_id)
        truck.organisation_id = depot.organisation_id
        _audit("truck.change", user, truck, {"changed": changed})
        return truck

    return _saved(work, fields.plate, truck_id)


def plans_using(truck: Truck, since: date | None = None) -> list[Plan]:
    """The published plans from `since` (today) on with a route driven by the truck."""
    since = since or clock.today()
    return list(
        db.session.scalars(
            sa.select(Plan)
            .where(
                Plan.status == PlanStatus.PUBLISHED,
                Plan.plan_date >= since,
                Plan.id.in_(sa.select(PlanRoute.plan_id).where(PlanRoute.truck_id == truck.id)),
            )
            .order_by(Plan.plan_date, Plan.id)
        )
    )


def set_active(user: User, truck_id: int, active: bool, seen: str) -> Truck:
    """Retire the truck (not planned from the next run) or put it back into service.
    A truck on a published plan of today or later is not retired: Conflict naming the plans
    (re-plan those days without it first)."""
    _require_planner(user)

    def work() -> Truck:
        truck = get_truck(truck_id)
        db.session.refresh(truck, with_for_update=True)
        if seen != truck_version(truck):
            raise Conflict(
                _l("Someone changed truck %(p)s meanwhile: look at it again.", p=truck.plate),
                code=Code.CHANGED_MEANWHILE,
            )
        if truck.active == active:
            return truck
        if not active:
            using = plans_using(truck)
            if using:
                raise Conflict(
                    _l(
                        "Truck %(p)s drives routes of published plans: %(plans)s. Plan those "
                        "days again without it (or move its stops), then retire it.",
                        p=truck.plate,
                        plans=listed(f"#{p.id} {p.plan_date.isoformat()}" for p in using),
                    ),
                    code=Code.TRUCK_IN_PLAN,
                )
        truck.active = active
        _audit("truck.reactivate" if active else "truck.retire", user, truck, {})
        return truck

    return atomic(work)
