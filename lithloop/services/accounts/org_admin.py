"""Administrators list organisations and suspend or reactivate one (each audited).

A suspension or reactivation is mailed to the organisation's people (org_letters). A
suspension changes the organisation's status: its users cannot sign in and its API
tokens are refused (User.is_active), its open bookings are held from planning as those of
an organisation not approved are (dispatch's day_work), and nothing is deleted or revoked,
so reactivating brings all of it back. Orders already paid are not cancelled; its orders
not paid (and not being paid) are, in the suspension's transaction, their packs put back
on sale and their PaymentIntents cancelled after the commit (as the expiry sweep does).
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from lithloop.extensions import db
from lithloop.models import Booking, BookingStatus, Organisation, OrgStatus, Role, User
from lithloop.models.market import Order, OrderStatus
from lithloop.services import paging
from lithloop.services.accounts import audit, org_letters
from lithloop.services.errors import Conflict, Forbidden, Invalid, NotFound
from lithloop.services.market import expiry, order_letters
from lithloop.services.strict_input import typed_text

PAGE_SIZE = 50
REASON_MAX = 500

OPEN_BOOKINGS = (
    BookingStatus.REQUESTED,
    BookingStatus.SCHEDULED,
    BookingStatus.PICKED_UP,
    BookingStatus.RECEIVED,
)
OPEN_ORDERS = (
    OrderStatus.PENDING_PAYMENT,
    OrderStatus.PAID,
    OrderStatus.PACKED,
    OrderStatus.SHIPPED,
)


@dataclass(frozen=True)
class OrgRow:
    """One organisation with its counts."""

    org: Organisation
    users: int
    open_bookings: int
    open_orders: int


def _require_admin(actor: User) -> None:
    if actor.role is not Role.ADMIN:
        raise Forbidden(_l("Only administrators manage organisations."))


def _count(column, where) -> sa.ScalarSelect:
    return (
        sa.select(sa.func.count())
        .select_from(column.table)
        .where(column == Organisation.id, where)
        .scalar_subquery()
    )


def _with_counts(ids: sa.Select) -> sa.Select:
    return sa.select(
        Organisation,
        _count(User.organisation_id, sa.true()),
        _count(Booking.organisation_id, Booking.status.in_(OPEN_BOOKINGS)),
        _count(Order.buyer_org_id, Order.status.in_(OPEN_ORDERS)),
    ).where(Organisation.id.in_(ids))


def organisation(actor: User, org_id: int) -> OrgRow:
    """One organisation with its counts (what a suspension or reactivation touches)."""
    _require_admin(actor)
    found = db.session.execute(_with_counts(sa.select(sa.literal(org_id)))).first()
    if found is None:
        raise NotFound(_l("No such organisation."))
    return OrgRow(*found)


def organisations(actor: User, *, search: str = "", page: int = 1) -> paging.Page[OrgRow]:
    """Organisations by name, optionally those whose name or city contains `search`."""
    _require_admin(actor)
    page = max(1, page)
    query = sa.select(Organisation.id)
    if search.strip():
        term = search.strip().lower()  # "_" and "%" as typed, not as wildcards
        query = query.where(
            sa.or_(
                sa.func.lower(Organisation.name).contains(term, autoescape=True),
                sa.func.lower(Organisation.city).contains(term, autoescape=True),
            )
        )
    ordered = _with_counts(query).order_by(Organisation.name, Organisation.id)
    found = db.session.execute(paging.window(ordered, page=page, per_page=PAGE_SIZE)).all()
    rows = [OrgRow(org, users, bookings, orders) for org, users, bookings, orders in found]
    return paging.page_of(rows, page=page, per_page=PAGE_SIZE, count=query)


def _reason(reason: str) -> str:
    reason = typed_text(reason, "reason")  # mailed to every user: no direction controls
    if not reason:
        raise Invalid(_l("Give the reason."), field="reason")
    if len(reason) > REASON_MAX:
        raise Invalid(_l("The reason is at most %(n)s characters.", n=REASON_MAX), field="reason")
    return reason


def set_suspended(actor: User, org_id: int, *, suspend: bool, reason: str) -> Organisation:
    """Suspend an active organisation or reactivate a suspended one, with a reason."""
    _require_admin(actor)
    org = _lock(org_id)
    if org is None:
        raise NotFound(_l("No such organisation."))
    reason = _reason(reason)
    if suspend and org.id == actor.organisation_id:
        raise Conflict(_l("You cannot suspend your own organisation."))
    wanted_from = OrgStatus.ACTIVE if suspend else OrgStatus.SUSPENDED
    if org.status is not wanted_from:
        raise Conflict(
            _l("Only an active organisation can be suspended.")
            if suspend
            else _l("Only a suspended organisation can be reactivated.")
        )
    org.status = OrgStatus.SUSPENDED if suspend else OrgStatus.ACTIVE
    details = {"name": org.name, "kind": org.kind.value, "reason": reason}
    released = []
    if suspend:
        released = expiry.release_unpaid_of(
            org.id, "organisation suspended", order_letters.SUSPENDED
        )
        details["orders_cancelled"] = [order.id for order in released]
    audit.record(
        "organisation.suspend" if suspend else "organisation.reactivate",
        actor=actor,
        obj=org,
        details=details,
    )
    org_letters.status_changed(org, suspended=suspend, reason=reason)
    db.session.commit()
    expiry.cancel_intents(released)
    return org


def _lock(org_id: int) -> Organisation | None:
    """The organisation, its row locked until the commit: a checkout of its buyers (which
    locks it too, market.holds) waits for the suspension, or the suspension for it."""
    return db.session.scalar(
        sa.select(Organisation)
        .where(Organisation.id == org_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
