"""Second-life pack prices and the refurbish-or-recycle decision.

Price lines: remaining energy (quantity x rated kWh x SoH) at the index new-pack price per
kWh, then one adjustment line per factor (grade, cycles, warranty, volume tier), each being
(factor - 1) x the running subtotal, rounded once to the fen. An unknown cycle count is
priced at the cycle factor's floor (the most worn case), on a line that says so. The result
is raised to the scrap floor (the packs' own scrap value at the park, never below 0) or
lowered to the cap (max_share_of_new x the new-pack price, and always at least 1 fen below
it).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from lithloop.pricing.errors import PricingError, PricingErrorCode
from lithloop.pricing.index import IndexSnapshot, new_pack_key
from lithloop.pricing.labels import EXPLANATIONS
from lithloop.pricing.model import Condition, Form, ScrapLot, SecondLifePack
from lithloop.pricing.money import fen_to_cny, format_cny, to_fen
from lithloop.pricing.results import (
    Choice,
    Decision,
    Explanation,
    Line,
    SecondLifePrice,
    lines_total,
    make_line,
)
from lithloop.pricing.scrap import quote_scrap

_ZERO = Decimal(0)
_ONE = Decimal(1)
_HUNDRED = Decimal(100)
_THOUSAND = Decimal(1000)
_TENTH_KG = Decimal("0.1")


def pack_mass_kg(pack: SecondLifePack, index: IndexSnapshot) -> Decimal:
    """Mass of one pack: given, or rated kWh / the chemistry's pack Wh/kg (to 0.1 kg)."""
    if pack.mass_kg is not None:
        return pack.mass_kg
    wh_per_kg = index.table(pack.chemistry).pack_wh_per_kg
    return (pack.rated_kwh * _THOUSAND / wh_per_kg).quantize(_TENTH_KG, rounding=ROUND_HALF_UP)


def _scrap_quote(pack: SecondLifePack, mass: Decimal, index: IndexSnapshot):
    try:
        lot = ScrapLot(pack.chemistry, Form.PACK, mass, Condition.INTACT, distance_km=_ZERO)
    except PricingError as exc:
        if pack.mass_kg is None:  # estimated mass: blame the rated energy
            raise PricingError(exc.code, "rated_kwh", f"estimated mass: {exc.message}") from None
        raise
    return quote_scrap(lot, index, quoted_on=index.effective_date)


def _factor_line(key: str, factor: Decimal, running: int) -> Line:
    return make_line(key, factor - _ONE, "x subtotal", fen_to_cny(running))


def _cycle_factor(cycles: int | None, index: IndexSnapshot) -> tuple[str, Decimal]:
    """The cycle line: its discount by count, down to the floor; an unknown count gets the
    floor itself (the largest discount), on its own line so that the breakdown says so."""
    costs = index.costs
    if cycles is None:
        return "sl.cycles.unknown", costs.cycle_factor_floor
    by_count = _ONE - costs.cycle_discount_per_1000 * cycles / _THOUSAND
    return "sl.cycles", max(costs.cycle_factor_floor, by_count)


def _factors(pack: SecondLifePack, index: IndexSnapshot) -> list[tuple[str, Decimal]]:
    costs = index.costs
    grade = costs.grade_factor.get(pack.grade)
    if grade is None:
        raise PricingError(
            PricingErrorCode.MISSING_TABLE,
            "grade",
            f"index {index.version} has no factor for grade {pack.grade.value}",
        )
    months = min(pack.warranty_months, costs.warranty_cap_months)
    factors = [
        (f"sl.grade.{pack.grade.value.lower()}", grade),
        _cycle_factor(pack.cycles, index),
        ("sl.warranty", _ONE + costs.warranty_per_month * months),
    ]
    order_kwh = pack.rated_kwh * pack.quantity
    discount = _ZERO
    for min_kwh, tier_discount in costs.volume_tiers:
        if order_kwh >= min_kwh:
            discount = tier_discount
    if discount:
        factors.append(("sl.volume", _ONE - discount))
    return factors


def price_second_life(pack: SecondLifePack, index: IndexSnapshot) -> SecondLifePrice:
    """Price a graded pack order: energy x new price x factors, kept in [scrap, new)."""
    new_per_kwh = index.price(new_pack_key(pack.chemistry), "chemistry")
    mass = pack_mass_kg(pack, index)
    scrap = _scrap_quote(pack, mass, index)
    count = Decimal(pack.quantity)
    floor = max(0, pack.quantity * scrap.total_fen)
    new_total = to_fen(count * pack.rated_kwh * new_per_kwh)
    cap = min(
        to_fen(count * pack.rated_kwh * new_per_kwh * index.costs.max_share_of_new), new_total - 1
    )
    if floor > cap:
        raise PricingError(
            PricingErrorCode.NOT_SELLABLE,
            "chemistry",
            f"scrap value {format_cny(floor)} is not below the new-pack cap "
            f"{format_cny(cap)}: recycle rather than sell",
        )
    lines = [
        make_line("sl.energy", count * pack.rated_kwh * pack.soh_pct / _HUNDRED, "kWh", new_per_kwh)
    ]
    running = lines[0].amount_fen
    for key, factor in _factors(pack, index):
        lines.append(_factor_line(key, factor, running))
        running += lines[-1].amount_fen
    floor_applied = running < floor
    cap_applied = running > cap
    if floor_applied:
        lines.append(make_line("sl.scrap_floor", _ONE, "order", fen_to_cny(floor - running)))
    elif cap_applied:
        lines.append(make_line("sl.new_cap", _ONE, "order", -fen_to_cny(running - cap)))
    all_lines = tuple(lines)
    return SecondLifePrice(
        pack=pack,
        index_version=index.version,
        lines=all_lines,
        price_fen=lines_total(all_lines),
        scrap_floor_fen=floor,
        new_price_fen=new_total,
        mass_kg=mass,
        floor_applied=floor_applied,
        cap_applied=cap_applied,
        scrap_quote=scrap,
    )


def refurbish_or_recycle(pack: SecondLifePack, index: IndexSnapshot) -> Decision:
    """Compare second-life net (price - refurbish - aging/test) with the scrap value."""
    sale = price_second_life(pack, index)
    costs = index.costs
    count = Decimal(pack.quantity)
    net_lines = (
        make_line("decision.second_life_price", _ONE, "order", fen_to_cny(sale.price_fen)),
        make_line("cost.refurbish", count * pack.rated_kwh, "kWh", -costs.refurbish_per_kwh),
        make_line("cost.aging_test", count, "pack", -costs.aging_test_per_pack),
    )
    net = lines_total(net_lines)
    scrap_line = make_line(
        "decision.scrap_value", count, "pack", -fen_to_cny(sale.scrap_quote.total_fen)
    )
    lines = (*net_lines, scrap_line)
    total = lines_total(lines)
    if total > 0:
        choice, key = Choice.REFURBISH, "decision.refurbish"
    else:
        choice = Choice.RECYCLE
        key = "decision.recycle" if total < 0 else "decision.tie"
    params = (("margin", format_cny(abs(total))),)
    return Decision(
        pack=pack,
        index_version=index.version,
        choice=choice,
        lines=lines,
        total_fen=total,
        second_life_net_fen=net,
        scrap_value_fen=-scrap_line.amount_fen,
        explanation=Explanation(key, EXPLANATIONS[key].format(**dict(params)), params),
        second_life=sale,
    )
