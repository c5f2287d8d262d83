"""Page text for the pricing engine's line, explanation and formula keys.

The pure engine speaks English and names every line by a stable key; a Chinese page shows
the key's message from the Babel catalogue, an English page the engine's own English.
"""

from __future__ import annotations

import re

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from lithloop import labels
from lithloop.i18n import current_language

#: The engine's line, explanation and formula texts as catalogue messages (the English of
#: pricing/labels.py and pricing/public.py, kept in step by tests/web/test_pricing_text.py).
TEXT = {
    "metal.li": _l("Lithium, recovered as lithium carbonate equivalent"),
    "metal.ni": _l("Nickel, recovered"),
    "metal.co": _l("Cobalt, recovered"),
    "metal.mn": _l("Manganese, recovered"),
    "metal.cu": _l("Copper, recovered"),
    "metal.al": _l("Aluminium, recovered"),
    "adj.payable": _l("Payable coefficient of the chemistry (share of recovered value paid)"),
    "cost.processing": _l("Processing (discharge, dismantling, shredding, separation)"),
    "cost.hazard.intact": _l("Handling of intact batteries (testing, P909 packaging)"),
    "cost.hazard.damaged": _l("Hazard handling, damaged or defective (ADR SP376, P908/LP904)"),
    "cost.hazard.swollen_leaking": _l(
        "Hazard handling, swollen, leaking or after a thermal event (P911/LP906)"
    ),
    "cost.logistics.distance": _l("Transport to the park, by distance and weight"),
    "cost.logistics.plan": _l("Transport to the park, marginal cost from the route plan"),
    "cost.minimum_charge": _l("Top-up to the minimum charge per lot"),
    "metal.li_point": _l(
        "Lithium by the lithium-point convention (CNY per percent of Li per tonne)"
    ),
    "sl.energy": _l("Remaining energy (rated kWh x SoH) at the new-pack price"),
    "sl.grade.a": _l("Capacity grade A adjustment"),
    "sl.grade.b": _l("Capacity grade B adjustment"),
    "sl.grade.c": _l("Capacity grade C adjustment"),
    "sl.cycles": _l("Cycle count adjustment"),
    "sl.cycles.unknown": _l(
        "Cycle count unknown: priced conservatively, at the largest cycle discount"
    ),
    "sl.warranty": _l("Warranty adjustment"),
    "sl.volume": _l("Volume discount for a large order"),
    "sl.scrap_floor": _l("Raised to the pack's scrap value (we would rather recycle it)"),
    "sl.new_cap": _l("Lowered below the price of a new pack"),
    "decision.second_life_price": _l("Second-life selling price"),
    "cost.refurbish": _l("Refurbishing (repair, rebalancing, new BMS/enclosure parts)"),
    "cost.aging_test": _l("Aging and test in the aging warehouse"),
    "decision.scrap_value": _l("Scrap value given up (what recycling would yield)"),
    "quote.owner_paid": _l("The park pays the owner {total} for this lot."),
    "quote.zero": _l("The lot's value exactly covers the park's costs; nothing is paid."),
    "quote.owner_pays_fee": _l(
        "The owner pays a fee of {fee}: the recovered materials are worth {materials} after the payable coefficient, less than the park's costs of {costs} (largest: {main_cost})."
    ),
    "decision.refurbish": _l("Refurbish: the second-life net beats the scrap value by {margin}."),
    "decision.recycle": _l("Recycle: the scrap value beats the second-life net by {margin}."),
    "decision.tie": _l("Recycle: second life earns nothing more than the scrap value."),
    "formula.scrap.materials": _l(
        "For each recoverable material (lithium counted as lithium carbonate, nickel, cobalt, manganese, copper, aluminium) we take the lot's mass, times the share of that material for the chemistry and form, times the recovery rate (at least the 2024 national minimums: lithium 90%, nickel, cobalt and manganese 98%), times the index price."
    ),
    "formula.scrap.payable": _l(
        "The sum is multiplied by the chemistry's payable coefficient, the share of the metal value that the market actually pays."
    ),
    "formula.scrap.costs": _l(
        "We subtract processing per tonne, hazard handling per kilogram (more for damaged batteries, most for swollen, leaking or burnt ones) and transport (distance times weight, or the route plan's cost), with a minimum charge per lot."
    ),
    "formula.scrap.negative": _l(
        "If the result is negative the owner pays that amount as a fee, and the quote says which cost outweighs the material value."
    ),
    "formula.scrap.lithium_point": _l(
        "LFP is also shown by the market's lithium-point convention: yuan per percent of lithium per tonne."
    ),
    "formula.second_life.price": _l(
        "A second-life pack costs its remaining energy (rated kWh times state of health) at the new-pack price, adjusted for capacity grade, cycle count, warranty and order volume."
    ),
    "formula.second_life.bounds": _l(
        "It never costs less than the pack's scrap value and always less than a new pack."
    ),
    "formula.rounding": _l(
        "Each line is rounded once to the fen (halves away from zero); the total is the sum of the lines. Every quote names the price index version it used."
    ),
}

