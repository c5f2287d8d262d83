"""Who sees which organisation's records: the named rules the services and pages share.

Region staff (dispatchers, plant operators, admins) see the whole region. Drivers belong
to the park as well, but see only their own routes and what those need: the driver page
(stops, the site's address and contact, the booking's lots), the route's manifest (the
expected codes) and its dangerous-goods document. So a driver opens no organisation's
bookings, sites, quotes, settlements or private passports, not even the park's own.
Everyone else sees their own organisation's records.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from lithloop.extensions import db
from lithloop.models import Plan, PlanRoute, PlanStatus, PlanStop, Role, Site, User
from lithloop.services.dispatch.roster import trucks_of
from lithloop.services.errors import Forbidden

#: Roles that see every organisation's records (the park's office staff).
REGION_STAFF = frozenset({Role.DISPATCHER, Role.PLANT_OPERATOR, Role.ADMIN})
#: Roles that open organisations' records (sites, bookings, quotes, passports) at all:
#: every role but the driver, who works from their routes.
RECORD_READERS = frozenset(Role) - {Role.DRIVER}
#: Roles that book pickups for their own organisation's sites.
BOOKERS = frozenset({Role.DEALER_STAFF, Role.FLEET_MANAGER})
#: Roles that add and change their own organisation's sites: dealers and bus companies
#: (branches, depots) and the park's dispatchers and admins (the park itself).
SITE_EDITORS = frozenset({Role.DEALER_STAFF, Role.FLEET_MANAGER, Role.DISPATCHER, Role.ADMIN})
#: Roles that start optimisation runs, edit and publish plans.
PLANNERS = frozenset({Role.DISPATCHER, Role.ADMIN})
#: Roles that cancel bookings: the owners (their own, before scheduling) and the planners.
CANCELLERS = BOOKERS | PLANNERS
#: Roles that work the plant: intake, grading, warehouses, lines, settlement.
PLANT_STAFF = frozenset({Role.PLANT_OPERATOR, Role.ADMIN})
#: Roles that read settlements: the owners and the plant.
SETTLEMENT_READERS = BOOKERS | PLANT_STAFF
#: Roles that see the region's figures (the dashboard).
FIGURE_VIEWERS = frozenset({Role.ADMIN, Role.GOVERNMENT})
#: Roles that buy on the market.
BUYERS = frozenset({Role.BUYER})
#: Roles that see market orders: buyers their own, admins all.
ORDER_VIEWERS = BUYERS | {Role.ADMIN}
#: Roles that run the park's administration: users, prices, orders, traceability uploads.
ADMINS = frozenset({Role.ADMIN})
#: Roles that follow every organisation's packs read-only (the regulator): every pack's
#: passport, the traceability page and its CSV files, never a change.
REGULATORS = frozenset({Role.GOVERNMENT})
#: Roles that open the traceability page, its CSV files and the pack look-up by code.
TRACE_READERS = ADMINS | REGULATORS
#: Roles that correct a pack's chain of events (a correction names the event it corrects).
HISTORY_EDITORS = PLANT_STAFF


def require(user: User, roles: frozenset[Role], message) -> None:
    """Forbidden (with the message) unless the user's role is in the group: each service's
    own check, whatever view or job calls it."""
    if user.role not in roles:
        raise Forbidden(message)


def sees_whole_region(user: User) -> bool:
    """True for region staff: every organisation's bookings, sites, settlements, packs."""
    return user.role in REGION_STAFF


def sees_every_pack(user: User) -> bool:
    """True for region staff and the regulator: every organisation's pack passports."""
    return user.role in REGION_STAFF or user.role in REGULATORS


def sees_organisation(user: User, organisation_id: int | None) -> bool:
    """Whether the user may see a record owned by this organisation."""
    if sees_whole_region(user):
        return True
    if user.role not in RECORD_READERS or organisation_id is None:
        return False
    return organisation_id == user.organisation_id


def scoped(query: sa.Select, user: User, column) -> sa.Select:
    """The query kept to the records (owner in `column`) the user may see: unchanged for
    region staff (the park sees all), their own organisation's for others, none for drivers."""
    if sees_whole_region(user):
        return query
    return query.where(organisation_clause(user, column))


def buyer_scoped(query: sa.Select, user: User, column) -> sa.Select:
    """The query kept to the market records (buyer in `column`) the user may see: all for
    admins, their own organisation's for buyers, none for anyone else."""
    if user.role in ADMINS:
        return query
    if user.role not in BUYERS:
        return query.where(sa.false())
    return query.where(column == user.organisation_id)


def organisation_clause(user: User, column) -> sa.ColumnElement[bool]:
    """A WHERE clause keeping the records (owner in `column`) the user may see."""
    if sees_whole_region(user):
        return sa.true()
    if user.role not in RECORD_READERS:
        return sa.false()
    return column == user.organisation_id


def require_record_reader(user: User) -> None:
    """Forbidden for drivers: their route pages hold what they need."""
    if user.role not in RECORD_READERS:
        raise Forbidden(
            _l("Drivers see their routes on the driver page and in the route documents.")
        )


def drives_booking(user: User, booking_id: int) -> bool:
    """True when the booking is a stop of one of the driver's published routes (a route
    of a truck the day's roster gives the driver)."""
    if user.role is not Role.DRIVER:
        return False
    rows = db.session.execute(
        sa.select(PlanRoute.truck_id, Plan.plan_date)
        .select_from(PlanStop)
        .join(PlanRoute)
        .join(Plan)
        .where(PlanStop.booking_id == booking_id, Plan.status == PlanStatus.PUBLISHED)
    ).all()
    return any(truck in trucks_of(user, day) for truck, day in rows)


def may_edit_site(user: User, site: Site) -> bool:
    """Whether the user may change the site: a site editor of the site's own organisation.

    Nobody changes another organisation's site, not even an admin (the admin's are the
    park's). The sites service enforces it; the site page shows its Edit button by it."""
    return user.role in SITE_EDITORS and site.organisation_id == user.organisation_id


def drives(user: User, route: PlanRoute) -> bool:
    """True when the route is the user's own: a published route of a truck the day's
    roster gives them."""
    return (
        user.role is Role.DRIVER
        and route.plan.status is PlanStatus.PUBLISHED
        and route.truck_id in trucks_of(user, route.plan.plan_date)
    )


def visible(user: User, model) -> sa.ColumnElement[bool]:
    """A WHERE clause keeping the `model` rows (with an organisation_id) the user may see."""
    return organisation_clause(user, model.organisation_id)


#: What the pages' buttons ask (`may('plan')` in a template): the role groups above.
ABILITIES: dict[str, frozenset[Role]] = {
    "book": BOOKERS,
    # the site list's Add button: owners add their branches and depots (the park's own
    # sites, which SITE_EDITORS also lets dispatchers and admins add, are not offered there)
    "add_site": BOOKERS,
    "plan": PLANNERS,
    "work_plant": PLANT_STAFF,
    "settle": PLANT_STAFF,
    "read_settlements": SETTLEMENT_READERS,
    "buy": BUYERS,
    "administer": ADMINS,
    "read_trace": TRACE_READERS,
}


def may(user: User, ability: str, record=None) -> bool:
    """Whether the user may do it (a template's button and the service agree): a role group
    by name, or `edit_site` with the site."""
    if not getattr(user, "is_authenticated", False):
        return False
    if ability == "edit_site":
        return record is not None and may_edit_site(user, record)
    return user.role in ABILITIES[ability]
