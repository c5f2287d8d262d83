"""Default index snapshots seeded from /work/shared/domain/FACTS.md (dates and sources kept).

Figures marked "estimate" are judgements, not sourced. Mass fractions are computed from the
cathode formulae (FACTS §1) x the cathode share of each form, and rounded to 5 decimals.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from functools import cache

from lithloop.pricing.errors import PricingError, PricingErrorCode
from lithloop.pricing.index import IndexSnapshot

D = Decimal
FACTS = "/work/shared/domain/FACTS.md"
MYSTEEL = "https://xny.m.mysteel.com/a/24081310/25070BFD96661908_abc.html"
MIIT_2024 = "https://news.ca168.com/202412/135532.html"
SMM_2025_09 = "https://news.metal.com/newscontent/103528728/"
SMM_2025_11 = "https://news.metal.com/newscontent/103619897/"

# Cathode composition by mass (FACTS §1, computed from formulae).
CATHODE = {
    "LFP": {"li": "0.044"},
    "NCM523": {"li": "0.072", "ni": "0.304", "co": "0.122", "mn": "0.171"},
    "NCM622": {"li": "0.072", "ni": "0.363", "co": "0.122", "mn": "0.113"},
    "NCM811": {"li": "0.071", "ni": "0.483", "co": "0.061", "mn": "0.056"},
    "NCA": {"li": "0.072", "ni": "0.489", "co": "0.092"},
    "LMO": {"li": "0.038", "mn": "0.608"},
    "LCO": {"li": "0.071", "co": "0.602"},
}
# Cathode share of a cell: LFP 30-35% -> 0.32, NCM 25-35% -> 0.30 (mysteel, FACTS §1).
CELL_CATHODE = {"LFP": "0.32"}
DEFAULT_CELL_CATHODE = "0.30"
# Cells in a module / pack, cathode share of black mass; Cu, Al per form (all estimates;
# cell Cu/Al consistent with 20 kg Cu, 35 kg Al in the cells of a 60 kWh pack, FACTS §1;
# black mass Cu, Al within the Fastmarkets spec <= 2%).
CELL_SHARE = {"cell": "1", "module": "0.90", "pack": "0.68"}
BLACK_MASS_CATHODE = {"LFP": "0.75"}
DEFAULT_BLACK_MASS_CATHODE = "0.60"
CU_AL = {
    "cell": ("0.08", "0.12"),
    "module": ("0.077", "0.138"),  # 0.9 x cell + busbars 0.5% Cu, frames 3% Al
    "pack": ("0.0644", "0.1316"),  # 0.68 x cell + cables 1% Cu, housing 5% Al
    "black_mass": ("0.015", "0.015"),
}
PAYABLE = {  # applied after recovery
    "LFP": (
        "0.78",
        "SMM 2025-09-12 LFP 2,825 CNY/point = 0.70 of contained Li value at "
        "75,400 CNY/t Li2CO3; / 0.90 recovery = 0.78 (computed). " + SMM_2025_09,
    ),
    "NCM": (
        "0.78",
        "SMM 2025-11-13 NCM Ni-Co 75-77%, Li 71-74% of contained value; / 0.98 "
        "recovery = 0.78 (computed). " + SMM_2025_11,
    ),
    "LMO": ("0.60", "estimate: manganese-rich black mass is paid poorly"),
    "LCO": ("0.80", "estimate: cobalt-rich black mass is paid well"),
}
PACK_WH_PER_KG = {  # estimates; LFP from BYD Blade ~150 Wh/kg at cell level (FACTS §1)
    "LFP": "125",
    "NCM523": "150",
    "NCM622": "160",
    "NCM811": "170",
    "NCA": "170",
    "LMO": "90",
    "LCO": "150",
}
RECOVERY = {"li": "0.90", "ni": "0.98", "co": "0.98", "mn": "0.98", "cu": "0.90", "al": "0.80"}
RECOVERY_SOURCE = f"Li, Ni, Co, Mn: MIIT 2024 minimums {MIIT_2024}; Cu 0.90, Al 0.80: estimates"


def _q(value: Decimal) -> str:
    return str(value.quantize(D("0.00001"), rounding=ROUND_HALF_UP))


def _fractions(chem: str) -> dict[str, dict[str, str]]:
    cathode = {m: D(v) for m, v in CATHODE[chem].items()}
    cell = D(CELL_CATHODE.get(chem, DEFAULT_CELL_CATHODE))
    bm = D(BLACK_MASS_CATHODE.get(chem, DEFAULT_BLACK_MASS_CATHODE))
    shares = {form: cell * D(s) for form, s in CELL_SHARE.items()} | {"black_mass": bm}
    out = {}
    for form, share in shares.items():
        cu, al = CU_AL[form]
        out[form] = {m: _q(v * share) for m, v in cathode.items()} | {"cu": cu, "al": al}
    return out


def _chemistries() -> dict[str, object]:
    tables: dict[str, object] = {}
    for chem in CATHODE:
        family = "NCM" if chem.startswith("NC") else chem
        payable, why = PAYABLE[family]
        tables[chem] = {
            "payable": payable,
            "pack_wh_per_kg": PACK_WH_PER_KG[chem],
            "source": f"fractions: cathode formulae x form shares ({FACTS} §1, {MYSTEEL}; "
            f"form shares estimates). payable: {why}. recovery: {RECOVERY_SOURCE}",
            "recovery": dict(RECOVERY),
            "fractions": _fractions(chem),
        }
    return tables


COSTS = {
    "processing_per_t": {"pack": "3500", "module": "3200", "cell": "3000", "black_mass": "1200"},
    "hazard_per_kg": {"intact": "0.30", "damaged": "1.50", "swollen_leaking": "4.00"},
    "logistics_per_tkm": "1.20",
    "minimum_charge": "300",
    "quote_valid_days": 7,
    "lce_per_li": "5.32",
    "grade_factor": {"A": "0.60", "B": "0.50", "C": "0.38"},
    "cycle_discount_per_1000": "0.04",
    "cycle_factor_floor": "0.80",
    "warranty_per_month": "0.005",
    "warranty_cap_months": 36,
    "volume_tiers": [["200", "0.03"], ["1000", "0.06"], ["5000", "0.10"]],
    "max_share_of_new": "0.90",
    "refurbish_per_kwh": "20",
    "aging_test_per_pack": "400",
    "source": "lce_per_li 5.32: FACTS §1. All other cost and second-life parameters are "
    "estimates, tuned so second-life LFP lands at 30-50% of the new price (FACTS §3).",
}


def _p(value: str, unit: str, as_of: str, source: str) -> dict[str, str]:
    return {"value": value, "unit": unit, "as_of": as_of, "source": source}


FX_NOTE = "USD converted at an estimated CNY/USD rate of {rate} (rate not sourced)"
LME_2024 = "http://worldal.com/market/lme/2024-10-18/172921207870867.shtml"
SHFE_2025_07 = "https://www.metal.com/en/home"
SHFE_2025_12 = "https://www.metal.com/en"
MN_2025_10 = _p(
    "13900",
    "t",
    "2025-10-21",
    "electrolytic Mn 13,800-14,000, mid: https://news.metal.com/newscontent/103579533/",
)
NEW_LFP_2025_09 = _p(
    "298",
    "kWh",
    "2025-09-30",
    "new LFP storage cells 0.298 CNY/Wh average, "
    "Sep 2025 (cells only): https://www.bak-tech.com/de/news/103.html",
)
LATE_2025 = {
    "ni": _p("117870", "t", "2025-12-08", f"SHFE Ni: {SHFE_2025_12}"),
    "cu": _p("92540", "t", "2025-12-08", f"SHFE Cu: {SHFE_2025_12}"),
    "al": _p("22160", "t", "2025-12-08", f"SHFE Al: {SHFE_2025_12}"),
    "co": _p(
        "365170",
        "t",
        "2025-12-08",
        f"refined Co ~51,650 USD/t: {SHFE_2025_12}; " + FX_NOTE.format(rate="7.07"),
    ),
    "mn": MN_2025_10,
    "lfp_point": _p(
        "3175",
        "point",
        "2025-11-13",
        "SMM LFP 3,050-3,300 CNY/point, mid "
        f"(observed at a much lower lithium price): {SMM_2025_11}",
    ),
    "new_pack.LFP": NEW_LFP_2025_09,
}
LI2CO3_2026_01 = "https://news.metal.com/en/newscontent/103748979-SMM-Analysis-January-Lithium-Carbonate-Market-A-Roller-Coaster-Ride-Fueled-by-Sentiment-Pre-holiday-Buying-"

PRICES: dict[str, dict[str, dict[str, str]]] = {
    "2024-11-29": {
        "li2co3": _p(
            "78000",
            "t",
            "2024-11-29",
            "battery-grade Li2CO3: https://moomoo.com/"
            "news/post/47601969/china-nonferrous-metals-industry-association-in-"
            "november-domestic-lithium-carbonate",
        ),
        "ni": _p(
            "118400",
            "t",
            "2024-10-18",
            f"LME Ni 16,630 USD/t: {LME_2024}; " + FX_NOTE.format(rate="7.12"),
        ),
        "cu": _p(
            "66790",
            "t",
            "2024-10-18",
            f"LME Cu 9,380 USD/t: {LME_2024}; " + FX_NOTE.format(rate="7.12"),
        ),
        "al": _p(
            "17970",
            "t",
            "2024-10-18",
            f"LME Al 2,524.5 USD/t: {LME_2024}; " + FX_NOTE.format(rate="7.12"),
        ),
        "co": _p(
            "159500",
            "t",
            "2025-02-28",
            "refined Co ~22,000 USD/t, Feb 2025 (nearest "
            "sourced figure, after this snapshot's date): https://www.africanews.com/2025/"
            "03/11/cobalt-prices-edge-up-after-dr-congo-pauses-exports/; "
            + FX_NOTE.format(rate="7.25"),
        ),
        "mn": _p(
            "13575",
            "t",
            "2025-08-25",
            "electrolytic Mn 13,500-13,650, mid (nearest "
            "sourced figure, after this snapshot's date): "
            "https://news.metal.com/newscontent/103495971/",
        ),
        "new_pack.LFP": _p(
            "269",
            "kWh",
            "2025-06-30",
            "new LFP storage cells 0.266-0.272 "
            "CNY/Wh, Jun 2025, mid (nearest sourced figure, after this "
            "snapshot's date): https://news.metal.com/newscontent/103397588/",
        ),
    },
    "2025-10-27": {
        "li2co3": _p(
            "75400",
            "t",
            "2025-10-27",
            "battery-grade Li2CO3: https://staging."
            "reportify.cn/tags/concept?page=6&tagValue=%E7%A2%B3%E9%85%B8%E9%94%82"
            "%E6%9C%9F%E8%B4%A7",
        ),
        "ni": _p("120590", "t", "2025-07-11", f"SHFE Ni: {SHFE_2025_07}"),
        "cu": _p("78320", "t", "2025-07-11", f"SHFE Cu: {SHFE_2025_07}"),
        "al": _p("20645", "t", "2025-07-11", f"SHFE Al: {SHFE_2025_07}"),
        "co": _p(
            "249250", "t", "2025-06-27", "refined Co: https://news.metal.com/newscontent/103399785/"
        ),
        "mn": MN_2025_10,
        "lfp_point": _p(
            "2825", "point", "2025-09-12", "SMM LFP 2,700-2,950 CNY/point, mid: " + SMM_2025_09
        ),
        "new_pack.LFP": NEW_LFP_2025_09,
    },
    "2026-01-05": LATE_2025
    | {
        "li2co3": _p("119500", "t", "2026-01-05", f"battery-grade Li2CO3: {LI2CO3_2026_01}"),
    },
    "2026-01-26": LATE_2025
    | {
        "li2co3": _p(
            "181500",
            "t",
            "2026-01-26",
            "battery-grade Li2CO3: https://news.metal.com/newscontent/103746081/",
        ),
    },
}


def _unknown(version: str) -> PricingError:
    return PricingError(
        PricingErrorCode.MISSING_TABLE,
        "index_version",
        f"no seeded index {version!r}; have {', '.join(PRICES)}",
    )


def snapshot_dict(version: str) -> dict[str, object]:
    """The JSON-safe dict of one seeded snapshot (a fresh copy)."""
    if version not in PRICES:
        raise _unknown(version)
    return {
        "format": 1,
        "version": version,
        "effective_date": version,
        "note": f"Seeded from FACTS.md; lithium carbonate as of {version}.",
        "prices": {k: _p(**v) for k, v in PRICES[version].items()},  # fresh copies
        "chemistries": _chemistries(),
        "costs": {k: (v.copy() if isinstance(v, dict | list) else v) for k, v in COSTS.items()},
    }


@cache
def default_snapshots() -> tuple[IndexSnapshot, ...]:
    """All seeded snapshots, oldest first."""
    return tuple(IndexSnapshot.from_dict(snapshot_dict(v)) for v in sorted(PRICES))


def latest_snapshot() -> IndexSnapshot:
    """The newest seeded snapshot."""
    return default_snapshots()[-1]


def seeded_snapshot(version: str) -> IndexSnapshot:
    """One seeded snapshot by version label (PricingError if unknown)."""
    for snap in default_snapshots():
        if snap.version == version:
            return snap
    raise _unknown(version)