PRICE = {
    "li2co3": _l("Lithium carbonate (battery grade)"),
    "ni": _l("Nickel"),
    "co": _l("Cobalt"),
    "mn": _l("Manganese (electrolytic)"),
    "cu": _l("Copper"),
    "al": _l("Aluminium"),
    "lfp_point": _l("LFP lithium point"),
}


def text_for(key: str, english: str) -> str:
    """The key's text in the page's language (English from the engine otherwise)."""
    return str(TEXT[key]) if current_language() == "zh_CN" and key in TEXT else english


def chemistry_name(value: str) -> str:
    """A chemistry's display name (labels.chemistry_name, which documents use too)."""
    return labels.chemistry_name(value)


def condition_name(value: str) -> str:
    """A condition's display name."""
    return labels.label(labels.CONDITION, value)


def form_name(value: str, count: int | None = None) -> str:
    """A lot's form in words, after its count ("2 packs", "1 pack")."""
    return labels.label(labels.FORM_ONE if count == 1 else labels.FORM, value)


def price_name(key: str) -> str:
    """An index price's display name (new-pack prices by chemistry included)."""
    if key.startswith("new_pack."):
        chem = key.split(".", 1)[1]
        return _("New pack %(c)s (CNY/kWh)", c=chem)
    return str(PRICE.get(key, key))


def explanation_text(explanation) -> str:
    """A quote's explanation sentence in the page's language."""
    if current_language() != "zh_CN" or explanation.key not in TEXT:
        return explanation.text
    params = dict(explanation.params)
    for name, value in params.items():
        if name == "main_cost":
            params[name] = str(TEXT[value]) if value in TEXT else value
        elif value.endswith(" CNY"):
            amount = value[:-4]
            params[name] = f"-¥{amount[1:]}" if amount.startswith("-") else f"¥{amount}"
    return str(TEXT[explanation.key]).format(**params)


#: Units in words: an index price's ("CNY per tonne") and a pricing line's, as the settlement
#: statement writes them beside its masses (kg has its Chinese word, as everywhere a mass is
#: read; the payable coefficient multiplies the recovered metal's value).
UNITS = {
    "t": _l("tonne"),
    "t·km": _l("tonne·km"),
    "kg": _l("kg"),
    "kWh": _l("kWh"),
    "point": _l("lithium point"),
    "point·t": _l("lithium point·t"),
    "lot": _l("lot"),
    "pack": _l("pack"),
    "x value": _l("× metal value"),
}


def unit_name(unit: str) -> str:
    """A unit in words ("t" -> tonne), as the page's language writes it."""
    return str(UNITS.get(unit, unit))


_SEEDED_NOTE = re.compile(r"Seeded from FACTS\.md; lithium carbonate as of (\S+)\.")


def version_note(note: str | None) -> str:
    """An index version's note: the built-in version's (pricing.seed's English) in words,
    an administrator's as they typed it."""
    seeded = _SEEDED_NOTE.fullmatch((note or "").strip())
    if seeded:
        return _(
            "Built-in starting prices, each price's source named on the public price page "
            "(in English); lithium carbonate as of %(d)s.",
            d=seeded.group(1),
        )
    return note or ""


def init_templates(app) -> None:
    """Expose the pricing names to templates."""
    app.jinja_env.globals.update(
        price_text=text_for,
        chemistry_name=chemistry_name,
        condition_name=condition_name,
        form_name=form_name,
        price_name=price_name,
        explanation_text=explanation_text,
        unit_name=unit_name,
        version_note=version_note,
    )
