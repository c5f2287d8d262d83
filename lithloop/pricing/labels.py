"""Stable line keys with their English text; the web layer translates by key."""

from __future__ import annotations

LABELS: dict[str, str] = {
    # scrap: materials (positive lines)
    "metal.li": "Lithium, recovered as lithium carbonate equivalent",
    "metal.ni": "Nickel, recovered",
    "metal.co": "Cobalt, recovered",
    "metal.mn": "Manganese, recovered",
    "metal.cu": "Copper, recovered",
    "metal.al": "Aluminium, recovered",
    "adj.payable": "Payable coefficient of the chemistry (share of recovered value paid)",
    # scrap: costs (negative lines)
    "cost.processing": "Processing (discharge, dismantling, shredding, separation)",
    "cost.hazard.intact": "Handling of intact batteries (testing, P909 packaging)",
    "cost.hazard.damaged": "Hazard handling, damaged or defective (ADR SP376, P908/LP904)",
    "cost.hazard.swollen_leaking": (
        "Hazard handling, swollen, leaking or after a thermal event (P911/LP906)"
    ),
    "cost.logistics.distance": "Transport to the park, by distance and weight",
    "cost.logistics.plan": "Transport to the park, marginal cost from the route plan",
    "cost.minimum_charge": "Top-up to the minimum charge per lot",
    # scrap: lithium point view
    "metal.li_point": "Lithium by the lithium-point convention (CNY per percent of Li per tonne)",
    # second life
    "sl.energy": "Remaining energy (rated kWh x SoH) at the new-pack price",
    "sl.grade.a": "Capacity grade A adjustment",
    "sl.grade.b": "Capacity grade B adjustment",
    "sl.grade.c": "Capacity grade C adjustment",
    "sl.cycles": "Cycle count adjustment",
    "sl.cycles.unknown": (
        "Cycle count unknown: priced conservatively, at the largest cycle discount"
    ),
    "sl.warranty": "Warranty adjustment",
    "sl.volume": "Volume discount for a large order",
    "sl.scrap_floor": "Raised to the pack's scrap value (we would rather recycle it)",
    "sl.new_cap": "Lowered below the price of a new pack",
    # refurbish or recycle
    "decision.second_life_price": "Second-life selling price",
    "cost.refurbish": "Refurbishing (repair, rebalancing, new BMS/enclosure parts)",
    "cost.aging_test": "Aging and test in the aging warehouse",
    "decision.scrap_value": "Scrap value given up (what recycling would yield)",
}

EXPLANATIONS: dict[str, str] = {
    "quote.owner_paid": "The park pays the owner {total} for this lot.",
    "quote.zero": "The lot's value exactly covers the park's costs; nothing is paid.",
    "quote.owner_pays_fee": (
        "The owner pays a fee of {fee}: the recovered materials are worth {materials} "
        "after the payable coefficient, less than the park's costs of {costs} "
        "(largest: {main_cost})."
    ),
    "decision.refurbish": "Refurbish: the second-life net beats the scrap value by {margin}.",
    "decision.recycle": "Recycle: the scrap value beats the second-life net by {margin}.",
    "decision.tie": "Recycle: second life earns nothing more than the scrap value.",
}


def label(key: str) -> str:
    """English text for a line key (KeyError for an unknown key: keys are a closed set)."""
    return LABELS[key]
