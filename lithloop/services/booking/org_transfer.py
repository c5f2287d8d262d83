"""Export one organisation's data as JSON, and import it into another database.

The document holds the organisation, its users (never their password hashes: imported
users must set a password through a reset link; an open invitation, invited_at, stays
open, but its mailed link cannot work here: see _write), sites, bookings with their lots and status
events, and bus packs. Rows refer to each other by their exported ids ("ref"); users
outside the organisation (a dispatcher on a booking's history) by e-mail, with their name and
role as text: the import links an account with that e-mail here, else keeps name, role and
e-mail on the event (by_name, by_role, by_email: exported again, so an import elsewhere can
link them), and its summary says which it did.

An import creates a new organisation (an existing name is refused, so no organisation
already here changes). It starts pending, as the model's default, whatever status the file
gives: nobody reviewed it in this database, and a file must not make an organisation
active (nor bring back one rejected there) behind the park's approval (/admin/approvals).
"""

from __future__ import annotations

import secrets
from collections import Counter
from dataclasses import dataclass, field

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

__all__ = [
    "Imported",
    "export_organisation",
    "import_organisation",
    "import_with_summary",
    "read_document",
]


@dataclass
class Imported:
    """What an import created, and how it kept who acted on the bookings' history."""

    organisation: Organisation
    linked: Counter = field(default_factory=Counter)  # e-mail -> events, an account here
    named: Counter = field(default_factory=Counter)  # name -> events kept by name only
    resend: list[str] = field(default_factory=list)  # open invitations to send again


def _event(event: BookingEvent, org_id: int) -> dict:
    """One history event; an actor outside the organisation also by name and role."""
    email = event.by_user.email if event.by_user else event.by_email
    row = {"by_user_email": email, **dump(event)}
    if event.by_user is not None and event.by_user.organisation_id != org_id:
        row["by_name"], row["by_role"] = event.by_user.name, event.by_user.role.value
    return row


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
                "events": [_event(e, org.id) for e in b.events],
            }
            for b in bookings
        ],
        "bus_packs": [{"booking_ref": p.booking_id, **dump(p)} for p in packs],
    }


def import_organisation(doc) -> Organisation:
    """The organisation import_with_summary created."""
    return import_with_summary(doc).organisation


def import_with_summary(doc) -> Imported:
    """Create the exported organisation and its data in this database, all or nothing:
    the whole document is checked first (read_document), then written in one transaction.
    The organisation waits for the park's approval, whatever its status in the file."""
    plan = read_document(doc)
    try:
        done = _write(plan)
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
    return done


def _write(plan: ImportPlan) -> Imported:
    days = {
        d: capacity.lock_day(d) for d in sorted({b["values"]["pickup_date"] for b in plan.bookings})
    }
    values = {**plan.organisation, "status": OrgStatus.PENDING, "approved_at": None}
    org = Organisation(**values)  # the file's status is not kept (see the docstring)
    db.session.add(org)
    done = Imported(org)
    users = {
        ref: User(
            organisation=org, **values, password_hash=hash_password(secrets.token_urlsafe(32))
        )
        for ref, values in plan.users.items()
    }
    db.session.add_all(users.values())
    # An open invitation's link was signed with the other installation's secret key for its
    # user id and password fingerprint (password_reset.make_reset_token), and points at its
    # address: none of that is carried (nor may be: a shared key or a password hash would let
    # one installation mint links for the other), so the link cannot work here. Keeping it
    # "invited" would say a link is out; the people page asks for it to be sent again.
    for user in users.values():
        if user.invited_at is not None:
            user.invite_link_lost = True
            done.resend.append(user.email)
    by_email = {u.email: u for u in users.values()}

    def event(email: str | None, values: dict) -> BookingEvent:
        """The event, linked to its actor's account here, else keeping them by name."""
        user = by_email.get(email) if email else None
        if user is None and email:
            user = db.session.scalar(sa.select(User).where(sa.func.lower(User.email) == email))
            done.linked[email] += user is not None
        if user is not None:
            values = {**values, "by_name": None, "by_role": None}
        elif email or values.get("by_name"):
            values = {**values, "by_name": values.get("by_name") or email}  # older files
            values["by_email"] = email  # exported again, for an import elsewhere to link
            done.named[values["by_name"]] += 1
        return BookingEvent(by_user=user, **values)

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
        booking.events = [event(email, values) for email, values in data["events"]]
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
    done.linked = +done.linked  # only e-mails an account was found for
    return done
