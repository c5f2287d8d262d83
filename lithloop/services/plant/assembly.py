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

from lithloop import clock, labels, pricing
from lithloop.batteries import letter_for_chemistry, make_park_code
from lithloop.batteries.codes import normalise
from lithloop.extensions import db
from lithloop.i18n import listed
from lithloop.models import WAREHOUSE_OF_STATE, Grade, Pack, PackState, PackTest, User
from lithloop.services import idempotency
from lithloop.services.booking.prices import current_index
from lithloop.services.booking.pricing_refusals import refusal
from lithloop.services.errors import Conflict, Invalid, NotFound, ServiceError
from lithloop.services.packs import events as pack_events
from lithloop.services.packs import state as pack_state
from lithloop.services.plant import park_serials
from lithloop.services.plant.assembly_checks import check_order, problems
from lithloop.services.plant.dismantling import check_role
from lithloop.services.plant.errors import Code
from lithloop.services.plant.grading import grade_for
from lithloop.services.plant.warehouses import aged_when_retested

SECOND_LIFE_GRADES = (Grade.A, Grade.B, Grade.C)
TRACEABILITY = "SL0000"  # + the line character (PARK_CODE_LINE)


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
    """True when the pack's latest retest, taken after aging, passes (insulation and grade C)."""
    retests = [t for t in pack.tests if t.kind == "retest"]
    if not retests or not aged_when_retested(pack, retests[-1]):
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
    retests = [t for t in pack.tests if t.kind == "retest"]
    if pack.state is PackState.AGING and retests and not aged_when_retested(pack, retests[-1]):
        return str(
            _l(
                "Pack %(code)s is aging until %(day)s: retest it on or after that day, then "
                "build with it.",
                code=pack.code,
                day=pack.aging_until.isoformat() if pack.aging_until else "—",
            )
        )
    if pack.state is PackState.AGING and not passed_retest(pack):
        return str(_l("Pack %(code)s has not passed its retest after aging.", code=pack.code))
    return None


def _parents_refusal(codes: tuple[str, ...], found: dict[str, Pack]) -> ServiceError | None:
    """Why these parents cannot make one pack (the first reason), or None."""
    if not codes:
        return Invalid(_l("Name at least one parent pack."), field="parents")
    if missing := [c for c in codes if c not in found]:
        return NotFound(_l("No pack with code %(code)s.", code=missing[0]), field="parents")
    parents = [found[c] for c in codes]
    for pack in parents:
        if reason := _refusal(pack):
            return Conflict(reason, field="parents", code=Code.PARENT_UNUSABLE)
    chemistries = {p.chemistry for p in parents}
    if len(chemistries) > 1:
        return Invalid(
            _l(
                "The parents must share one chemistry (found %(c)s).",
                c=listed([labels.label(labels.CHEMISTRY, c) for c in sorted(chemistries)]),
            ),
            field="parents",
        )
    return None


def lock_parents(codes: tuple[str, ...]) -> list[Pack]:
    """The parents, row-locked in id order and re-read; Conflict names the first unusable."""
    found = pack_state.lock_by_codes(codes, field="parents") if codes else {}
    if refused := _parents_refusal(codes, found):
        raise refused
    return [found[c] for c in codes]


def _codes(order: BuildOrder) -> tuple[str, ...]:
    return tuple(dict.fromkeys(normalise(c) for c in order.parent_codes if c.strip()))


def order_problems(order: BuildOrder, found: dict[str, str]) -> dict[str, str]:
    """Every field's refusal of a build order at once, added to `found` (what the form
    could not read, its fields None in the order); the parents read, not locked."""
    problems(order, found)
    codes = _codes(order)
    packs = db.session.scalars(sa.select(Pack).where(Pack.code.in_(codes))) if codes else []
    if refused := _parents_refusal(codes, {p.code: p for p in packs}):
        found.setdefault("parents", str(refused.message))
    return found


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


def worst_cycles(parents) -> int | None:
    """The built pack's cycle count: its most-cycled parent's, or None (unknown) when any
    parent's count was never read (the unread one may be the highest)."""
    counts = [p.cycle_count for p in parents]
    if not counts or any(c is None for c in counts):
        return None
    return max(counts)


def build(user: User, order: BuildOrder, *, held: idempotency.Claim | None = None) -> Pack:
    """Build, test, price and list a refurbished pack; consume its parents (all or nothing);
    `held`, a form's one-time token claimed in this transaction, is bound to the pack."""
    check_role(user)
    grade = check_order(order)
    try:
        parents = lock_parents(_codes(order))
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
        if held is not None:
            idempotency.bind(held, pack.id)
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
