"""Dismantling batches on the park's recycling lines: packs in, weighed materials out.

A pack is placed in DISMANTLED (event "dismantled", data {batch, line}) when it is ADDED to
a batch, not when the batch closes: once a pack is on the line it has left the raw-material
warehouse and cannot be moved, sold or added to another batch, so no window exists in which
two batches (or a warehouse move) could claim it. Closing the batch records the outputs.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from lithloop import clock, labels, vocab
from lithloop.batteries.codes import normalise
from lithloop.extensions import db
from lithloop.models import DismantlingBatch, Pack, PackState, User
from lithloop.services import strict_input
from lithloop.services.accounts import audit, policies
from lithloop.services.errors import Conflict, Invalid, NotFound
from lithloop.services.packs import state as pack_state
from lithloop.services.plant.errors import Code
from lithloop.services.reporting import rollups

LINE_ROLES = policies.PLANT_STAFF
#: Materials weighed out of a batch, in the order shown.
MATERIALS = tuple(vocab.values(vocab.Output))
OPEN, CLOSED = "open", "closed"
KG = Decimal("0.01")
MAX_OUTPUT_KG = Decimal("9999999999")  # the mass columns' ten whole digits


@dataclass(frozen=True)
class Line:
    """A recycling line: its number, its throughput and its open batch (if any)."""

    number: int
    t_per_day: Decimal
    open_batch: DismantlingBatch | None


class LineBusy(Conflict):
    """The line has an open batch already: `batch_id`, where its packs go."""

    def __init__(self, line: int, batch_id: int):
        super().__init__(
            _l("Line %(n)s already has an open batch: batch %(id)s.", n=line, id=batch_id),
            code=Code.LINE_BUSY,
        )
        self.batch_id = batch_id


def check_role(user: User) -> None:
    """Only plant operators and admins run the lines."""
    policies.require(user, LINE_ROLES, _l("Only plant operators run the lines."))


def throughputs() -> list[Decimal]:
    """Each line's throughput in t/day (RECYCLING_LINES_T_PER_DAY), line 1 first."""
    return [Decimal(str(t)) for t in current_app.config["RECYCLING_LINES_T_PER_DAY"]]


def days_of_work(batch: DismantlingBatch) -> Decimal:
    """How many days of its line's throughput the batch's input mass represents."""
    per_day = throughputs()[batch.line - 1] * 1000
    return (Decimal(batch.input_kg) / per_day).quantize(KG) if per_day else Decimal(0)


def lines() -> list[Line]:
    """The recycling lines with their open batch."""
    open_batches = {
        b.line: b
        for b in db.session.scalars(
            sa.select(DismantlingBatch).where(DismantlingBatch.status == OPEN)
        )
    }
    return [Line(i, t, open_batches.get(i)) for i, t in enumerate(throughputs(), start=1)]


def recent_batches(limit: int = 30) -> list[DismantlingBatch]:
    """The latest batches, newest first, with their packs."""
    return list(
        db.session.scalars(
            sa.select(DismantlingBatch)
            .options(selectinload(DismantlingBatch.packs))
            .order_by(DismantlingBatch.id.desc())
            .limit(limit)
        )
    )


def get_batch(batch_id: int, *, lock: bool = False) -> DismantlingBatch:
    """A batch by id (row-locked when asked); NotFound otherwise."""
    query = sa.select(DismantlingBatch).where(DismantlingBatch.id == batch_id)
    if lock:
        query = query.with_for_update().execution_options(populate_existing=True)
    batch = db.session.scalar(query)
    if batch is None:
        raise NotFound(_l("No such batch."))
    return batch


def open_batch(user: User, line: int) -> DismantlingBatch:
    """Open a batch on a line that has none open."""
    check_role(user)
    if not 1 <= line <= len(throughputs()):
        raise Invalid(_l("There is no line %(n)s.", n=line), field="line")
    busy = db.session.scalar(
        sa.select(DismantlingBatch.id).where(
            DismantlingBatch.line == line, DismantlingBatch.status == OPEN
        )
    )
    if busy:
        raise LineBusy(line, busy)
    batch = DismantlingBatch(
        line=line, status=OPEN, input_kg=Decimal(0), outputs={}, by_user_id=user.id
    )
    db.session.add(batch)
    db.session.commit()
    return batch


