"""The lots of a booking as typed: each field checked, the first refusal raised (the API)
or every field's refusal kept (the form, through Problems)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from lithloop import labels, pricing, vocab
from lithloop.batteries import validate_code
from lithloop.batteries.codes import normalise
from lithloop.i18n import listed
from lithloop.services.booking import lot_checks
from lithloop.services.errors import Invalid
from lithloop.services.strict_input import (
    INT_RE,
    LONG_INT_RE,
    grouped,
    parse_amount,
    typed_number,
)

MAX_LOT_KG = Decimal(40000)
KG_STEP = Decimal("0.01")  # booking_lot.mass_kg is NUMERIC(12, 2)
SP376_ITEMS = tuple(vocab.values(vocab.Sp376Item))


@dataclass(frozen=True)
class LotDraft:
    """One lot as typed."""

    chemistry: str
    form: str
    count: int
    mass_kg: Decimal
    condition: str
    damage: tuple[str, ...] = ()
    codes: tuple[str, ...] = ()


def _decimal(value, name: str) -> Decimal:
    if isinstance(value, bool | list | dict) or value is None:
        raise Invalid(_l("Enter a number."), field=name)
    return parse_amount(
        value,
        name,
        message=_l("Enter a number."),
        maximum=MAX_LOT_KG,
        too_large=_l("The mass is too large: at most 40,000 kg per lot."),
    )


def whole(value, name: str, too_large=None) -> int:
    """A whole number typed (ASCII digits, or a Chinese keyboard's full-width ones), else
    Invalid naming `name`."""
    if isinstance(value, bool | float):
        raise Invalid(_l("Enter a whole number."), field=name)
    text = typed_number(value)
    if too_large is not None and LONG_INT_RE.fullmatch(text):  # a number, only too long
        raise Invalid(too_large, field=name)
    if not INT_RE.fullmatch(text):
        raise Invalid(_l("Enter a whole number."), field=name)
    return int(text)


class Problems:
    """Checks run one after another, each refusal kept by its field (the first for a field):
    a form shows every field's problem at once, not the first of the whole form."""

    def __init__(self) -> None:
        self.found: dict[str, str] = {}

    def run(self, check, *args):
        """check(*args), or None with its refusal kept."""
        try:
            return check(*args)
        except Invalid as exc:
            self.found.setdefault(exc.field or "_form", str(exc.message))
            return None


def _first(check, *args):
    return check(*args)  # the API's way: the first refusal raises


def _chemistry(raw: dict, prefix: str) -> str:
    try:
        return pricing.Chemistry(str(raw.get("chemistry", "")).upper()).value
    except ValueError as exc:
        raise Invalid(_l("Choose a chemistry."), field=f"{prefix}.chemistry") from exc


def _choice(raw: dict, prefix: str, key: str, default: str, allowed, message) -> str:
    value = str(raw.get(key, default))
    if value not in {c.value for c in allowed}:
        raise Invalid(message, field=f"{prefix}.{key}")
    return value


def _count(raw: dict, prefix: str) -> int:
    count_range = _l("The number of packs must be between 1 and 10,000.")
    count = whole(raw.get("count", ""), f"{prefix}.count", too_large=count_range)
    if not 0 < count <= 10000:
        raise Invalid(count_range, field=f"{prefix}.count")
    return count


def _mass(raw: dict, prefix: str) -> Decimal:
    mass = _decimal(raw.get("mass_kg", ""), f"{prefix}.mass_kg")
    if 0 < mass <= MAX_LOT_KG:  # kept to 0.01 kg, as stored: 0.004 kg is no mass at all
        mass = mass.quantize(KG_STEP, rounding=ROUND_HALF_UP)
        if not mass:  # "must be more than 0" read wrong beside a typed 0.004, more than 0
            raise Invalid(
                _l("Masses are kept to 0.01 kg: enter at least 0.01 kg."),
                field=f"{prefix}.mass_kg",
            )
    if not 0 < mass <= MAX_LOT_KG:
        raise Invalid(
            _l("The mass must be more than 0 and at most 40,000 kg per lot."),
            field=f"{prefix}.mass_kg",
        )
    return mass


def _damage(raw: dict, prefix: str, condition: str | None) -> tuple[str, ...]:
    damage = tuple(str(d) for d in raw.get("damage") or ())
    if any(d not in SP376_ITEMS for d in damage):
        raise Invalid(_l("Unknown damage item."), field=f"{prefix}.damage")
    if condition == "damaged" and not damage:
        raise Invalid(
            _l("Tick what is wrong with the damaged packs (SP376 checklist)."),
            field=f"{prefix}.damage",
        )
    return damage


def parse_lot(raw: dict, index: int, today: date, found: Problems | None = None):
    """Check one lot; returns it with its warnings, or raises Invalid naming lots[i].field.
    With `found`, every field's refusal is kept there instead (None returned if any)."""
    prefix, run = f"lots[{index}]", found.run if found is not None else _first
    before = len(found.found) if found is not None else 0
    chemistry = run(_chemistry, raw, prefix)
    form = run(
        _choice,
        raw,
        prefix,
        "form",
        "pack",
        pricing.Form,
        _l("Choose pack, module, cell or black mass."),
    )
    condition = run(
        _choice, raw, prefix, "condition", "intact", pricing.Condition, _l("Choose the condition.")
    )
    count = run(_count, raw, prefix)
    mass = run(_mass, raw, prefix)
    if None not in (count, mass, form):  # the lot's mass for its count: one a form can weigh
        run(lot_checks.mass_per_item, mass, count, form, f"{prefix}.mass_kg")
    damage = run(_damage, raw, prefix, condition)
    if form == "black_mass":  # a powder: no pack, module or cell to code or to count uncoded
        codes, warnings = run(_no_codes, raw.get("codes") or (), prefix) or (), []
    else:
        codes, warnings = _codes(raw.get("codes") or (), count, index, today, run, form)
    if found is not None and len(found.found) > before:
        return None
    return LotDraft(chemistry, form, count, mass, condition, damage, codes), warnings


def _no_codes(raw_codes, prefix: str) -> tuple[str, ...]:
    """A black-mass lot's codes: none (walk: a pack's code was taken for a lot of black
    mass, and the quote said "1 pack without a code" of a powder)."""
    typed = raw_codes.split() if isinstance(raw_codes, str) else [str(c) for c in raw_codes]
    if any(normalise(text) for text in typed):
        raise Invalid(
            _l("Black mass carries no battery codes: leave the codes empty for this lot."),
            field=f"{prefix}.codes",
        )
    return ()


def _code(text: str, field: str, today: date) -> str:
    check = validate_code(text, today=today)
    if not check.ok:
        raise Invalid(
            _l(
                "Code %(code)s is not valid. %(why)s",
                code=check.shown,
                why=labels.problem_text(check.problem),
            ),
            field=field,
        )
    return check.text


def _codes(raw_codes, count: int | None, index: int, today: date, run=_first, form=None):
    prefix = f"lots[{index}]"
    if isinstance(raw_codes, str):
        raw_codes = raw_codes.replace(",", "\n").split()
    codes = [
        run(_code, str(text), f"{prefix}.codes[{position}]", today)
        for position, text in enumerate(raw_codes)
    ]
    if None in codes or count is None:  # a code or the count refused: said already
        return (), []
    kinds = [
        run(lot_checks.code_matches_form, code, form, f"{prefix}.codes[{position}]")
        for position, code in enumerate(codes)
    ]
    if False in kinds:  # a pack's code in a lot of cells: said beside the codes
        return (), []
    run(_code_list, codes, count, prefix)
    warnings = []
    if len(codes) < count:  # which lot: a booking's lots each have their own line
        warnings.append(_uncoded(form, count - len(codes), index + 1))
    return tuple(codes), warnings


def _uncoded(form: str | None, n: int, lot: int) -> str:
    """The warning for `n` items of a lot without a code, naming them as the lot's form
    (walk: a lot of 200 cells read "200 packs without a code")."""
    shown = grouped(n)  # 10,000 as counts read elsewhere
    if form == "module":
        return ngettext(
            "Lot %(lot)s: %(n)s module without a code: the park will code it on arrival.",
            "Lot %(lot)s: %(n)s modules without a code: the park will code them on arrival.",
            n,
            n=shown,
            lot=lot,
        )
    if form == "cell":
        return ngettext(
            "Lot %(lot)s: %(n)s cell without a code: the park will code it on arrival.",
            "Lot %(lot)s: %(n)s cells without a code: the park will code them on arrival.",
            n,
            n=shown,
            lot=lot,
        )
    return ngettext(
        "Lot %(lot)s: %(n)s pack without a code: the park will code it on arrival.",
        "Lot %(lot)s: %(n)s packs without a code: the park will code them on arrival.",
        n,
        n=shown,
        lot=lot,
    )


def _code_list(codes: list[str], count: int, prefix: str) -> None:
    if twice := repeated(codes):
        raise Invalid(
            _l("Listed more than once: %(codes)s.", codes=listed(twice)), field=f"{prefix}.codes"
        )
    if len(codes) > count:
        raise Invalid(_l("More codes than packs."), field=f"{prefix}.codes")


SHOWN_REPEATS = 5  # a message names at most this many repeated codes, then "…"


def repeated(codes: list[str]) -> list[str]:
    """The codes listed more than once, each once, in the order first repeated (at most
    SHOWN_REPEATS, then "…")."""
    seen, twice = set(), []
    for code in codes:
        if code in seen and code not in twice:
            twice.append(code)
        seen.add(code)
    return twice[:SHOWN_REPEATS] + ["…"] * (len(twice) > SHOWN_REPEATS)
