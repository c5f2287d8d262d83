"""Bookings held from planning: their organisation awaits the park's approval, is suspended
or was rejected (day_work.held_bookings). What a run records of them (PlanRun.held), and
what a dispatcher reads of them: why, which ones, and where an admin lets them be planned."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext as _nl

from lithloop.i18n import listed, sentences
from lithloop.models import Booking, OrgStatus
from lithloop.services.strict_input import grouped

#: The organisation statuses a held booking can have, in the order they are told.
HELD_STATUSES = (OrgStatus.PENDING, OrgStatus.SUSPENDED, OrgStatus.REJECTED)


def held_by_status(bookings: Iterable[Booking]) -> dict[OrgStatus, list[int]]:
    """The held bookings' ids by their organisation's status (every held status a key)."""
    by_status: dict[OrgStatus, list[int]] = {status: [] for status in HELD_STATUSES}
    for booking in bookings:
        status = booking.organisation.status
        by_status[status if status in by_status else OrgStatus.PENDING].append(booking.id)
    return by_status


def held_entry(day: date, bookings: list[Booking]) -> dict | None:
    """A run's record (PlanRun.held) of the day's held bookings, None when none is held:
    {"date": "YYYY-MM-DD", "pending": [ids], "suspended": [ids], "rejected": [ids]}."""
    if not bookings:
        return None
    by_status = held_by_status(bookings)
    return {"date": day.isoformat(), **{s.value: ids for s, ids in by_status.items()}}


def entry_by_status(entry: dict) -> dict[OrgStatus, list[int]]:
    """A PlanRun.held entry's booking ids by their organisation's status."""
    return {s: [int(i) for i in entry.get(s.value) or []] for s in HELD_STATUSES}


_WHY = {
    OrgStatus.PENDING: lambda ids: _l(
        "Their organisation awaits the park's approval: %(ids)s.", ids=ids
    ),
    OrgStatus.SUSPENDED: lambda ids: _l("Their organisation is suspended: %(ids)s.", ids=ids),
    OrgStatus.REJECTED: lambda ids: _l("Their organisation was rejected: %(ids)s.", ids=ids),
}
_WHERE = {
    OrgStatus.PENDING: _l("An admin approves a pending organisation under Admin → Approvals."),
    OrgStatus.SUSPENDED: _l(
        "An admin reactivates a suspended organisation under Admin → Organisations."
    ),
    OrgStatus.REJECTED: _l("A rejected organisation's bookings are never planned."),
}


def _shown(by_status: dict[OrgStatus, list[int]]) -> list[OrgStatus]:
    return [status for status in HELD_STATUSES if by_status.get(status)]


def where_to_release(by_status: dict[OrgStatus, list[int]]) -> LazyString:
    """Where an admin lets held bookings be planned (approve, reactivate), one sentence each."""
    return LazyString(lambda: sentences(_WHERE[s] for s in _shown(by_status)))


def held_words(by_status: dict[OrgStatus, list[int]]) -> LazyString:
    """Why bookings are held, naming them (#3、#5), and where an admin lets them be planned."""
    why = [_WHY[s](listed(f"#{i}" for i in by_status[s])) for s in _shown(by_status)]
    return LazyString(lambda: sentences([*why, where_to_release(by_status)]))


def day_held_words(day: str, by_status: dict[OrgStatus, list[int]]) -> LazyString:
    """A day's held bookings (PlanRun.held) in words: how many were held, and why."""
    count = sum(len(ids) for ids in by_status.values())
    return _nl(
        "%(day)s: %(n)s booking was held from planning. %(why)s",
        "%(day)s: %(n)s bookings were held from planning. %(why)s",
        count,
        n=grouped(count),
        day=day,
        why=held_words(by_status),
    )


def nothing_but_held(days: list[date], held: list[Booking]) -> LazyString:
    """Why a run of these days has nothing to plan when their only bookings are held."""
    why = held_words(held_by_status(held))
    if len(days) == 1:
        return _nl(
            "Nothing to plan on %(d)s: %(n)s booking is due, and it is held from planning. %(why)s",
            "Nothing to plan on %(d)s: %(n)s bookings are due, and all are held from "
            "planning. %(why)s",
            len(held),
            n=grouped(len(held)),
            d=days[0].isoformat(),
            why=why,
        )
    return _nl(
        "Nothing to plan on the %(days)s open days from %(first)s to %(last)s: %(n)s booking "
        "is due, and it is held from planning. %(why)s",
        "Nothing to plan on the %(days)s open days from %(first)s to %(last)s: %(n)s bookings "
        "are due, and all are held from planning. %(why)s",
        len(held),
        n=grouped(len(held)),
        days=len(days),
        first=days[0].isoformat(),
        last=days[-1].isoformat(),
        why=why,
    )
