"""A pack test as the operator types it: the measured values checked (every refused field
named at once), the insulation result, and the energy check of Ah × V against rated Wh ×
SoH that catches a typing slip. Grading them is grading.py."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from flask import current_app
from flask_babel import lazy_gettext as _l

from lithloop.batteries import energy_check
from lithloop.services.errors import FieldChecks, Invalid
from lithloop.services.plant.errors import Code
from lithloop.services.strict_input import limited_text, optional_int, parse_amount

DAMAGE_MAX = 200  # pack_test.visual_damage's length, and the field's maxlength
MAX_CYCLES = 100_000  # far beyond any LFP cell's life (about 6,000 full cycles)


@dataclass(frozen=True)
class TestValues:
    """One test as typed, checked."""

    capacity_ah: Decimal
    soh_pct: Decimal
    resistance_mohm: Decimal | None
    ocv_v: Decimal | None
    insulation_ok: bool
    visual_damage: str
    damaged: bool
    cycle_count: int | None = None  # the BMS's counter, when it could be read


MAX_TEST_VALUE = Decimal(9_999_999)  # the largest capacity, resistance or voltage typed
CAPACITY_RANGE = _l("Enter a capacity of more than 0 and at most 9,999,999 Ah.")
VOLTAGE_RANGE = _l(
    "Enter an open-circuit voltage between 0 and %(n)s V.", n=f"{energy_check.MAX_PACK_V:,}"
)


#: What a box holding no number is told ("enter the resistance" read as if it were empty).
NOT_A_NUMBER = {
    "capacity_ah": _l("The measured capacity is not a number: enter it in Ah, such as 104.5."),
    "soh_pct": _l("The state of health is not a number: enter a percentage, such as 86.5."),
    "resistance_mohm": _l("The internal resistance is not a number: enter it in mΩ, such as 1.2."),
    "ocv_v": _l("The open-circuit voltage is not a number: enter it in V, such as 332.8."),
}


def _number(raw: dict, name: str, missing=None, out_of_range=None) -> Decimal | None:
    """The box's number; `missing` asks for a required value left out (None: optional)."""
    text = str(raw.get(name) or "").strip()
    if not text:
        if missing is not None:
            raise Invalid(missing, field=name)
        return None
    # a number, but out of range (1e12 too): say the range ("enter the capacity" read as if
    # the field were empty when it held -5)
    out_of_range = out_of_range or _l(
        "Enter a number between %(lo)s and %(hi)s.", lo=0, hi="9,999,999"
    )
    value = parse_amount(
        text, name, message=NOT_A_NUMBER[name], maximum=MAX_TEST_VALUE, too_large=out_of_range
    )
    if value < 0:
        raise Invalid(out_of_range, field=name)
    return value


def insulation_result(value) -> bool:
    """The insulation result as answered (pass or fail): a safety result has no default,
    no answer is Invalid on the field `insulation_ok`."""
    answer = str(value if value is not None else "").strip().lower()
    if answer in ("1", "true", "on", "yes", "pass"):
        return True
    if answer in ("0", "false", "off", "no", "fail"):
        return False
    raise Invalid(_l("Say whether the insulation test passed or failed."), field="insulation_ok")


def voltage_of(raw: dict) -> Decimal | None:
    """The open-circuit voltage typed (None when not measured), within a pack's range."""
    voltage = _number(raw, "ocv_v", None, VOLTAGE_RANGE)
    check_voltage(voltage)
    return voltage


