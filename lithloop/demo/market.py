"""Demo stock for the market: refurbished packs listed in the finished-product warehouse."""

from __future__ import annotations

import random
from datetime import date
from decimal import Decimal

import sqlalchemy as sa

from lithloop import clock
from lithloop.batteries.codes import letter_for_chemistry, make_park_code
from lithloop.extensions import db
from lithloop.models import Grade, Pack, PackState, PackTest
from lithloop.services.booking import prices as price_service
from lithloop.services.packs.state import place

#: LFP only: the index has a new-pack price for LFP alone.
#: (chemistry, rated Wh, grade, nominal SoH, cycles, warranty, use, how many)
SPECS = [
    ("LFP", 51_200, "A", Decimal("88"), 1100, 24, "storage", 8),
    ("LFP", 14_336, "B", Decimal("72"), 1800, 12, "base_station", 6),
    ("LFP", 5_120, "B", Decimal("70"), 900, 12, "low_speed_vehicle", 5),
    ("LFP", 51_200, "C", Decimal("55"), 2600, 6, "storage", 3),
]
_SERIAL_BASE = 9_000_000


def seed_market_packs(seed: int = 7) -> int:
    """List refurbished packs for sale if none are listed yet; returns how many were made."""
    if db.session.scalar(sa.select(sa.func.count(Pack.id)).where(Pack.refurbished.is_(True))):
        return 0
    rng = random.Random(seed)
    index = price_service.current_index()
    made, serial = 0, _SERIAL_BASE
    for chemistry, rated_wh, grade, soh, cycles, warranty, use, count in SPECS:
        price = price_service.price_second_life(
            {
                "chemistry": chemistry,
                "rated_kwh": str(Decimal(rated_wh) / 1000),
                "soh_pct": str(soh),
                "cycles": cycles,
                "grade": grade,
                "warranty_months": warranty,
            }
        )
        for _ in range(count):
            serial += 1
            code = make_park_code(
                serial,
                chemistry_letter=letter_for_chemistry(chemistry) or "Z",
                product_type="P",
                produced=date(2025, 10, 1),
                traceability="RF00000",
            )
            actual = soh + Decimal(rng.randint(0, 40)) / 10
            pack = Pack(
                code=code,
                code_assigned=True,
                chemistry=chemistry,
                rated_wh=rated_wh,
                mass_kg=price.mass_kg,
                state=PackState.AGING,
                grade=Grade(grade),
                decision="refurbish",
                soh_pct=actual,
                cycle_count=cycles,
                capacity_ah=Decimal(rated_wh) / Decimal("3.2") / 100 * actual / 100,
                refurbished=True,
                price_fen=price.price_fen,
                price_index_version=index.version,
                warranty_months=warranty,
                use_case=use,
            )
            db.session.add(pack)
            db.session.add(
                PackTest(
                    pack=pack,
                    kind="final",
                    soh_pct=actual,
                    capacity_ah=pack.capacity_ah.quantize(Decimal("0.01")),
                    resistance_mohm=Decimal("18.5"),
                    ocv_v=Decimal("332.80"),  # 100 LFP cells at rest (320 V nominal)
                    insulation_ok=True,
                    at=clock.now(),
                )
            )
            place(
                pack,
                PackState.FINISHED,
                None,
                "listed",
                data={"price_fen": price.price_fen, "index_version": index.version},
            )
            made += 1
    db.session.commit()
    return made