def _where(pack: Pack) -> str:
    """Why a pack cannot go on a line, and for one not stored yet, what to do first."""
    if pack.state is PackState.RECEIVED:
        if pack.grade is None:
            message = _l(
                "Pack %(code)s is not graded yet: test it on its page, then send it to the "
                "raw-material warehouse.",
                code=pack.code,
            )
        else:
            message = _l(
                "Pack %(code)s is not in a warehouse yet: send it to the raw-material "
                "warehouse from its page first.",
                code=pack.code,
            )
        return str(message)
    return str(
        _l(
            "Pack %(code)s is not in the raw-material warehouse (now: %(place)s).",
            code=pack.code,
            place=labels.label(labels.PACK_PLACE, pack.state),
        )
    )


def add_packs(user: User, batch_id: int, codes: list[str]) -> DismantlingBatch:
    """Put packs from the raw-material warehouse on the batch's line (all or none)."""
    check_role(user)
    codes = list(dict.fromkeys(normalise(c) for c in codes if c.strip()))
    if not codes:
        raise Invalid(_l("Scan or type at least one pack code."), field="codes")
    try:
        batch = get_batch(batch_id, lock=True)
        if batch.status != OPEN:
            raise Conflict(_l("Batch %(id)s is closed.", id=batch.id), code=Code.BATCH_CLOSED)
        packs = pack_state.lock_by_codes(codes, field="codes")
        for code in codes:
            pack = packs[code]
            if pack.state is not PackState.RAW:
                raise Conflict(_where(pack), field="codes", code=Code.NOT_IN_RAW)
            pack.batch_id = batch.id
            batch.input_kg = Decimal(batch.input_kg) + Decimal(pack.mass_kg)
            pack_state.place(
                pack,
                PackState.DISMANTLED,
                user,
                "dismantled",
                data={"batch": batch.id, "line": batch.line},
            )
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return batch


def parse_outputs(raw: dict) -> dict[str, Decimal]:
    """Output masses per material from form or JSON values: kg, Decimal, >= 0 (blank = 0)."""
    outputs = {}
    for material in MATERIALS:
        typed = str(raw.get(material) or "").strip() or "0"  # blank, or only spaces: none
        kg = strict_input.parse_amount(
            typed, material, message=_l("Give a mass in kg."), maximum=MAX_OUTPUT_KG
        )
        if kg < 0:
            raise Invalid(_l("A mass must be 0 kg or more."), field=material)
        outputs[material] = kg.quantize(KG)
    return outputs


def _loss_too_high(input_kg: Decimal, total: Decimal) -> bool:
    """Whether the loss is beyond what a line can lose (DISMANTLING_MAX_LOSS_PCT)."""
    limit = Decimal(current_app.config["DISMANTLING_MAX_LOSS_PCT"])
    return (input_kg - total) * 100 > input_kg * limit


def _check_loss(input_kg: Decimal, total: Decimal) -> None:
    """Refuse a loss beyond what the line can lose (DISMANTLING_MAX_LOSS_PCT) unconfirmed."""
    limit = Decimal(current_app.config["DISMANTLING_MAX_LOSS_PCT"])
    loss = input_kg - total
    pct = (loss * 100 / input_kg).quantize(Decimal(1)) if input_kg else Decimal(0)
    if _loss_too_high(input_kg, total):
        raise Invalid(
            _l(
                "%(inp)s kg in, %(out)s kg out: a loss of %(loss)s kg (%(pct)s %%). A line "
                "loses at most about %(limit)s %% (electrolyte, moisture, dust). Check the "
                "weights, or confirm that they are right.",
                inp=f"{input_kg:,.2f}",
                out=f"{total:,.2f}",
                loss=f"{loss:,.2f}",
                pct=pct,
                limit=limit,
            ),
            field="outputs",
            code=Code.LOSS_UNCONFIRMED,
        )


