"""Export one organisation's data as JSON, and import it into another database.

The document holds the organisation, its users (never their password hashes: imported
users must set a password through a reset link), sites, bookings with their lots and status
events, and bus packs. Rows refer to each other by their exported ids ("ref"); users
outside the organisation (a dispatcher on a booking's history) by e-mail.

An import creates a new organisation (an existing name is refused, so no organisation
already here changes). It starts pending, as the model's default, whatever status the file
gives: nobody reviewed it in this database, and a file must not make an organisation
active (nor bring back one rejected there) behind the park's approval (/admin/approvals).
"""

from __future__ import annotations

import secrets

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from lithloop import clock
from lithloop.extensions import db
from lithloop.models import (
    Booking,
    BookingEvent,
    BookingLot,
    BookingStatus,
    BusPack,
    Organisation,
    OrgStatus,
    Site,
    User,
)
from lithloop.services.accounts.passwords import hash_password
from lithloop.services.booking import capacity
from lithloop.services.booking.errors import Code
from lithloop.services.booking.org_document import read_document
from lithloop.services.booking.org_document_checks import ImportPlan
from lithloop.services.booking.org_values import FORMAT, VERSION, dump
from lithloop.services.errors import Conflict, NotFound

__all__ = ["export_organisation", "import_organisation", "read_document"]


def export_organisation(org_id: int) -> dict:
    """The organisation and everything it owns, as a JSON-ready mapping."""
    org = db.session.get(Organisation, org_id)
    if org is None:
        raise NotFound(_l("No such organisation."))
    bookings = db.session.scalars(
        sa.select(Booking)
        .where(Booking.organisation_id == org.id)
        .options(
            sa.orm.selectinload(Booking.lots),
            sa.orm.selectinload(Booking.events).joinedload(BookingEvent.by_user),
        )
        .order_by(Booking.id)
    )
    packs = db.session.scalars(
        sa.select(BusPack).where(BusPack.organisation_id == org.id).order_by(BusPack.id)
    )
    return {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": clock.now().isoformat(),
        "organisation": dump(org),
        "users": [{"ref": u.id, **dump(u)} for u in sorted(org.users, key=lambda u: u.id)],
        "sites": [{"ref": s.id, **dump(s)} for s in sorted(org.sites, key=lambda s: s.id)],
        "bookings": [
            {
                "ref": b.id,
                "site_ref": b.site_id,
                "created_by_ref": b.created_by_id,
                "created_by_email": b.created_by.email,
                **dump(b),
                "lots": [dump(lot) for lot in b.lots],
                "events": [
                    {"by_user_email": e.by_user.email if e.by_user else None, **dump(e)}
                    for e in b.events
                ],
            }
            for b in bookings
        ],
        "bus_packs": [{"booking_ref": p.booking_id, **dump(p)} for p in packs],
    }


def import_organisation(doc) -> Organisation:
    """Create the exported organisation and its data in this database, all or nothing:
    the whole document is checked first (read_document), then written in one transaction.
    The organisation waits for the park's approval, whatever its status in the file."""
    plan = read_document(doc)
    try:
        org = _write(plan)
        db.session.commit()
    except sa.exc.IntegrityError as exc:
        db.session.rollback()
        raise Conflict(
            _l("The import clashes with data in this database; nothing imported."),
            code=Code.DUPLICATE,
        ) from exc
    except BaseException:
        db.session.rollback()
        raise
    return org


def _write(plan: ImportPlan) -> Organisation:
    days = {
        d: capacity.lock_day(d) for d in sorted({b["values"]["pickup_date"] for b in plan.bookings})
    }
    values = {**plan.organisation, "status": OrgStatus.PENDING, "approved_at": None}
    org = Organisation(**values)  # the file's status is not kept (see the docstring)
    db.session.add(org)
    users = {
        ref: User(
            organisation=org, **values, password_hash=hash_password(secrets.token_urlsafe(32))
        )
        for ref, values in plan.users.items()
    }
    db.session.add_all(users.values())
    by_email = {u.email: u for u in users.values()}

    def someone(email: str | None) -> User | None:
        if email is None:
            return None
        return by_email.get(email) or db.session.scalar(
            sa.select(User).where(sa.func.lower(User.email) == email)
        )

    sites = {ref: Site(organisation=org, **values) for ref, values in plan.sites.items()}
    db.session.add_all(sites.values())
    bookings = {}
    for data in plan.bookings:
        creator = data["creator"]
        booking = Booking(
            organisation=org,
            site=sites[data["site_ref"]],
            created_by=users[creator] if isinstance(creator, int) else creator,
            **data["values"],
        )
        booking.lots = [BookingLot(**lot) for lot in data["lots"]]
        booking.events = [
            BookingEvent(by_user=someone(email), **values) for email, values in data["events"]
        ]
        if booking.status is not BookingStatus.CANCELLED:  # it takes the day's capacity
            day = days[booking.pickup_date]
            day.booked_kg += booking.total_mass_kg
            day.booked_stops += 1
        bookings[data["ref"]] = booking
    db.session.add_all(bookings.values())
    db.session.flush()  # ids for the bus packs, which refer to them by column
    db.session.add_all(
        BusPack(
            organisation_id=org.id,
            **values,
            booking_id=None if ref is None else bookings[ref].id,
        )
        for ref, values in plan.bus_packs
    )
    return org
