"""Testing and grading packs by capacity division, with the refurbish-or-recycle decision.

Grades come from state of health (config GRADE_MIN_SOH, A >= 80, B >= 60, C >= 40 by
default); below C, a failed insulation test or a damaged pack is S (scrap). For A/B/C the
pricing engine compares second-life value with scrap value on the current price index.
The test as typed and its checks are measurements.py.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import timedelta
from decimal import Decimal

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from lithloop import clock, labels, pricing
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
from lithloop.services.plant.measurements import check_energy, parse_test

REFURBISH, RECYCLE = pricing.Choice.REFURBISH.value, pricing.Choice.RECYCLE.value
_TESTABLE = {PackState.RECEIVED: "intake", PackState.AGING: "retest"}


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
    pack = db.session.scalar(
        sa.select(Pack)
        .where(Pack.id == pack_id)
        .with_for_update()
        .execution_options(populate_existing=True)  # not the state a caller loaded before
    )
    if pack is None:
        raise NotFound(_l("No such pack."))
    return pack


RESENT_CHANGED = _l(
    "This form was saved before, with other values (its test is in the list below), so "
    "the values sent now were not saved. To correct the test, record a new one with the "
    "form below."
)


def record_test(user: User, pack_id: int, raw: dict, token: str | None = None) -> PackTest:
    """Store a test, grade the pack and its decision; a retest graded S goes to RAW.

    `token` is the form's one-time token: a second submit of the same form (a double
    click, at the same moment or later) gets the first one's test, stored and graded once."""
    policies.require(
        user, policies.PLANT_STAFF, _l("Only plant operators receive, grade and move packs.")
    )

    def work():
        pack = lock_pack(pack_id)  # a twin submit waits here, then finds the token used
        values = parse_test(raw)  # read first: a form sent again is compared by its values
        try:
            held = idempotency.claim(
                "pack_test", user.organisation_id, token, asdict(values), field="test_token"
            )
        except idempotency.KeyReused as exc:  # sent again, changed (the browser's back)
            raise Conflict(RESENT_CHANGED, field="test_token", code=Code.RESENT_CHANGED) from exc
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
                        d=labels.label(labels.DECISION, pack.decision),
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
