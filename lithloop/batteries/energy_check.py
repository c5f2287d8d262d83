"""PURE: does a test report add up? Capacity (Ah) × voltage (V) against the energy it implies.

A pack's measured energy is about its capacity times its voltage; a tested pack should hold
about its rated energy times its state of health. The two differ by the voltage used (the
open-circuit voltage at rest versus the nominal one), a few per cent; a typing slip (51.2 V
for a 320 V pack, kWh typed as Wh) is a factor of several. `mismatch` finds the second.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

#: How far Ah × V may stray from rated Wh × SoH before the report is refused.
DEFAULT_TOLERANCE_PCT = Decimal(15)

#: The most a pack's measured capacity may be, checked even when its rated energy (and so
#: the energy check) is unknown. The largest packs the park takes are a bus's: 250-400 kWh
#: (FACTS.md §1: Yutong E12 324 kWh, double-decker 385 kWh); 400 kWh at a pack voltage as low
#: as 200 V (traction packs run at several hundred) is 2,000 Ah. A base station's 48 V backup
#: (about 30 kWh, FACTS.md §3) is some 600 Ah. Above it is a slip: mAh, Wh, or a digit too many.
MAX_PACK_AH = Decimal(2000)

#: The most a pack's open-circuit voltage may be. Traction packs run at 300-900 V (the
#: "800 V" platforms reach about 900 V fully charged); 1,500 V d.c. is the top of the low-
#: voltage range (IEC 60038) that no battery pack the park takes exceeds. Above it is a slip:
#: mV, or a digit too many.
MAX_PACK_V = Decimal(1500)


@dataclass(frozen=True)
class EnergyMismatch:
    """A report whose Ah × V does not match rated Wh × SoH within the tolerance."""

    measured_wh: Decimal
    expected_wh: Decimal
    off_pct: Decimal


def mismatch(
    capacity_ah: Decimal,
    voltage_v: Decimal | None,
    rated_wh: int | Decimal | None,
    soh_pct: Decimal,
    tolerance_pct: Decimal = DEFAULT_TOLERANCE_PCT,
) -> EnergyMismatch | None:
    """The mismatch of a report, or None when it adds up (or lacks the voltage or rating)."""
    if not voltage_v or not rated_wh or not soh_pct:
        return None
    measured = Decimal(capacity_ah) * Decimal(voltage_v)
    expected = Decimal(rated_wh) * Decimal(soh_pct) / 100
    off = (measured - expected).copy_abs() * 100 / expected
    if off <= Decimal(tolerance_pct):
        return None
    return EnergyMismatch(measured.quantize(Decimal(1)), expected.quantize(Decimal(1)), off)
