"""What the driver loaded against what was booked: codes expected, missing or unexpected, and
a weighed mass outside the tolerance. Any difference needs the driver's note."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from flask import current_app
from flask_babel import lazy_gettext as _l

from lithloop.i18n import in_unit, listed, sentences
from lithloop.services.booking import event_details
from lithloop.services.errors import Invalid

DEFAULT_TOLERANCE_PCT = 10
SHOWN_CODES = 5


@dataclass(frozen=True)
class Differences:
    """How a pickup differs from its booking (empty tuples and None when it does not)."""

    missing: tuple[str, ...]
    unexpected: tuple[str, ...]
    mass_off_pct: Decimal | None  # signed, when beyond the tolerance


def expected_codes(booking) -> tuple[str, ...]:
    """The pack codes the owner listed on the booking's lots, in their order."""
    seen: list[str] = []
    for lot in booking.lots:
        seen += [c for c in (lot.codes or []) if c not in seen]
    return tuple(seen)


def tolerance_pct() -> Decimal:
    """How far (in %) the weighed mass may differ from the booked one without a note."""
    return Decimal(str(current_app.config.get("PICKUP_MASS_TOLERANCE_PCT", DEFAULT_TOLERANCE_PCT)))


def differences(
    expected: tuple[str, ...], loaded: tuple[str, ...], mass_kg: Decimal, booked_kg: Decimal
) -> Differences:
    """Codes missing and unexpected (only when the booking listed codes) and the mass drift."""
    missing = tuple(c for c in expected if c not in loaded)
    unexpected = tuple(c for c in loaded if c not in expected) if expected else ()
    off = None
    if booked_kg > 0:
        pct = (mass_kg - booked_kg) / booked_kg * 100
        if abs(pct) > tolerance_pct():
            off = pct.quantize(Decimal("0.1"))
    return Differences(missing, unexpected, off)


def _listed(codes: tuple[str, ...]) -> str:
    shown = str(listed(list(codes[:SHOWN_CODES])))
    more = len(codes) - SHOWN_CODES
    return shown + (f" …{in_unit(f'+{more}')}" if more > 0 else "")


def require_note(found: Differences, booked_kg: Decimal, mass_kg: Decimal, note: str) -> None:
    """Invalid (on the note field) naming each difference when there is one and no note."""
    if note or not (found.missing or found.unexpected or found.mass_off_pct is not None):
        return
    parts = []
    if found.mass_off_pct is not None:
        parts.append(
            str(
                _l(
                    "%(m)s kg differs from the booked %(b)s kg by %(p)s %% (more than %(t)s %%).",
                    m=f"{mass_kg:,.0f}",
                    b=f"{booked_kg:,.0f}",
                    p=f"{found.mass_off_pct:+}",
                    t=f"{tolerance_pct():g}",
                )
            )
        )
    if found.missing:
        parts.append(
            str(
                _l("1 expected code not loaded: %(c)s.", c=_listed(found.missing))
                if len(found.missing) == 1
                else _l(
                    "%(n)s expected codes not loaded: %(c)s.",
                    n=len(found.missing),
                    c=_listed(found.missing),
                )
            )
        )
    if found.unexpected:
        parts.append(
            str(
                _l("1 code not on the booking: %(c)s.", c=_listed(found.unexpected))
                if len(found.unexpected) == 1
                else _l(
                    "%(n)s codes not on the booking: %(c)s.",
                    n=len(found.unexpected),
                    c=_listed(found.unexpected),
                )
            )
        )
    raise Invalid(
        _l("%(what)s Add a note for the plant and the owner.", what=sentences(parts)),
        field="note",
    )


def history_detail(mass_kg: Decimal, codes: int, found: Differences) -> dict:
    """The pickup as the booking's history records it (event_details.picked_up)."""
    return event_details.picked_up(
        mass_kg,
        codes,
        mass_off_pct=found.mass_off_pct,
        missing=len(found.missing),
        unexpected=len(found.unexpected),
    )
