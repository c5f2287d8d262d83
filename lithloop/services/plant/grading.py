"""Testing and grading packs by capacity division, with the refurbish-or-recycle decision.

Grades come from state of health (config GRADE_MIN_SOH, A >= 80, B >= 60, C >= 40 by
default); below C, a failed insulation test or a damaged pack is S (scrap). For A/B/C the
pricing engine compares second-life value with scrap value on the current price index.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from lithloop import clock, labels, pricing
from lithloop.batteries import energy_check
from lithloop.db import atomic as _run
from lithloop.extensions import db
from lithloop.models import Grade, Pack, PackState, PackTest, User
from lithloop.services import idempotency
from lithloop.services.accounts import policies
from lithloop.services.booking.prices import current_index
from lithloop.services.errors import Conflict, Invalid, NotFound
from lithloop.services.packs import events as pack_events
from lithloop.services.packs import state as pack_state
from lithloop.services.plant.errors import Code
from lithloop.services.strict_input import optional_int, parse_amount

REFURBISH, RECYCLE = pricing.Choice.REFURBISH.value, pricing.Choice.RECYCLE.value
MAX_CYCLES = 100_000  # far beyond any LFP cell's life (about 6,000 full cycles)
_TESTABLE = {PackState.RECEIVED: "intake", PackState.AGING: "retest"}


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


def _number(raw: dict, name: str, required: bool, message, out_of_range=None) -> Decimal | None:
    text = str(raw.get(name) or "").strip()
    if not text:
        if required:
            raise Invalid(message, field=name)
        return None
    # a number, but out of range (1e12 too): say the range ("enter the capacity" read as if
    # the field were empty when it held -5)
    out_of_range = out_of_range or _l(
        "Enter a number between %(lo)s and %(hi)s.", lo=0, hi="9,999,999"
    )
    value = parse_amount(
        text, name, message=message, maximum=MAX_TEST_VALUE, too_large=out_of_range
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


class TestRefused(Invalid):
    """Test values refused, each field with its reason (`fields`, in the form's order): the
    operator corrects them all at once, not one a submit. The message is the first one."""

    def __init__(self, fields: dict[str, object]):
        field, message = next(iter(fields.items()))
        super().__init__(message, field=field)
        self.fields = fields


def parse_test(raw: dict) -> TestValues:
    """Check typed test values; SoH must lie within 0-100 %, the insulation result must be
    given (pass or fail), the BMS cycle count is optional. Every refused field is named
    (TestRefused)."""
    refused: dict[str, object] = {}

    def checked(parse, *args):
        try:
            return parse(*args)
        except Invalid as exc:
            refused[exc.field or "_form"] = exc.message
            return None

    percentage = _l("State of health is a percentage from 0 to 100.")

    def soh_of(raw):
        soh = _number(
            raw, "soh_pct", True, _l("Enter the state of health in percent (0-100)."), percentage
        )
        if soh is not None and soh > 100:
            raise Invalid(percentage, field="soh_pct")
        return soh

    def capacity_of(raw):
        capacity = _number(raw, "capacity_ah", True, _l("Enter the measured capacity in Ah."))
        if capacity is not None and capacity.quantize(Decimal("0.01")) <= 0:
            raise Invalid(
                _l("A measured capacity must be more than 0 Ah (0 Ah holds no charge)."),
                field="capacity_ah",
            )
        if capacity is not None:
            check_capacity_ceiling(capacity)
        return capacity

    capacity = checked(capacity_of, raw)
    soh = checked(soh_of, raw)
    resistance = checked(
        _number, raw, "resistance_mohm", False, _l("Enter the internal resistance in mΩ.")
    )
    ocv = checked(_number, raw, "ocv_v", False, _l("Enter the open-circuit voltage in V."))
    cycles = checked(
        lambda: optional_int(raw.get("cycle_count"), "cycle_count", maximum=MAX_CYCLES)
    )
    insulation = checked(insulation_result, raw.get("insulation_ok"))
    if refused:
        raise TestRefused(refused)
    return TestValues(
        capacity_ah=capacity.quantize(Decimal("0.01")),
        soh_pct=soh.quantize(Decimal("0.01")),
        resistance_mohm=resistance,
        ocv_v=ocv,
        insulation_ok=insulation,
        visual_damage=str(raw.get("visual_damage") or "").strip()[:200],
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
            ah=capacity_ah,
            v=voltage_v,
            m=f"{found.measured_wh / 1000:.2f}",
            r=f"{Decimal(rated_wh) / 1000:.2f}",
            soh=soh_pct,
            e=f"{found.expected_wh / 1000:.2f}",
            off=f"{found.off_pct:.0f}",
            tol=f"{tolerance:g}",
        ),
        field="capacity_ah",
        code=Code.ENERGY_MISMATCH,
    )


def grade_for(
    soh_pct: Decimal,
    *,
    insulation_ok: bool = True,
    damaged: bool = False,
    thresholds: dict[str, int] | None = None,
) -> Grade:
    """Capacity division: the best grade whose minimum SoH the pack reaches, else S."""
    if not insulation_ok or damaged:
        return Grade.S
    limits = thresholds if thresholds is not None else current_app.config["GRADE_MIN_SOH"]
    for grade in (Grade.A, Grade.B, Grade.C):
        if grade.value in limits and soh_pct >= Decimal(limits[grade.value]):
            return grade
    return Grade.S


def rated_kwh_of(pack: Pack, index: pricing.IndexSnapshot) -> Decimal:
    """The pack's rated kWh, or an estimate from its mass and the chemistry's Wh/kg."""
    if pack.rated_wh:
        return Decimal(pack.rated_wh) / 1000
    wh_per_kg = index.table(pricing.Chemistry(pack.chemistry)).pack_wh_per_kg
    return (Decimal(pack.mass_kg) * wh_per_kg / 1000).quantize(Decimal("0.01"))


def decide(pack: Pack, grade: Grade, soh_pct: Decimal) -> pricing.Decision | None:
    """The pricing engine's refurbish-or-recycle for an A/B/C pack (None: S or unpriceable)."""
    if grade is Grade.S:
        return None
    index = current_index()
    try:
        return pricing.refurbish_or_recycle(
            pricing.SecondLifePack(
                chemistry=pack.chemistry,
                rated_kwh=rated_kwh_of(pack, index),
                soh_pct=soh_pct,
                cycles=pack.cycle_count,  # None (never read): priced as the most worn
                grade=grade.value,
                mass_kg=pack.mass_kg,
            ),
            index,
        )
    except (pricing.PricingError, ValueError):
        return None


def lock_pack(pack_id: int) -> Pack:
    """A pack by id, locked for the rest of the transaction."""
    pack = db.session.scalar(sa.select(Pack).where(Pack.id == pack_id).with_for_update())
    if pack is None:
        raise NotFound(_l("No such pack."))
    return pack


def record_test(user: User, pack_id: int, raw: dict, token: str | None = None) -> PackTest:
    """Store a test, grade the pack and its decision; a retest graded S goes to RAW.

    `token` is the form's one-time token: a second submit of the same form (a double
    click, at the same moment or later) gets the first one's test, stored and graded once."""
    policies.require(
        user, policies.PLANT_STAFF, _l("Only plant operators receive, grade and move packs.")
    )

    def work():
        pack = lock_pack(pack_id)  # a twin submit waits here, then finds the token used
        held = idempotency.claim("pack_test", user.organisation_id, token, field="test_token")
        if held.replay_of is not None:
            return db.session.get(PackTest, held.replay_of)
        kind = _TESTABLE.get(pack.state)
        if kind is None:
            raise Conflict(
                _l(
                    "Pack %(code)s is %(state)s; only received packs and packs in "
                    "aging are tested.",
                    code=pack.code,
                    state=labels.label(labels.PACK_STATE, pack.state),
                ),
                code=Code.NOT_TESTABLE,
            )
        values = parse_test(raw)
        check_energy(values.capacity_ah, values.ocv_v, pack.rated_wh, values.soh_pct)
        if values.damaged:
            pack.damaged = True
        if values.cycle_count is not None:
            pack.cycle_count = values.cycle_count
        test = PackTest(
            pack=pack,
            kind=kind,
            capacity_ah=values.capacity_ah,
            soh_pct=values.soh_pct,
            resistance_mohm=values.resistance_mohm,
            ocv_v=values.ocv_v,
            insulation_ok=values.insulation_ok,
            visual_damage=values.visual_damage,
            by_user_id=user.id,
            at=clock.now(),
        )
        db.session.add(test)
        grade = grade_for(values.soh_pct, insulation_ok=values.insulation_ok, damaged=pack.damaged)
        decision = decide(pack, grade, values.soh_pct)
        pack.grade, pack.soh_pct, pack.capacity_ah = grade, values.soh_pct, values.capacity_ah
        pack.decision = decision.choice.value if decision else RECYCLE
        pack_events.record(
            pack,
            "tested",
            user,
            data={
                "kind": kind,
                "capacity_ah": str(values.capacity_ah),
                "soh_pct": str(values.soh_pct),
                "insulation_ok": values.insulation_ok,
                "damaged": pack.damaged,
                **({"cycle_count": values.cycle_count} if values.cycle_count is not None else {}),
            },
        )
        pack_events.record(
            pack,
            "graded",
            user,
            data={
                "grade": grade.value,
                "decision": pack.decision,
                "index_version": decision.index_version if decision else None,
                "margin_fen": decision.total_fen if decision else None,
            },
        )
        if kind == "retest" and grade is Grade.S:
            pack_state.place(pack, PackState.RAW, user, data={"reason": "failed retest"})
        db.session.flush()
        idempotency.bind(held, test.id)
        return test

    return _run(work)


def second_life_ok(pack: Pack) -> bool:
    """True when grade and decision both say second life."""
    return pack.grade in (Grade.A, Grade.B, Grade.C) and pack.decision == REFURBISH


def send(user: User, pack_id: int, to: str | None = None) -> Pack:
    """Send a graded, received pack on: AGING for second life, RAW to be dismantled."""
    policies.require(
        user, policies.PLANT_STAFF, _l("Only plant operators receive, grade and move packs.")
    )

    def work():
        pack = lock_pack(pack_id)
        if pack.state is not PackState.RECEIVED:
            raise Conflict(
                _l(
                    "Pack %(code)s was already sent on (%(state)s).",
                    code=pack.code,
                    state=labels.label(labels.PACK_STATE, pack.state),
                ),
                code=Code.ALREADY_SENT,
            )
        if pack.grade is None:
            raise Conflict(
                _l("Test and grade pack %(code)s first.", code=pack.code), code=Code.NOT_GRADED
            )
        target = to or ("aging" if second_life_ok(pack) else "raw")
        if target == "aging":
            if not second_life_ok(pack):
                raise Conflict(
                    _l(
                        "Pack %(code)s is grade %(g)s with decision %(d)s: it goes "
                        "to the raw-material warehouse.",
                        code=pack.code,
                        g=pack.grade.value,
                        d=pack.decision,
                    ),
                    code=Code.NOT_SECOND_LIFE,
                )
            days = int(current_app.config["AGING_DAYS"])
            pack.aging_until = clock.today() + timedelta(days=days)
            pack_state.place(
                pack, PackState.AGING, user, data={"aging_until": pack.aging_until.isoformat()}
            )
        elif target == "raw":
            pack_state.place(pack, PackState.RAW, user)
        else:
            raise Invalid(_l("Choose the aging or the raw-material warehouse."), field="to")
        return pack

    return _run(work)


def get_pack(pack_id: int) -> Pack:
    """A pack by id for the park's pages; NotFound otherwise."""
    pack = db.session.get(Pack, pack_id)
    if pack is None:
        raise NotFound(_l("No such pack."))
    return pack


def awaiting_grading() -> list[Pack]:
    """Received packs not yet graded, oldest first."""
    return list(
        db.session.scalars(
            sa.select(Pack)
            .where(Pack.state == PackState.RECEIVED, Pack.grade.is_(None))
            .order_by(Pack.id)
        )
    )


def awaiting_sending() -> list[Pack]:
    """Received packs graded but not yet sent to a warehouse, oldest first."""
    return list(
        db.session.scalars(
            sa.select(Pack)
            .where(Pack.state == PackState.RECEIVED, Pack.grade.is_not(None))
            .order_by(Pack.id)
        )
    )
