"""The value checks of an organisation export, and the plan it becomes: references, e-mails,
text that must be given, numbers within bounds; each refusal names its place in the file."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l

from lithloop.services.accounts.registration import normalise_email
from lithloop.services.booking.org_values import refuse
from lithloop.services.errors import Invalid


@dataclass
class ImportPlan:
    """A document checked in full, as values ready to write; nothing in it is written yet."""

    organisation: dict
    users: dict = field(default_factory=dict)  # ref -> values
    sites: dict = field(default_factory=dict)  # ref -> values
    bookings: list = field(default_factory=list)  # dicts: ref, site_ref, creator, values, ...
    bus_packs: list = field(default_factory=list)  # (booking_ref, values)


def read_ref(data: dict, key: str, where: str, seen) -> int:
    """A row's reference: a whole number not seen before in its list."""
    ref = data.get(key)
    if type(ref) is not int:
        raise refuse(_l("Enter a whole number (digits 0-9)."), f"{where}.{key}")
    if ref in seen:
        raise refuse(_l("%(value)s appears twice in the file.", value=ref), f"{where}.{key}")
    return ref


def read_email(value, where: str) -> str:
    """An e-mail address as registration normalises it; refused with its place."""
    if not isinstance(value, str):
        raise refuse(_l("Expected text here."), where)
    try:
        return normalise_email(value)
    except Invalid as exc:
        raise refuse(exc.message, where) from None


def read_optional_email(value, where: str) -> str | None:
    """An e-mail address, or None when missing or empty."""
    return None if value is None or value == "" else read_email(value, where)


def require_text(values: dict, key: str, where: str) -> None:
    """Refuse a value that is missing or blank."""
    if not values.get(key, "").strip():
        raise refuse(_l("This is missing."), f"{where}.{key}")


def require_between(value, lo, hi, where: str, message=None) -> None:
    """Refuse a number outside lo..hi (None passes)."""
    if value is not None and not lo <= value <= hi:
        raise refuse(
            message or _l("Enter a number between %(lo)s and %(hi)s.", lo=lo, hi=hi), where
        )
