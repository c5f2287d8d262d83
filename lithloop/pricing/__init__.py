"""Pure pricing engine: scrap lot quotes, second-life pack prices, refurbish-or-recycle.

Imports neither Flask nor the database. Money is integer fen or Decimal, never float;
each line amount is rounded once (ROUND_HALF_UP to the fen) and totals are sums of lines.

    index = latest_snapshot()                      # or IndexSnapshot.from_dict(stored_json)
    quote = quote_scrap(ScrapLot.from_dict(body), index, quoted_on=today)
    quote.to_dict()                                # the POST /api/v1/quotes/scrap shape
"""

from lithloop.pricing.errors import PricingError, PricingErrorCode
from lithloop.pricing.index import (
    LFP_POINT,
    PRICE_KEYS,
    ChemistryTable,
    CostParams,
    IndexSnapshot,
    PricePoint,
    new_pack_key,
)
from lithloop.pricing.labels import EXPLANATIONS, LABELS
from lithloop.pricing.model import (
    Chemistry,
    Condition,
    Form,
    Grade,
    Material,
    ScrapLot,
    SecondLifePack,
)
from lithloop.pricing.money import format_cny, to_fen
from lithloop.pricing.public import (
    FormulaStep,
    IndicativeRow,
    IndicativeTable,
    formula_description,
    indicative_scrap_table,
)
from lithloop.pricing.results import (
    Choice,
    Decision,
    Explanation,
    Line,
    LithiumPointView,
    ScrapQuote,
    SecondLifePrice,
)
from lithloop.pricing.scrap import quote_scrap
from lithloop.pricing.second_life import pack_mass_kg, price_second_life, refurbish_or_recycle
from lithloop.pricing.seed import default_snapshots, latest_snapshot, seeded_snapshot

__all__ = [
    "EXPLANATIONS",
    "LABELS",
    "LFP_POINT",
    "PRICE_KEYS",
    "Chemistry",
    "ChemistryTable",
    "Choice",
    "Condition",
    "CostParams",
    "Decision",
    "Explanation",
    "Form",
    "FormulaStep",
    "Grade",
    "IndexSnapshot",
    "IndicativeRow",
    "IndicativeTable",
    "Line",
    "LithiumPointView",
    "Material",
    "PricePoint",
    "PricingError",
    "PricingErrorCode",
    "ScrapLot",
    "ScrapQuote",
    "SecondLifePack",
    "SecondLifePrice",
    "default_snapshots",
    "format_cny",
    "formula_description",
    "indicative_scrap_table",
    "latest_snapshot",
    "new_pack_key",
    "pack_mass_kg",
    "price_second_life",
    "quote_scrap",
    "refurbish_or_recycle",
    "seeded_snapshot",
    "to_fen",
]
