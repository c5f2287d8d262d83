"""Scrap lot quotes: recovered material value x payable, minus the park's costs.

Lines, in order: one per recoverable material (mass x fraction x recovery [x 5.32 for Li
as Li2CO3] kg at index price per kg), the payable adjustment ((coefficient - 1) x material
subtotal), processing (t x CNY/t), hazard handling (kg x CNY/kg by condition), logistics
(t x km x CNY/t-km, or the route plan's marginal cost), and a top-up to the minimum charge
when the costs are below it. Each amount is rounded once (ROUND_HALF_UP to the fen);
the total is the sum of the lines and is negative when the owner pays a fee.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from lithloop import clock
from lithloop.pricing.errors import PricingError, PricingErrorCode
from lithloop.pricing.index import LFP_POINT, PRICE_KEYS, IndexSnapshot
from lithloop.pricing.labels import EXPLANATIONS, label
from lithloop.pricing.model import Chemistry, Form, Material, ScrapLot
from lithloop.pricing.money import fen_to_cny, format_cny, to_fen
from lithloop.pricing.results import (
    Explanation,
    Line,
    LithiumPointView,
    ScrapQuote,
    lines_total,
    make_line,
)

_ZERO = Decimal(0)
_ONE = Decimal(1)
_THOUSAND = Decimal(1000)
_HUNDRED = Decimal(100)

MaterialRow = tuple[str, Decimal, Decimal]  # line key, recovered kg per kg of lot, CNY per kg


def material_rows(
    index: IndexSnapshot, chemistry: Chemistry, form: Form
) -> tuple[MaterialRow, ...]:
    """Per-kg recovered quantity and price per kg for each material; cached per snapshot."""
    memo_key = ("scrap.rows", chemistry, form)
    rows = index.memo.get(memo_key)
    if rows is None:
        rows = build_material_rows(index, chemistry, form)
        index.memo[memo_key] = rows
    return rows  # type: ignore[return-value]


def build_material_rows(
    index: IndexSnapshot, chemistry: Chemistry, form: Form
) -> tuple[MaterialRow, ...]:
    """Compute the material rows from the snapshot (no cache); refuses missing values."""
    table = index.table(chemistry)
    fractions = table.fractions.get(form)
    if fractions is None:
        raise PricingError(
            PricingErrorCode.MISSING_TABLE,
            "form",
            f"index {index.version} has no {form.value} fractions for {chemistry.value}",
        )
    rows = []
    for material in Material:
        fraction = fractions.get(material, _ZERO)
        if fraction == 0:
            continue
        recovery = table.recovery.get(material)
        if recovery is None:
            raise PricingError(
                PricingErrorCode.MISSING_TABLE,
                "chemistry",
                f"index {index.version} has no {material.value} recovery rate "
                f"for {chemistry.value}",
            )
        price_per_kg = index.price(PRICE_KEYS[material], "chemistry") / _THOUSAND
        factor = fraction * recovery
        if material is Material.LI:
            factor *= index.costs.lce_per_li
        rows.append((f"metal.{material.value}", factor, price_per_kg))
    return tuple(rows)


def _cost_lines(lot: ScrapLot, index: IndexSnapshot) -> list[Line]:
    costs = index.costs
    processing = costs.processing_per_t.get(lot.form)
    if processing is None:
        raise PricingError(
            PricingErrorCode.MISSING_TABLE,
            "form",
            f"index {index.version} has no processing cost for {lot.form.value}",
        )
    hazard = costs.hazard_per_kg.get(lot.condition)
    if hazard is None:
        raise PricingError(
            PricingErrorCode.MISSING_TABLE,
            "condition",
            f"index {index.version} has no handling cost for {lot.condition.value}",
        )
    tonnes = lot.mass_kg / _THOUSAND
    lines = [
        make_line("cost.processing", tonnes, "t", -processing),
        make_line(f"cost.hazard.{lot.condition.value}", lot.mass_kg, "kg", -hazard),
    ]
    if lot.logistics_cost_fen is not None:
        lines.append(
            make_line("cost.logistics.plan", _ONE, "lot", -fen_to_cny(lot.logistics_cost_fen))
        )
    else:
        assert lot.distance_km is not None
        lines.append(
            make_line(
                "cost.logistics.distance",
                tonnes * lot.distance_km,
                "t·km",
                -costs.logistics_per_tkm,
            )
        )
    spent = -lines_total(tuple(lines))
    minimum = to_fen(costs.minimum_charge)
    if spent < minimum:
        lines.append(make_line("cost.minimum_charge", _ONE, "lot", -fen_to_cny(minimum - spent)))
    return lines


def _explain(total: int, materials: int, cost_lines: list[Line]) -> Explanation:
    params: tuple[tuple[str, str], ...]
    if total > 0:
        params = (("total", format_cny(total)),)
        key = "quote.owner_paid"
    elif total == 0:
        params, key = (), "quote.zero"
    else:
        main = min(cost_lines, key=lambda line: line.amount_fen)
        params = (
            ("fee", format_cny(-total)),
            ("materials", format_cny(materials)),
            ("costs", format_cny(-lines_total(tuple(cost_lines)))),
            ("main_cost", main.key),
        )
        key = "quote.owner_pays_fee"
        text_params = dict(params) | {"main_cost": label(main.key).lower()}
        return Explanation(key, EXPLANATIONS[key].format(**text_params), params)
    return Explanation(key, EXPLANATIONS[key].format(**dict(params)), params)


def _lithium_point(
    lot: ScrapLot, index: IndexSnapshot, cost_lines: list[Line], total: int
) -> LithiumPointView | None:
    point = index.prices.get(LFP_POINT)
    if lot.chemistry is not Chemistry.LFP or point is None:
        return None
    li = index.table(lot.chemistry).fractions[lot.form].get(Material.LI, _ZERO)
    li_pct = li * _HUNDRED
    tonnes = lot.mass_kg / _THOUSAND
    lines = (make_line("metal.li_point", li_pct * tonnes, "point·t", point.value), *cost_lines)
    alt_total = lines_total(lines)
    if alt_total == total:
        return None
    return LithiumPointView(point.value, li_pct, tonnes, lines, alt_total, alt_total - total)


def quote_scrap(
    lot: ScrapLot, index: IndexSnapshot, *, quoted_on: date | None = None
) -> ScrapQuote:
    """Quote a scrap lot against an index snapshot (quoted_on defaults to today in China)."""
    table = index.table(lot.chemistry)
    lines = [
        make_line(key, lot.mass_kg * factor, "kg", price)
        for key, factor, price in material_rows(index, lot.chemistry, lot.form)
    ]
    metal_fen = lines_total(tuple(lines))
    if table.payable != _ONE:
        lines.append(
            make_line("adj.payable", table.payable - _ONE, "x value", fen_to_cny(metal_fen))
        )
    materials_fen = lines_total(tuple(lines))
    cost_lines = _cost_lines(lot, index)
    lines.extend(cost_lines)
    all_lines = tuple(lines)
    total = lines_total(all_lines)
    day = quoted_on or clock.today()
    return ScrapQuote(
        lot=lot,
        index_version=index.version,
        quoted_on=day,
        valid_until=day + timedelta(days=index.costs.quote_valid_days),
        lines=all_lines,
        total_fen=total,
        materials_fen=materials_fen,
        costs_fen=total - materials_fen,
        explanation=_explain(total, materials_fen, cost_lines),
        lithium_point=_lithium_point(lot, index, cost_lines, total),
    )
