"""Reading what the plant operator typed at intake: per-lot mass, pack count and codes.

A lot's codes are typed one a line; a pack weighed on its own has its mass after a comma,
a tab, a semicolon or "=" (``LLPPB0000000000I510000001, 212.5``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext as _nl

from lithloop import clock, labels
from lithloop.batteries import validate_code
from lithloop.batteries.codes import fold_full_width, normalise
from lithloop.batteries.item_masses import MASS_PER_ITEM
from lithloop.models import Booking, BookingLot
from lithloop.services.booking import lot_checks
from lithloop.services.errors import FieldChecks, FieldsRefused, Invalid
from lithloop.services.strict_input import grouped, int_or_default, limited_text, parse_kilograms

CENT = Decimal("0.01")
MAX_PACKS_PER_LOT = 2000
MAX_NOTE = 500
MAX_MASS_KG = Decimal("1e9")
_MASS_SEPARATOR = re.compile(r"[=,;\t，；＝]")


@dataclass(frozen=True)
class LotReceipt:
    """One lot as received: measured mass, how many packs, codes with optional own mass."""

    lot: BookingLot
    mass_kg: Decimal
    count: int
    codes: tuple[tuple[str, Decimal | None], ...]
    note: str = ""

    @property
    def count_differs(self) -> bool:
        """Whether a different number of packs arrived than the booking said."""
        return self.count != self.lot.pack_count

    @property
    def uncoded(self) -> int:
        """Packs of the lot that arrived without a code."""
        return self.count - len(self.codes)

    def pack_masses(self) -> list[Decimal]:
        """Mass of each pack: its own, or an equal share of what is left (remainder last)."""
        weighed = [m for _, m in self.codes if m is not None]
        shared = self.count - len(weighed)
        left = self.mass_kg - sum(weighed, Decimal(0))
        share = (left / shared).quantize(CENT) if shared else Decimal(0)
        masses, given = [], Decimal(0)
        for index in range(self.count):
            own = self.codes[index][1] if index < len(self.codes) else None
            masses.append(own if own is not None else share)
            given += masses[-1]
        if shared and given != self.mass_kg:
            last = max(
                i for i in range(self.count) if i >= len(self.codes) or self.codes[i][1] is None
            )
            masses[last] += self.mass_kg - given
        return masses


def typed_number(text) -> str:
    """Typed digits with full-width forms folded to ASCII and whitespace removed (other
    scripts' digits and superscripts are left for the parser to refuse: not a weighing)."""
    return "".join(fold_full_width(str(text or "")).split())


def parse_mass(text: str, field: str, message, out_of_range=None) -> Decimal:
    """A positive mass in kg from typed text (thousands commas allowed, "kg" or 千克 after
    it; another unit refused); `out_of_range` (else `message`) for a number at or below 0
    or from 1,000,000,000 kg."""
    too_large = out_of_range or message
    value = parse_kilograms(
        typed_number(text), field, message=message, maximum=MAX_MASS_KG, too_large=too_large
    )
    if value <= 0 or value >= MAX_MASS_KG:
        raise Invalid(out_of_range or message, field=field)
    return value.quantize(CENT)


def _count(text: str, default: int, field: str) -> int:
    text = typed_number(text)
    if not text:
        return default
    if int_or_default(text, 0, minimum=1, maximum=MAX_PACKS_PER_LOT) == 0:
        raise Invalid(
            _l("Enter how many packs arrived (1-%(n)s).", n=MAX_PACKS_PER_LOT), field=field
        )
    return int(text)


def _code(text: str, line: int, field: str) -> str:
    check = validate_code(text, today=clock.today())
    if check.ok:
        return check.text
    why = labels.problem_text(check.problem)
    raise Invalid(
        _l("Line %(n)s: code %(code)s is not valid. %(why)s", n=line, code=check.shown, why=why),
        field=field,
    )


def parse_codes(text: str, field: str) -> tuple[tuple[str, Decimal | None], ...]:
    """Codes one a line, each optionally followed by the pack's own mass."""
    codes = []
    for line, raw in enumerate((text or "").splitlines(), start=1):
        if not raw.strip():
            continue
        parts = _MASS_SEPARATOR.split(raw, maxsplit=1)
        code_text = parts[0]
        mass_text = parts[1] if len(parts) > 1 and parts[1].strip() else None
        if len(parts) > 1 and not normalise(code_text):  # ", 212.5": a mass, no code
            raise Invalid(
                _l(
                    "Line %(n)s: there is no code before the mass. Type the pack's code, "
                    "then its mass, e.g. “code, 212.5”.",
                    n=line,
                ),
                field=field,
            )
        code = _code(code_text, line, field)
        mass = None if mass_text is None else _pack_mass(mass_text, line, code, field)
        codes.append((code, mass))
    return tuple(codes)


def _pack_mass(text: str, line: int, code: str, field: str) -> Decimal:
    not_a_mass = _l("Line %(n)s: the mass after the code must be kg, e.g. 212.5.", n=line)
    out_of_range = _l(
        "Line %(n)s: the mass after the code must be more than 0 kg and less than "
        "1,000,000,000 kg.",
        n=line,
    )
    try:
        return parse_mass(text, field, not_a_mass, out_of_range)
    except Invalid as error:
        if error.message is not_a_mass or error.message is out_of_range:
            raise
        # the number parser's own words (1e3, 0,5) name no line: say which one
        raise Invalid(
            _l(
                "Line %(n)s: the mass after code %(code)s is not valid. %(why)s",
                n=line,
                code=code,
                why=error.message,
            ),
            field=field,
        ) from error


def _lot(lot: BookingLot, i: int, raw: dict, generate: bool) -> LotReceipt:
    """One lot as received; its mass, codes, count and note each checked, and every one
    refused named at once (FieldsRefused), before the checks between them."""
    prefix = f"lots[{i}]"
    checked = FieldChecks()
    typed = str(raw.get("mass_kg") or "").strip()
    mass = checked(
        parse_mass,
        raw.get("mass_kg"),
        f"{prefix}.mass_kg",
        # letters read as an empty box ("enter the mass") with "abc" still in it
        _l("'%(v)s' is not a mass in kg: type it in digits, such as 2480.5.", v=typed[:40])
        if typed
        else _l("Enter the weighed mass of the lot in kg."),
        # a number was typed: "enter the mass" read as if the box were empty
        _l("The weighed mass must be more than 0 kg and less than 1,000,000,000 kg."),
    )
    codes = checked(parse_codes, raw.get("codes", ""), f"{prefix}.codes")
    default = max(lot.pack_count, len(codes or ()))
    count = checked(_count, raw.get("count", ""), default, f"{prefix}.count")
    note = checked(lot_note, raw.get("note"), f"{prefix}.note")
    checked.done()
    # what the count of items of the lot's form can weigh (one pack of 90,000 kg was taken:
    # the bound was the parser's 1,000,000,000 kg); the booking's lots are checked the same
    lot_checks.mass_per_item(mass, count, lot.form, f"{prefix}.mass_kg")
    _own_masses(codes, lot.form, f"{prefix}.codes")
    if len(codes) > count:
        raise Invalid(
            _nl(
                "%(c)s codes for %(n)s pack: correct the count or the codes.",
                "%(c)s codes for %(n)s packs: correct the count or the codes.",
                count,
                c=grouped(len(codes)),
                n=grouped(count),
            ),
            field=f"{prefix}.codes",
        )
    if len(codes) < count and not generate:
        raise Invalid(
            _nl(
                "%(n)s pack has no code: type its code or tick “generate codes for uncoded packs”.",
                "%(n)s packs have no code: type their codes or tick “generate codes "
                "for uncoded packs”.",
                count - len(codes),
                n=grouped(count - len(codes)),
            ),
            field=f"{prefix}.codes",
        )
    weighed = [m for _, m in codes if m is not None]
    total = sum(weighed, Decimal(0))
    if total > mass or (len(weighed) == count and total != mass):
        raise Invalid(
            _l(
                "The packs weighed on their own add up to %(w)s kg, the lot to %(m)s kg.",
                w=f"{total:,.2f}",  # grouped, as the lot's mass is everywhere else
                m=f"{mass:,.2f}",
            ),
            field=f"{prefix}.codes",
        )
    if count != lot.pack_count and not note:
        raise Invalid(
            _l(
                "%(c)s arrived, %(b)s booked: add a note saying why the count differs.",
                c=count,
                b=lot.pack_count,
            ),
            field=f"{prefix}.note",
        )
    return LotReceipt(lot, mass, count, codes, note)


def _own_mass_refused(form: str, **shown):
    """The refusal of a mass typed after a code that one item of the form cannot weigh."""
    if form == "module":
        return _l(
            "Code %(code)s: %(kg)s kg is not what one module weighs (%(lo)s to %(hi)s kg).", **shown
        )
    if form == "cell":
        return _l(
            "Code %(code)s: %(kg)s kg is not what one cell weighs (%(lo)s to %(hi)s kg).", **shown
        )
    return _l(
        "Code %(code)s: %(kg)s kg is not what one pack weighs (%(lo)s to %(hi)s kg).", **shown
    )


def _own_masses(codes, form: str, field: str) -> None:
    """Invalid beside the codes when a mass typed after a code is beyond what one item of the
    lot's form weighs (a 9,000 kg pack and a 0.1 kg one were received)."""
    if form not in MASS_PER_ITEM:
        return
    lo, hi = MASS_PER_ITEM[form]
    for code, own in codes:
        if own is not None and not lo <= own <= hi:
            shown = {"code": code, "kg": f"{own:,.2f}", "lo": grouped(lo), "hi": grouped(hi)}
            raise Invalid(_own_mass_refused(form, **shown), field=field)


def lot_note(text, field: str) -> str:
    """A lot's note as stored: whitespace runs folded to one space; Invalid naming `field`
    beyond MAX_NOTE characters (never cut)."""
    return limited_text(" ".join(str(text or "").split()), field, MAX_NOTE)


def parse_receipt(booking: Booking, raw: dict) -> list[LotReceipt]:
    """Every lot of the booking as received; duplicate codes across lots are refused."""
    lots_raw = raw.get("lots") or []
    generate = bool(raw.get("generate"))
    receipts, refused = [], {}
    for i, lot in enumerate(booking.lots):  # every lot's problems at once, not the first's
        try:
            receipts.append(_lot(lot, i, lots_raw[i] if i < len(lots_raw) else {}, generate))
        except Invalid as exc:
            refused.update(getattr(exc, "fields", None) or {exc.field or "_form": exc.message})
    if refused:
        raise FieldsRefused(refused)
    seen: dict[str, int] = {}
    for i, receipt in enumerate(receipts):
        for code, _ in receipt.codes:
            if code in seen:
                raise Invalid(
                    _l("Code %(code)s is scanned twice in this intake.", code=code),
                    field=f"lots[{i}].codes",
                )
            seen[code] = i
    return receipts
