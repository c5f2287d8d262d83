"""Property tests (hypothesis): monotonicity, bounds, exact totals, no floats."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lithloop.pricing import (
    PRICE_KEYS,
    Chemistry,
    Condition,
    Form,
    Grade,
    Line,
    Material,
    ScrapLot,
    SecondLifePack,
    default_snapshots,
    price_second_life,
    quote_scrap,
    refurbish_or_recycle,
    seeded_snapshot,
    to_fen,
)

from .support import find_floats, with_price

DAY = date(2026, 2, 2)
FAST = settings(
    max_examples=min(60, settings.default.max_examples),  # 10 under make mutate (conftest)
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)

snapshots = st.sampled_from(default_snapshots())
masses = st.decimals(min_value=Decimal("0.5"), max_value=Decimal(40_000), places=1)
distances = st.decimals(min_value=Decimal(0), max_value=Decimal(600), places=0)
lots = st.builds(
    ScrapLot,
    chemistry=st.sampled_from(Chemistry),
    form=st.sampled_from(Form),
    mass_kg=masses,
    condition=st.sampled_from(Condition),
    distance_km=distances,
    logistics_cost_fen=st.none() | st.integers(0, 2_000_000),
)
packs = st.builds(
    SecondLifePack,
    chemistry=st.just(Chemistry.LFP),
    rated_kwh=st.decimals(min_value=Decimal(1), max_value=Decimal(600), places=1),
    soh_pct=st.decimals(min_value=Decimal(0), max_value=Decimal(100), places=1),
    cycles=st.integers(0, 8000),
    grade=st.sampled_from(Grade),
    warranty_months=st.integers(0, 60),
    quantity=st.integers(1, 40),
)


def check_lines(lines: tuple[Line, ...], total: int) -> None:
    for line in lines:
        assert type(line.amount_fen) is int
        assert line.amount_fen == to_fen(line.quantity * line.unit_price), line
    assert total == sum(line.amount_fen for line in lines)


@FAST
@given(lot=lots, index=snapshots)
def test_scrap_total_is_sum_of_lines_and_float_free(lot, index):
    quote = quote_scrap(lot, index, quoted_on=DAY)
    check_lines(quote.lines, quote.total_fen)
    assert quote.materials_fen + quote.costs_fen == quote.total_fen
    assert quote.costs_fen <= -to_fen(index.costs.minimum_charge)
    if quote.lithium_point is not None:
        check_lines(quote.lithium_point.lines, quote.lithium_point.total_fen)
    assert find_floats(quote) == []
    assert find_floats(quote.to_dict()) == []


@FAST
@given(lot=lots, extra=masses, index=snapshots)
def test_value_rises_with_mass(lot, extra, index):
    small = quote_scrap(lot, index, quoted_on=DAY)
    bigger_mass = min(lot.mass_kg + extra, Decimal(40_000))
    big = quote_scrap(
        ScrapLot(
            lot.chemistry,
            lot.form,
            bigger_mass,
            lot.condition,
            lot.distance_km,
            lot.logistics_cost_fen,
        ),
        index,
        quoted_on=DAY,
    )
    assert big.materials_fen >= small.materials_fen  # recovered value never falls with mass
    # Per tonne, is the lot worth more than its mass-proportional costs? Then the total
    # rises with mass (within one fen of rounding per line), else the fee grows.
    tonne = quote_scrap(
        ScrapLot(
            lot.chemistry,
            lot.form,
            1000,
            lot.condition,
            lot.distance_km,
            0 if lot.logistics_cost_fen is not None else None,
        ),
        index,
        quoted_on=DAY,
    )
    per_tonne_net = tonne.total_fen
    per_tonne_net -= sum(x.amount_fen for x in tonne.lines if x.key == "cost.minimum_charge")
    slack = len(big.lines) + len(small.lines)
    # (a margin of 1 CNY/t keeps per-line rounding of the 1 t probe from flipping the sign)
    if per_tonne_net > 100:
        assert big.total_fen >= small.total_fen - slack
    elif per_tonne_net < -100 and not any(
        line.key == "cost.minimum_charge" for line in (*small.lines, *big.lines)
    ):  # (while the minimum charge binds, costs are flat and the total still rises)
        assert big.total_fen <= small.total_fen + slack


@FAST
@given(lot=lots, material=st.sampled_from(Material), rise=st.integers(1, 500_000))
def test_value_rises_with_each_metal_price(lot, material, rise):
    index = seeded_snapshot("2025-10-27")
    key = PRICE_KEYS[material]
    before = quote_scrap(lot, index, quoted_on=DAY)
    dearer = with_price(index, key, index.prices[key].value + rise)
    after = quote_scrap(lot, dearer, quoted_on=DAY)
    assert after.total_fen >= before.total_fen
    fraction = index.chemistries[lot.chemistry].fractions[lot.form].get(material, Decimal(0))
    if fraction == 0:  # the metal is not in this chemistry and form: nothing changes
        assert after.total_fen == before.total_fen


@FAST
@given(
    pack=packs,
    soh=st.decimals(min_value=Decimal(0), max_value=Decimal(100), places=2),
    index=snapshots,
)
def test_second_life_price_rises_with_soh_and_stays_in_bounds(pack, soh, index):
    other = SecondLifePack(
        pack.chemistry,
        pack.rated_kwh,
        soh,
        pack.cycles,
        pack.grade,
        pack.warranty_months,
        quantity=pack.quantity,
    )
    low, high = sorted([pack, other], key=lambda p: p.soh_pct)
    p_low, p_high = price_second_life(low, index), price_second_life(high, index)
    assert p_low.price_fen <= p_high.price_fen
    for p in (p_low, p_high):
        check_lines(p.lines, p.price_fen)
        assert p.price_fen >= p.scrap_floor_fen >= 0
        assert p.price_fen >= p.pack.quantity * p.scrap_quote.total_fen
        assert p.price_fen < p.new_price_fen
        assert find_floats(p) == [] and find_floats(p.to_dict()) == []


@FAST
@given(pack=packs, index=snapshots)
def test_decision_is_sum_of_lines_and_names_the_winner(pack, index):
    decision = refurbish_or_recycle(pack, index)
    check_lines(decision.lines, decision.total_fen)
    assert decision.total_fen == decision.second_life_net_fen - decision.scrap_value_fen
    assert (decision.choice.value == "refurbish") == (decision.total_fen > 0)
    assert find_floats(decision) == []


def test_float_detector_catches_a_float_in_a_money_field():
    # The walker used above must be able to fail.
    index = seeded_snapshot("2026-01-26")
    quote = quote_scrap(ScrapLot("LFP", "cell", 10, distance_km=0), index, quoted_on=DAY)
    poisoned = Line("x", "x", Decimal(1), "kg", Decimal(1), 1.0)  # type: ignore[arg-type]
    from dataclasses import replace

    bad = replace(quote, lines=(*quote.lines, poisoned))
    assert find_floats(bad) == [f"root.lines[{len(quote.lines)}].amount_fen"]
    with pytest.raises(AssertionError):
        check_lines(bad.lines, bad.total_fen)
