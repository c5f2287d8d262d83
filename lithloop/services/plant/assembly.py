"""Second-life assembly: a refurbished pack built from modules of graded parent packs.

One transaction: the parents are row-locked (FOR UPDATE, in id order) and checked, the new
pack gets a park code, its final test, grade and price, the parents become CONSUMED and the
new pack is listed in the finished-product warehouse. Any refusal rolls everything back.

Codes: GB/T 34014 with the park as manufacturer, product type P, traceability "SL00000"
+ the line character (second life, apart from the codes intake mints) and a serial from the
park's sequence (park_serials), which the database hands out once: two assemblies at the
same time cannot mint the same code.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from lithloop import clock, labels, pricing, vocab
from lithloop.batteries import letter_for_chemistry, make_park_code
from lithloop.batteries.codes import normalise
from lithloop.extensions import db
from lithloop.i18n import listed
from lithloop.models import WAREHOUSE_OF_STATE, Grade, Pack, PackState, PackTest, User
from lithloop.services.booking.prices import current_index
from lithloop.services.booking.pricing_refusals import refusal
from lithloop.services.errors import Conflict, Invalid
from lithloop.services.packs import events as pack_events
from lithloop.services.packs import state as pack_state
from lithloop.services.plant import park_serials
from lithloop.services.plant.dismantling import check_role
from lithloop.services.plant.errors import Code
from lithloop.services.plant.grading import grade_for
from lithloop.services.plant.measurements import check_capacity_ceiling, check_energy

USE_CASES = tuple(vocab.values(vocab.UseCase))
SECOND_LIFE_GRADES = (Grade.A, Grade.B, Grade.C)
TRACEABILITY = "SL0000"  # + the line character (PARK_CODE_LINE)
MAX_WARRANTY_MONTHS = 120


@dataclass(frozen=True)
class FinalTest:
    """The test report of a built pack."""

    capacity_ah: Decimal
    soh_pct: Decimal
    resistance_mohm: Decimal | None
    ocv_v: Decimal | None
    insulation_ok: bool


@dataclass(frozen=True)
class BuildOrder:
    """What the operator asks for: parents, the new pack's facts and its final test."""

    parent_codes: tuple[str, ...]
    rated_wh: int
    mass_kg: Decimal
    test: FinalTest
    warranty_months: int
    use_case: str


def passed_retest(pack: Pack) -> bool:
    """True when the pack's latest retest after aging passes (insulation and grade C)."""
    retests = [t for t in pack.tests if t.kind == "retest"]
    if not retests:
        return False
    last = retests[-1]
    return grade_for(Decimal(last.soh_pct), insulation_ok=last.insulation_ok) is not Grade.S


def _refusal(pack: Pack) -> str | None:
    if pack.state not in (PackState.AGING, PackState.FINISHED):
        return str(
            _l(
                "Pack %(code)s is %(state)s and cannot be a parent.",
                code=pack.code,
                state=labels.label(labels.PACK_STATE, pack.state),
            )
        )
    if pack.grade not in SECOND_LIFE_GRADES:
        return str(_l("Pack %(code)s is not graded A, B or C.", code=pack.code))
    if pack.state is PackState.AGING and not passed_retest(pack):
        return str(_l("Pack %(code)s has not passed its retest after aging.", code=pack.code))
    return None


def lock_parents(codes: tuple[str, ...]) -> list[Pack]:
    """The parents, row-locked in id order and re-read; Conflict names the first unusable."""
    if not codes:
        raise Invalid(_l("Name at least one parent pack."), field="parents")
    found = pack_state.lock_by_codes(codes, field="parents")
    parents = [found[c] for c in codes]
    for pack in parents:
        reason = _refusal(pack)
        if reason:
            raise Conflict(reason, field="parents", code=Code.PARENT_UNUSABLE)
    if len({p.chemistry for p in parents}) > 1:
        raise Invalid(
            _l(
                "The parents must share one chemistry (found %(c)s).",
                c=listed(sorted({p.chemistry for p in parents})),
            ),
            field="parents",
        )
    return parents


def _price(order: BuildOrder, chemistry: str, grade: Grade, cycles: int | None):
    try:
        item = pricing.SecondLifePack(
            chemistry=chemistry,
            rated_kwh=Decimal(order.rated_wh) / 1000,
            soh_pct=order.test.soh_pct,
            cycles=cycles,
            grade=grade.value,
            warranty_months=order.warranty_months,
            mass_kg=order.mass_kg,
        )
        return pricing.price_second_life(item, current_index())
    except pricing.PricingError as exc:  # the engine's kWh is the form's Wh: beside that box
        raise refusal(exc, "rated_wh" if exc.field == "rated_kwh" else None) from exc