def parse_test(raw: dict) -> TestValues:
    """Check typed test values; SoH must lie within 0-100 %, the insulation result must be
    given (pass or fail), the BMS cycle count is optional. Every refused field is named
    (FieldsRefused)."""
    checked = FieldChecks()
    percentage = _l("State of health is a percentage from 0 to 100.")

    def soh_of(raw):
        soh = _number(
            raw, "soh_pct", _l("Enter the state of health in percent (0-100)."), percentage
        )
        if soh is not None and soh > 100:
            raise Invalid(percentage, field="soh_pct")
        if soh is not None and 0 < soh <= 1:  # 0.82 typed for 82 %: graded scrap (a walk)
            raise Invalid(
                _l(
                    "A state of health of %(v)s %% is almost nothing: if you meant a fraction, "
                    "type %(p)s (percent).",
                    v=f"{soh.normalize():f}",
                    p=f"{(soh * 100).normalize():f}",
                ),
                field="soh_pct",
            )
        return soh

    def capacity_of(raw):
        capacity = _number(
            raw,
            "capacity_ah",
            _l("Enter the measured capacity in Ah."),
            CAPACITY_RANGE,  # not "between 0 and ...": 0 Ah is refused too
        )
        if capacity is not None:  # checked as it is stored: 2000.004 is 2000.00, 0.004 is 0
            capacity = capacity.quantize(Decimal("0.01"))
        if capacity is not None and capacity <= 0:
            raise Invalid(
                _l("A measured capacity must be more than 0 Ah (0 Ah holds no charge)."),
                field="capacity_ah",
            )
        if capacity is not None:
            check_capacity_ceiling(capacity)
        return capacity

    capacity = checked(capacity_of, raw)
    soh = checked(soh_of, raw)
    resistance = checked(_number, raw, "resistance_mohm")  # optional: empty is None
    ocv = checked(voltage_of, raw)
    cycles = checked(
        lambda: optional_int(raw.get("cycle_count"), "cycle_count", maximum=MAX_CYCLES)
    )
    insulation = checked(insulation_result, raw.get("insulation_ok"))
    damage = checked(limited_text, raw.get("visual_damage"), "visual_damage", DAMAGE_MAX)
    checked.done()
    return TestValues(
        capacity_ah=capacity.quantize(Decimal("0.01")),
        soh_pct=soh.quantize(Decimal("0.01")),
        resistance_mohm=resistance,
        ocv_v=ocv,
        insulation_ok=insulation,
        visual_damage=damage,
        damaged=str(raw.get("damaged", "")).lower() in ("1", "true", "on", "yes"),
        cycle_count=cycles,
    )


def check_capacity_ceiling(capacity_ah: Decimal) -> None:
    """Refuse a measured capacity above any pack's (energy_check.MAX_PACK_AH), whether or
    not the pack's rated energy is known to check Ah x V against."""
    if capacity_ah > energy_check.MAX_PACK_AH:
        raise Invalid(
            _l(
                "%(ah)s Ah is more than any pack holds (at most %(n)s Ah: even a 400 kWh bus "
                "pack holds less). Check the capacity: in Ah, not mAh or Wh.",
                ah=f"{capacity_ah:,f}",
                n=f"{energy_check.MAX_PACK_AH:,}",
            ),
            field="capacity_ah",
        )


def check_voltage(ocv_v: Decimal | None) -> None:
    """Refuse an open-circuit voltage below 0 V or above any pack's (MAX_PACK_V); None is
    "not measured"."""
    if ocv_v is None:
        return
    if ocv_v < 0:
        raise Invalid(VOLTAGE_RANGE, field="ocv_v")
    if ocv_v > energy_check.MAX_PACK_V:
        raise Invalid(
            _l(
                "%(v)s V is more than any pack's voltage (at most %(n)s V). Check the "
                "open-circuit voltage: in V, not mV.",
                v=f"{ocv_v:,f}",
                n=f"{energy_check.MAX_PACK_V:,}",
            ),
            field="ocv_v",
        )


def check_resistance(resistance_mohm: Decimal | None) -> None:
    """Refuse an internal resistance outside 0 to MAX_TEST_VALUE mΩ, as the test form does;
    None is "not measured"."""
    if resistance_mohm is not None and not 0 <= resistance_mohm <= MAX_TEST_VALUE:
        raise Invalid(
            _l("Enter a number between %(lo)s and %(hi)s.", lo=0, hi="9,999,999"),
            field="resistance_mohm",
        )


def check_energy(capacity_ah, voltage_v, rated_wh, soh_pct) -> None:
    """Refuse a test report whose Ah × V is far from rated Wh × SoH (a typing slip)."""
    tolerance = Decimal(str(current_app.config.get("ENERGY_CHECK_TOLERANCE_PCT", 15)))
    found = energy_check.mismatch(capacity_ah, voltage_v, rated_wh, soh_pct, tolerance)
    if found is None:
        return
    raise Invalid(
        _l(
            "%(ah)s Ah × %(v)s V = %(m)s kWh, but a pack rated %(r)s kWh at %(soh)s %% state "
            "of health holds about %(e)s kWh (%(off)s %% apart; at most %(tol)s %% is "
            "accepted). Check the capacity, the voltage and the state of health.",
            ah=f"{Decimal(capacity_ah):,}",
            v=f"{Decimal(voltage_v):,}",
            m=f"{found.measured_wh / 1000:,.2f}",
            r=f"{Decimal(rated_wh) / 1000:,.2f}",
            soh=soh_pct,
            e=f"{found.expected_wh / 1000:,.2f}",
            off=f"{found.off_pct:,.0f}",
            tol=f"{tolerance:g}",
        ),
        field="capacity_ah",
        code=Code.ENERGY_MISMATCH,
    )
