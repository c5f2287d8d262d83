"""Checks of a booking lot against its form: each code's product type (GB/T 34014 character
4) and the mass of one item, so that a pack's code in a lot of cells, or two packs of
1.5 kg, are refused beside their box instead of quoted at the minimum charge."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from flask_babel import lazy_gettext as _l

from lithloop.batteries.item_masses import MASS_PER_ITEM
from lithloop.services.errors import Invalid
from lithloop.services.strict_input import grouped

#: Character 4 of a GB/T 34014 code (P, M, C) for each form of lot that carries codes.
PRODUCT_TYPE_OF_FORM = {"pack": "P", "module": "M", "cell": "C"}


def code_matches_form(code: str, form: str | None, field: str) -> bool:
    """True when the code's product type (character 4) is the lot's form; else Invalid."""
    wanted = PRODUCT_TYPE_OF_FORM.get(form or "pack")
    if wanted is None or code[3] == wanted:
        return True
    shown = {"code": code, "char": code[3]}
    if form == "module":
        said = _l(
            "Code %(code)s is not a module's code: its 4th character is %(char)s, a "
            "module's is M. Check the code or the lot's form.",
            **shown,
        )
    elif form == "cell":
        said = _l(
            "Code %(code)s is not a cell's code: its 4th character is %(char)s, a cell's "
            "is C. Check the code or the lot's form.",
            **shown,
        )
    else:
        said = _l(
            "Code %(code)s is not a pack's code: its 4th character is %(char)s, a pack's "
            "is P. Check the code or the lot's form.",
            **shown,
        )
    raise Invalid(said, field=field)


def mass_per_item(mass: Decimal, count: int, form: str, field: str) -> bool:
    """True when the lot's mass for its count is one item of its form can weigh (or the form
    has no items: black mass); else Invalid with the range, beside the mass."""
    if form not in MASS_PER_ITEM or not count:
        return True
    lo, hi = MASS_PER_ITEM[form]
    each = mass / count
    if lo <= each <= hi:
        return True
    shown = {
        "each": grouped(each.quantize(Decimal("0.001"), rounding=ROUND_HALF_UP).normalize()),
        "lo": grouped(lo),
        "hi": grouped(hi),
    }
    if form == "module":
        said = _l(
            "That is %(each)s kg a module: a module weighs %(lo)s to %(hi)s kg. Enter the "
            "whole lot's mass and check the number of modules.",
            **shown,
        )
    elif form == "cell":
        said = _l(
            "That is %(each)s kg a cell: a cell weighs %(lo)s to %(hi)s kg. Enter the whole "
            "lot's mass and check the number of cells.",
            **shown,
        )
    else:
        said = _l(
            "That is %(each)s kg a pack: a pack weighs %(lo)s to %(hi)s kg. Enter the whole "
            "lot's mass and check the number of packs.",
            **shown,
        )
    raise Invalid(said, field=field)
