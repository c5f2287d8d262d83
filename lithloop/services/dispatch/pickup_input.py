"""A pickup as the driver types it on the phone: the mass (within the truck's payload) and
the pack codes loaded, each checked against GB/T 34014."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from flask_babel import lazy_gettext as _l

from lithloop import clock, labels
from lithloop.batteries import validate_code
from lithloop.batteries.codes import fold_full_width
from lithloop.services.errors import Invalid
from lithloop.services.strict_input import AMOUNT_RE, limited_text, parse_amount

MAX_CODES = 2000
TYPED_NOTE_MAX = 300  # the driver's note fields' maxlength (an event's note holds 500)


@dataclass(frozen=True)
class Pickup:
    """A pickup as the driver typed it, checked."""

    mass_kg: Decimal
    codes: tuple[str, ...]
    note: str


def parse_pickup(raw_mass: str, raw_codes: str, note: str, payload_kg: int) -> Pickup:
    """Check the typed mass and codes; Invalid names the field (and the code's position)."""
    note = limited_text(note, "note", TYPED_NOTE_MAX)
    # "２６５０" from a Chinese keyboard is read too (parse_amount)
    mass = parse_amount(
        raw_mass,
        "mass_kg",
        message=_l("Enter the picked-up mass in kg."),
        maximum=payload_kg,
        too_large=_l(
            "%(m)s kg is more than the truck can carry (at most %(p)s kg).",
            m=_as_typed(raw_mass),
            p=f"{payload_kg:,}",
        ),
    )
    if mass <= 0:
        raise Invalid(_l("The picked-up mass must be more than 0 kg."), field="mass_kg")
    return Pickup(mass.quantize(Decimal("0.01")), parse_codes(raw_codes), note)


def _as_typed(raw) -> str:
    """A typed number for a message: digits grouped (90,000.5), exponent form as typed."""
    text = fold_full_width(str(raw or "").strip())
    if AMOUNT_RE.fullmatch(text) and len(text) <= 40:
        return f"{Decimal(text.replace(',', '')):,f}"
    return text[:40]


def parse_codes(raw: str) -> tuple[str, ...]:
    """Codes typed one a line (or separated by commas); each checked against GB/T 34014."""
    texts = [t for t in re.split(r"[\s,，;；]+", raw or "") if t]
    if len(texts) > MAX_CODES:
        raise Invalid(_l("At most %(n)s codes.", n=MAX_CODES), field="codes")
    codes, today = [], clock.today()
    for number, text in enumerate(texts, start=1):
        check = validate_code(text, today=today)
        if not check.ok:
            raise Invalid(
                _l(
                    "Code %(n)s (%(code)s) is not valid. %(why)s",
                    n=number,
                    code=check.shown,
                    why=labels.problem_text(check.problem),
                ),
                field="codes",
            )
        if check.text in codes:
            raise Invalid(
                _l("Code %(n)s (%(code)s) is listed twice.", n=number, code=check.text),
                field="codes",
            )
        codes.append(check.text)
    return tuple(codes)