#: The longest reason an operator may give for confirming a high loss.
MAX_REASON = 200


def loss_reason(raw) -> str:
    """The reason typed when confirming a high loss: required, visible, at most MAX_REASON;
    Invalid keeps the confirmation's code, so that the page shows the box again."""
    try:
        reason = strict_input.check_controls(
            strict_input.typed_text(raw, "loss_reason"), "loss_reason"
        )
    except Invalid as exc:
        raise Invalid(exc.message, field="loss_reason", code=Code.LOSS_UNCONFIRMED) from None
    if not reason:
        raise Invalid(
            _l("Say why this loss is right (for example: packs soaked, electrolyte drained)."),
            field="loss_reason",
            code=Code.LOSS_UNCONFIRMED,
        )
    if len(reason) > MAX_REASON:
        raise Invalid(
            _l("At most %(n)s characters.", n=MAX_REASON),
            field="loss_reason",
            code=Code.LOSS_UNCONFIRMED,
        )
    return reason


def _confirm_loss(user: User, batch: DismantlingBatch, total: Decimal, reason: str) -> None:
    """Record who confirmed the batch's high loss, when and why; audited."""
    batch.loss_confirmed_by_id, batch.loss_confirmed_at = user.id, clock.now()
    batch.loss_reason = reason
    audit.record(
        "batch.loss_confirmed",
        actor=user,
        obj=batch,
        details={
            "line": batch.line,
            "input_kg": f"{Decimal(batch.input_kg):.2f}",
            "output_kg": f"{total:.2f}",
            "reason": reason,
        },
    )


def close_batch(
    user: User,
    batch_id: int,
    raw_outputs: dict,
    *,
    loss_confirmed: bool = False,
    reason: str = "",
) -> DismantlingBatch:
    """Close a batch with its weighed outputs; their total may not exceed the input mass,
    and a loss beyond what a line can lose needs `loss_confirmed` with a reason (recorded
    on the batch with who and when, and in the audit log)."""
    check_role(user)
    outputs = parse_outputs(raw_outputs)
    try:
        batch = get_batch(batch_id, lock=True)
        if batch.status != OPEN:
            raise Conflict(
                _l("Batch %(id)s is closed already.", id=batch.id), code=Code.BATCH_CLOSED
            )
        if not batch.packs:
            raise Conflict(_l("Add packs before closing the batch."), code=Code.BATCH_EMPTY)
        total = sum(outputs.values(), Decimal(0))
        if total == 0:  # every box left empty: a slip, not a batch of which nothing came out
            raise Invalid(
                _l(
                    "Weigh the outputs before closing: with nothing out, all %(inp)s kg "
                    "put in would count as loss.",
                    inp=f"{batch.input_kg:,.2f}",
                ),
                field="outputs",
            )
        if total > Decimal(batch.input_kg):
            raise Invalid(
                _l(
                    "The outputs (%(out)s kg) weigh more than the packs put in (%(inp)s kg).",
                    out=f"{total:,.2f}",
                    inp=f"{batch.input_kg:,.2f}",
                ),
                field="outputs",
            )
        if _loss_too_high(Decimal(batch.input_kg), total):
            if not loss_confirmed:
                _check_loss(Decimal(batch.input_kg), total)
            _confirm_loss(user, batch, total, loss_reason(reason))
        batch.outputs = {k: str(v) for k, v in outputs.items()}
        batch.status = CLOSED
        batch.closed_at = clock.now()
        rollups.on_batch_closed(batch)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return batch


def output_total(batch: DismantlingBatch) -> Decimal:
    """The sum of a batch's weighed outputs in kg."""
    return sum((Decimal(v) for v in (batch.outputs or {}).values()), Decimal(0))


def loss_kg(batch: DismantlingBatch) -> Decimal | None:
    """Input minus outputs (moisture, electrolyte, dust) once closed."""
    return None if batch.status != CLOSED else Decimal(batch.input_kg) - output_total(batch)