def _check(order: BuildOrder) -> Grade:
    # numbers typed at or below 0 (a box left empty is refused before): say the range
    if order.rated_wh <= 0:
        raise Invalid(_l("The rated energy must be more than 0 Wh."), field="rated_wh")
    if order.mass_kg <= 0:
        raise Invalid(_l("The mass must be more than 0 kg."), field="mass_kg")
    if not 0 <= order.test.soh_pct <= 100:
        raise Invalid(_l("SoH must be between 0 and 100."), field="soh_pct")
    if order.test.capacity_ah <= 0:
        raise Invalid(
            _l("A measured capacity must be more than 0 Ah (0 Ah holds no charge)."),
            field="capacity_ah",
        )
    check_capacity_ceiling(order.test.capacity_ah)
    check_energy(order.test.capacity_ah, order.test.ocv_v, order.rated_wh, order.test.soh_pct)
    if order.use_case not in USE_CASES:
        raise Invalid(_l("Choose a use case."), field="use_case")
    if not 0 <= order.warranty_months <= MAX_WARRANTY_MONTHS:
        raise Invalid(_l("Warranty: 0 to 120 months."), field="warranty_months")
    grade = grade_for(order.test.soh_pct, insulation_ok=order.test.insulation_ok)
    if grade is Grade.S:
        raise Invalid(
            _l("The final test does not reach grade C: this pack cannot be sold for second life."),
            field="soh_pct",
        )
    return grade


def worst_cycles(parents) -> int | None:
    """The built pack's cycle count: its most-cycled parent's, or None (unknown) when any
    parent's count was never read (the unread one may be the highest)."""
    counts = [p.cycle_count for p in parents]
    if not counts or any(c is None for c in counts):
        return None
    return max(counts)


def build(user: User, order: BuildOrder) -> Pack:
    """Build, test, price and list a refurbished pack; consume its parents (all or nothing)."""
    check_role(user)
    grade = _check(order)
    codes = tuple(dict.fromkeys(normalise(c) for c in order.parent_codes if c.strip()))
    try:
        parents = lock_parents(codes)
        chemistry = parents[0].chemistry
        cycles = worst_cycles(parents)
        price = _price(order, chemistry, grade, cycles)  # unknown: priced as the most worn
        pack = Pack(
            code=f"NEW-{secrets.token_hex(8)}",
            chemistry=chemistry,
            form="pack",
            rated_wh=order.rated_wh,
            mass_kg=order.mass_kg,
            state=PackState.RECEIVED,
            grade=grade,
            decision="refurbish",
            soh_pct=order.test.soh_pct,
            capacity_ah=order.test.capacity_ah,
            cycle_count=cycles,
            refurbished=True,
            price_fen=price.price_fen,
            price_index_version=price.index_version,
            warranty_months=order.warranty_months,
            use_case=order.use_case,
        )
        pack.parents = parents
        db.session.add(pack)
        db.session.flush()
        pack.code = make_park_code(
            park_serials.next_serial(),
            chemistry_letter=letter_for_chemistry(chemistry) or "Z",
            product_type="P",
            produced=clock.today(),
            traceability=TRACEABILITY + park_serials.line(),
        )
        t = order.test
        db.session.add(
            PackTest(
                pack=pack,
                kind="final",
                capacity_ah=t.capacity_ah,
                soh_pct=t.soh_pct,
                resistance_mohm=t.resistance_mohm,
                ocv_v=t.ocv_v,
                insulation_ok=t.insulation_ok,
                by_user_id=user.id,
            )
        )
        for parent in parents:
            pack_state.place(parent, PackState.CONSUMED, user, "consumed", data={"into": pack.code})
        pack_events.record(
            pack, "built", user, data={"parents": [p.code for p in parents], "grade": grade.value}
        )
        _list(pack, user)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return pack


def _list(pack: Pack, user: User) -> None:
    """Put the new pack in the finished-product warehouse with a "listed" event.

    pack_state.place refuses RECEIVED -> FINISHED (a received pack must be graded and aged
    first); a pack built here has had its final test, so it is listed directly, with the
    same event facts as place() would record.
    """
    warehouse = WAREHOUSE_OF_STATE[PackState.FINISHED]
    pack.state, pack.warehouse, pack.warehouse_since = PackState.FINISHED, warehouse, clock.now()
    pack_events.record(
        pack,
        "listed",
        user,
        data={
            "from": None,
            "to": PackState.FINISHED.value,
            "warehouse": warehouse.value,
            "price_fen": pack.price_fen,
            "index_version": pack.price_index_version,
        },
    )


def recent_builds(limit: int = 20) -> list[Pack]:
    """The latest refurbished packs, newest first, with their parents (two queries)."""
    return list(
        db.session.scalars(
            sa.select(Pack)
            .where(Pack.refurbished.is_(True))
            .options(selectinload(Pack.parents))
            .order_by(Pack.id.desc())
            .limit(limit)
        )
    )
