"""The checks of a build order (assembly), each field apart.

`check_order` raises the first refusal, in the form's order (the build's way); `problems`
keeps every field's refusal, so that the form shows each beside its field at once. A field
the form could not read is None there: the rules that need it are skipped (its own refusal
is already said)."""

from __future__ import annotations

from decimal import Decimal

from flask_babel import lazy_gettext as _l

from lithloop import vocab
from lithloop.models import Grade
from lithloop.services.errors import Invalid
from lithloop.services.plant.grading import grade_for
from lithloop.services.plant.measurements import (
    check_capacity_ceiling,
    check_energy,
    check_resistance,
    check_voltage,
)

USE_CASES = tuple(vocab.values(vocab.UseCase))
MAX_WARRANTY_MONTHS = 120


def _rated(order) -> None:
    # numbers typed at or below 0 (a box left empty is refused before): say the range
    if order.rated_wh <= 0:
        raise Invalid(_l("The rated energy must be more than 0 Wh."), field="rated_wh")


def _mass(order) -> None:
    if order.mass_kg <= 0:
        raise Invalid(_l("The mass must be more than 0 kg."), field="mass_kg")


def _soh(order) -> None:
    if not 0 <= order.test.soh_pct <= 100:
        raise Invalid(_l("SoH must be between 0 and 100."), field="soh_pct")


def _capacity(order) -> None:
    if order.test.capacity_ah <= 0:
        raise Invalid(
            _l("A measured capacity must be more than 0 Ah (0 Ah holds no charge)."),
            field="capacity_ah",
        )
    check_capacity_ceiling(order.test.capacity_ah)


def _resistance(order) -> None:
    check_resistance(order.test.resistance_mohm)


def _voltage(order) -> None:
    check_voltage(order.test.ocv_v)


def _energy(order) -> None:
    test = order.test
    check_energy(test.capacity_ah, test.ocv_v, order.rated_wh, test.soh_pct)


def _use_case(order) -> None:
    if order.use_case not in USE_CASES:
        raise Invalid(_l("Choose a use case."), field="use_case")


def _warranty(order) -> None:
    if not 0 <= order.warranty_months <= MAX_WARRANTY_MONTHS:
        raise Invalid(_l("Warranty: 0 to 120 months."), field="warranty_months")


def _grade(order) -> Grade:
    grade = grade_for(Decimal(order.test.soh_pct), insulation_ok=order.test.insulation_ok)
    if grade is Grade.S:
        raise Invalid(
            _l("The final test does not reach grade C: this pack cannot be sold for second life."),
            field="soh_pct",
        )
    return grade


#: Each rule and the fields it reads, in the form's order; the grade last (it is returned).
RULES = (
    (_rated, ("rated_wh",)),
    (_mass, ("mass_kg",)),
    (_soh, ("soh_pct",)),
    (_capacity, ("capacity_ah",)),
    (_resistance, ("resistance_mohm",)),
    (_voltage, ("ocv_v",)),
    (_energy, ("capacity_ah", "ocv_v", "rated_wh", "soh_pct")),
    (_use_case, ("use_case",)),
    (_warranty, ("warranty_months",)),
    (_grade, ("soh_pct", "insulation_ok")),
)
OPTIONAL = ("resistance_mohm", "ocv_v")  # None there is "not measured", not "not read"


def check_order(order) -> Grade:
    """The grade the final test earns, or the first refusal raised."""
    for rule, _fields in RULES[:-1]:
        rule(order)
    return _grade(order)


def _value(order, name: str):
    return getattr(order.test, name) if hasattr(order.test, name) else getattr(order, name)


def problems(order, found: dict[str, str]) -> dict[str, str]:
    """`found` (what the form could not read) with every rule's refusal added by field."""
    unread = {n for _r, names in RULES for n in names if n not in OPTIONAL}
    unread = {n for n in unread if _value(order, n) is None}
    for rule, names in RULES:
        if unread.intersection(names) or any(n in found for n in names):
            continue  # not read, or refused already: said once
        try:
            rule(order)
        except Invalid as exc:
            found.setdefault(exc.field or "_form", str(exc.message))
    return found
