"""Which bookings a user sees: a page of the list (plain rows) and one booking."""

from __future__ import annotations

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from lithloop.extensions import db
from lithloop.models import Booking, User
from lithloop.services.accounts import policies
from lithloop.services.errors import NotFound
from lithloop.services.reporting import rollups


def visible_bookings(user: User, *, with_site: bool = True) -> sa.Select:
    """Bookings the user may see: region staff all, owners their organisation's, drivers
    none (policies.py)."""
    query = sa.select(Booking).order_by(Booking.pickup_date.desc(), Booking.id.desc())
    if with_site:
        query = query.options(selectinload(Booking.site))
    return policies.scoped(query, user, Booking.organisation_id)


# What a list of bookings shows (the web list's columns): no frozen quote, lots or history.
LIST_COLUMNS = (
    Booking.id,
    Booking.organisation_id,
    Booking.site_id,
    Booking.status,
    Booking.pickup_date,
    Booking.window_start,
    Booking.window_end,
    Booking.total_mass_kg,
    Booking.hazardous,
    Booking.quote_total_fen,
    Booking.quote_index_version,
)


def booking_page(user: User, page: int, per_page: int) -> tuple[list[sa.Row], int]:
    """One page of the user's visible bookings as rows of LIST_COLUMNS, and how many there are.

    One query (plain rows, no ORM objects), plus a count only when the page is full (a
    short page tells the total): the park's total from the bookings rollup (a row a month),
    an organisation's by counting its bookings, and the park's too when the rollup holds
    fewer than this page shows (not rebuilt since an import or an upgrade).
    """
    offset = (page - 1) * per_page
    visible = visible_bookings(user, with_site=False)
    query = visible.with_only_columns(*LIST_COLUMNS, maintain_column_froms=True)
    items = list(db.session.execute(query.offset(offset).limit(per_page)))
    if len(items) < per_page and (items or page == 1):
        return items, offset + len(items)
    rolled = rollups.booking_total() if policies.sees_whole_region(user) else None
    if rolled is not None and rolled >= offset + len(items):
        return items, rolled
    counted = visible.order_by(None)
    total = db.session.scalar(sa.select(sa.func.count()).select_from(counted.subquery()))
    if rolled is not None and rolled != total:  # fewer than this page shows: not rebuilt
        current_app.logger.warning(
            "bookings rollup says %s, there are %s: run `flask rebuild-rollups`", rolled, total
        )
    return items, total


def get_booking(user: User, booking_id: int) -> Booking:
    """A booking the user may see (a driver: a stop of their route); NotFound otherwise."""
    booking = db.session.get(Booking, booking_id)
    if booking is None or not (
        policies.sees_organisation(user, booking.organisation_id)
        or policies.drives_booking(user, booking.id)
    ):
        raise NotFound(_l("No such booking."))
    return booking
