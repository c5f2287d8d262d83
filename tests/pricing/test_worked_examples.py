"""Worked examples, computed by hand from the seeded tables (see lithloop/pricing/seed.py).

Seeded mass fractions used below (cathode formula x cathode share of the form):
  LFP pack:      Li 0.044 x 0.32 x 0.68 = 0.00957; Cu 0.0644; Al 0.1316
  LFP module:    Li 0.044 x 0.32 x 0.90 = 0.01267; Cu 0.077;  Al 0.138
  NCM811 cell:   x 0.30: Li 0.0213, Ni 0.1449, Co 0.0183, Mn 0.0168; Cu 0.08; Al 0.12
  NCM622 module: x 0.27: Li 0.01944, Ni 0.09801, Co 0.03294, Mn 0.03051; Cu 0.077; Al 0.138
Recovery Li 0.90, Ni/Co/Mn 0.98, Cu 0.90, Al 0.80; Li x 5.32 to Li2CO3; payable 0.78.
Costs: processing CNY/t pack 3,500, module 3,200, cell 3,000; handling CNY/kg intact 0.30,
damaged 1.50; transport 1.20 CNY per t-km. Every amount rounds half-up to the fen.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from lithloop.pricing import (
    Choice,
    ScrapLot,
    SecondLifePack,
    price_second_life,
    quote_scrap,
    refurbish_or_recycle,
    seeded_snapshot,
)

from .support import with_price

DAY = date(2026, 2, 2)


def amounts(quote) -> dict[str, int]:
    return {line.key: line.amount_fen for line in quote.lines}


def test_lfp_pack_one_tonne_300_km_at_2026_01_26():
    # Li2CO3 181,500 CNY/t, Cu 92,540, Al 22,160.
    # Li: 1000 x 0.00957 x 0.90 x 5.32 = 45.82116 kg x 181.5  = 8,316.54054 -> 831,654 fen
    # Cu: 1000 x 0.0644 x 0.90         = 57.96 kg    x 92.54  = 5,363.6184  -> 536,362
    # Al: 1000 x 0.1316 x 0.80         = 105.28 kg   x 22.16  = 2,333.0048  -> 233,300
    # subtotal 1,601,316; payable (0.78 - 1) x 16,013.16 = -3,522.8952   -> -352,290
    # processing 1 t x 3,500 = -350,000; handling 1000 kg x 0.30 = -30,000;
    # transport 1 t x 300 km x 1.20 = -36,000  (costs 4,160 CNY > minimum 300)
    # total = 1,601,316 - 352,290 - 416,000 = 833,026 fen (8,330.26 CNY paid to the owner)
    index = seeded_snapshot("2026-01-26")
    quote = quote_scrap(
        ScrapLot("LFP", "pack", 1000, "intact", distance_km=300), index, quoted_on=DAY
    )
    assert amounts(quote) == {
        "metal.li": 831_654,
        "metal.cu": 536_362,
        "metal.al": 233_300,
        "adj.payable": -352_290,
        "cost.processing": -350_000,
        "cost.hazard.intact": -30_000,
        "cost.logistics.distance": -36_000,
    }
    assert quote.total_fen == 833_026
    assert not quote.owner_pays
    assert quote.index_version == "2026-01-26"
    assert quote.valid_until == date(2026, 2, 9)
    # Lithium-point view: 0.957 points x 1 t x 3,175 CNY = 3,038.475 -> 303,848 fen,
    # minus the same 416,000 of costs = -112,152: shown because it differs.
    lp = quote.lithium_point
    assert lp is not None
    assert lp.li_pct == Decimal("0.957")
    assert lp.lines[0].amount_fen == 303_848
    assert lp.total_fen == -112_152
    assert lp.difference_fen == -112_152 - 833_026


def test_ncm811_cells_500_kg_120_km_at_2025_10_27():
    # Li2CO3 75,400; Ni 120,590; Co 249,250; Mn 13,900; Cu 78,320; Al 20,645 CNY/t.
    # Li: 500 x 0.0213 x 0.90 x 5.32 = 50.9922 kg x 75.4    = 3,844.81188 -> 384,481
    # Ni: 500 x 0.1449 x 0.98        = 71.001 kg  x 120.59  = 8,562.01059 -> 856,201
    # Co: 500 x 0.0183 x 0.98        = 8.967 kg   x 249.25  = 2,235.02475 -> 223,502
    # Mn: 500 x 0.0168 x 0.98        = 8.232 kg   x 13.9    =   114.4248  ->  11,442
    # Cu: 500 x 0.08 x 0.90          = 36 kg      x 78.32   = 2,819.52    -> 281,952
    # Al: 500 x 0.12 x 0.80          = 48 kg      x 20.645  =   990.96    ->  99,096
    # subtotal 1,856,674; payable -0.22 x 18,566.74 = -4,084.6828 -> -408,468
    # processing 0.5 t x 3,000 = -150,000; handling 500 x 0.30 = -15,000;
    # transport 0.5 t x 120 km x 1.20 = -7,200
    # total = 1,856,674 - 408,468 - 172,200 = 1,276,006 fen
    index = seeded_snapshot("2025-10-27")
    quote = quote_scrap(
        ScrapLot("NCM811", "cell", "500", "intact", distance_km="120"), index, quoted_on=DAY
    )
    got = amounts(quote)
    assert [got[f"metal.{m}"] for m in ("li", "ni", "co", "mn", "cu", "al")] == [
        384_481,
        856_201,
        223_502,
        11_442,
        281_952,
        99_096,
    ]
    assert got["adj.payable"] == -408_468
    assert quote.costs_fen == -172_200
    assert quote.total_fen == 1_276_006
    assert quote.lithium_point is None  # not LFP


def test_damaged_ncm622_modules_with_route_plan_cost_at_2026_01_05():
    # Li2CO3 119,500; Ni 117,870; Co 365,170; Mn 13,900; Cu 92,540; Al 22,160 CNY/t.
    # Li: 2000 x 0.01944 x 0.90 x 5.32 = 186.15744 kg x 119.5  -> 22,245.81408 -> 2,224,581
    # Ni: 2000 x 0.09801 x 0.98 = 192.0996 kg x 117.87 = 22,642.779852        -> 2,264,278
    # Co: 2000 x 0.03294 x 0.98 = 64.5624 kg  x 365.17 = 23,576.251608        -> 2,357,625
    # Mn: 2000 x 0.03051 x 0.98 = 59.7996 kg  x 13.9   =    831.21444         ->    83,121
    # Cu: 2000 x 0.077 x 0.90   = 138.6 kg    x 92.54  = 12,826.044           -> 1,282,604
    # Al: 2000 x 0.138 x 0.80   = 220.8 kg    x 22.16  =  4,892.928           ->   489,293
    # subtotal 8,701,502; payable -0.22 x 87,015.02 = -19,143.3044 -> -1,914,330
    # processing 2 t x 3,200 = -640,000; damaged (SP376) 2000 kg x 1.50 = -300,000;
    # transport from the route plan: -185,000 (given, not computed from distance)
    # total = 8,701,502 - 1,914,330 - 1,125,000 = 5,662,172 fen
    index = seeded_snapshot("2026-01-05")
    lot = ScrapLot("NCM622", "module", 2000, "damaged", distance_km=250, logistics_cost_fen=185_000)
    quote = quote_scrap(lot, index, quoted_on=DAY)
    got = amounts(quote)
    assert got["cost.hazard.damaged"] == -300_000
    assert got["cost.logistics.plan"] == -185_000
    assert "cost.logistics.distance" not in got
    assert quote.materials_fen == 8_701_502 - 1_914_330
    assert quote.total_fen == 5_662_172
    # Same lot intact: handling 2000 x 0.30 = -60,000 instead of -300,000.
    intact = quote_scrap(
        ScrapLot("NCM622", "module", 2000, "intact", logistics_cost_fen=185_000),
        index,
        quoted_on=DAY,
    )
    assert intact.total_fen - quote.total_fen == 240_000


def test_lfp_lot_is_negative_at_a_low_lithium_price():
    # 2025-10-27 index with Li2CO3 dropped to 40,000 CNY/t (a stress price; 2020 levels).
    # 250 kg LFP modules from a remote site; the route plan's marginal cost is 1,500 CNY.
    # Li: 250 x 0.01267 x 0.90 x 5.32 = 15.16599 kg x 40     =   606.6396 ->  60,664
    # Cu: 250 x 0.077 x 0.90          = 17.325 kg   x 78.32  = 1,356.894  -> 135,689
    # Al: 250 x 0.138 x 0.80          = 27.6 kg     x 20.645 =   569.802  ->  56,980
    # subtotal 253,333; payable -0.22 x 2,533.33 = -557.3326 -> -55,733; materials 197,600
    # processing 0.25 t x 3,200 = -80,000; handling 250 x 0.30 = -7,500; plan -150,000
    # total = 197,600 - 237,500 = -39,900: the owner pays a fee of 399.00 CNY.
    low = with_price(seeded_snapshot("2025-10-27"), "li2co3", 40_000, version="stress-li-40k")
    lot = ScrapLot("LFP", "module", 250, "intact", logistics_cost_fen=150_000)
    quote = quote_scrap(lot, low, quoted_on=DAY)
    assert quote.materials_fen == 197_600
    assert quote.total_fen == -39_900
    assert quote.owner_pays and quote.fee_fen == 39_900
    assert quote.explanation.key == "quote.owner_pays_fee"
    assert dict(quote.explanation.params)["main_cost"] == "cost.logistics.plan"
    assert "399.00 CNY" in quote.explanation.text
    assert quote.to_dict()["total_fen"] == -39_900
    assert quote.index_version == "stress-li-40k"
    # At 181,500 CNY/t the same lot is worth paying for: lithium drives the sign.
    high = quote_scrap(lot, seeded_snapshot("2026-01-26"), quoted_on=DAY)
    assert high.total_fen > 0


def test_second_life_pack_hits_its_scrap_floor_at_2026_01_26():
    # 100 kWh LFP, SoH 40%, 3,000 cycles, grade C, no warranty. New LFP 298 CNY/kWh.
    # Mass estimate 100,000 Wh / 125 Wh/kg = 800.0 kg. Its scrap value at the park:
    #   Li 800 x 0.00957 x 0.90 x 5.32 = 36.656928 kg x 181.5 = 6,653.232432 -> 665,323
    #   Cu 800 x 0.0644 x 0.90 = 46.368 kg x 92.54 = 4,290.89472 -> 429,089
    #   Al 800 x 0.1316 x 0.80 = 84.224 kg x 22.16 = 1,866.40384 -> 186,640
    #   subtotal 1,281,052; payable -0.22 x 12,810.52 = -2,818.3144 -> -281,831
    #   processing 0.8 t x 3,500 = -280,000; handling 800 x 0.30 = -24,000; transport 0
    #   scrap = 1,281,052 - 281,831 - 304,000 = 695,221
    # Second-life: 100 x 40% = 40 kWh x 298 = 11,920.00 -> 1,192,000
    #   grade C (0.38 - 1) x 11,920.00 = -7,390.40 -> -739,040; running 452,960
    #   cycles 1 - 0.04 x 3 = 0.88: -0.12 x 4,529.60 = -543.552 -> -54,355; running 398,605
    #   warranty 0 months: x 1.000 -> 0; no volume tier below 200 kWh
    #   398,605 < floor 695,221: floor line +296,616 -> price 695,221 fen
    index = seeded_snapshot("2026-01-26")
    pack = SecondLifePack("LFP", 100, 40, 3000, "C", 0)
    price = price_second_life(pack, index)
    assert price.mass_kg == Decimal("800.0")
    assert price.scrap_quote.total_fen == 695_221
    assert [line.amount_fen for line in price.lines] == [1_192_000, -739_040, -54_355, 0, 296_616]
    assert price.lines[-1].key == "sl.scrap_floor"
    assert price.floor_applied and not price.cap_applied
    assert price.price_fen == price.scrap_floor_fen == 695_221
    assert price.new_price_fen == 2_980_000
    # Refurbish or recycle: 695,221 - refurbish 100 kWh x 20 - aging/test 400 - scrap 695,221
    # = -2,400.00 CNY: recycle wins by 240,000 fen.
    decision = refurbish_or_recycle(pack, index)
    assert decision.choice is Choice.RECYCLE
    assert decision.total_fen == -240_000 and decision.margin_fen == 240_000


def test_good_pack_is_refurbished():
    # 100 kWh LFP, SoH 85%, 800 cycles, grade A, 24 months at 2026-01-26:
    # 85 kWh x 298 = 25,330.00; x0.60 -> -10,132.00 (15,198.00);
    # cycles 1 - 0.032 = 0.968: -0.032 x 15,198.00 = -486.336 -> -486.34 (14,711.66);
    # warranty 1 + 0.005 x 24 = 1.12: +0.12 x 14,711.66 = 1,765.3992 -> 1,765.40 (16,477.06)
    # net 16,477.06 - 2,000 - 400 = 14,077.06; minus scrap 6,952.21 = 7,124.85 -> refurbish
    index = seeded_snapshot("2026-01-26")
    decision = refurbish_or_recycle(SecondLifePack("LFP", 100, 85, 800, "A", 24), index)
    assert decision.second_life.price_fen == 1_647_706
    assert decision.second_life_net_fen == 1_407_706
    assert decision.choice is Choice.REFURBISH
    assert decision.total_fen == 712_485


def test_cap_keeps_price_below_a_new_pack():
    # With a (hypothetical) grade-A factor of 1.5, 60 kWh at 100% SoH would be
    # 60 x 298 x 1.5 = 26,820.00 CNY, more than a new pack (17,880.00); the cap is
    # 0.90 x 17,880.00 = 16,092.00 CNY, so a new-cap line of -10,728.00 is added.
    data = seeded_snapshot("2026-01-26").to_dict()
    data["costs"]["grade_factor"]["A"] = "1.5"
    data["version"] = "test-generous-grade"
    index = type(seeded_snapshot("2026-01-26")).from_dict(data)
    price = price_second_life(SecondLifePack("LFP", 60, 100, 0, "A", 0), index)
    assert price.cap_applied and price.lines[-1].key == "sl.new_cap"
    assert price.lines[-1].amount_fen == -1_072_800
    assert price.price_fen == 1_609_200 < price.new_price_fen == 1_788_000
