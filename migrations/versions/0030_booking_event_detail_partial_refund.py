"""booking history details as data, not English notes; a partial refund is not an order status

Booking history events keep what the platform recorded as data (`detail`: truck and ETA,
picked-up mass and codes, weighed mass, a day moved), told in the reader's language, not
as English notes; existing notes are converted.

A partial refund is no longer an order status (money beside the fulfilment state, in
refunded_fen): orders left 'partially_refunded' go back to 'paid', the state the platform
treated them as (its next step was 'packed'); a downgrade marks orders with part of their
money refunded 'partially_refunded' again.

booking_event is append-only (models/append_only.py, migration 0015): its trigger is lifted
for this table inside the migration only, while the same facts are re-written as data, and
put back before the migration ends.

Revision ID: 0030
Revises: 0029
Create Date: 2026-12-04 12:00:00
"""

import re

import sqlalchemy as sa
from alembic import op

from lithloop.models import append_only

# revision identifiers, used by Alembic.
revision = "0030"
down_revision = "0029"
branch_labels = None
depends_on = None

# The English notes 0029 and before wrote (publishing, driver pickup, intake, a full day).
SCHEDULED = re.compile(r"(?P<again>re-planned: )?(?P<plate>[^,;]+), ETA (?P<eta>\d{1,2}:\d{2})")
PICKED_UP = re.compile(
    r"picked up (?P<kg>[\d.]+) kg, (?P<n>\d+) codes(?: \((?P<diffs>[^)]*)\))?(?:; (?P<note>.*))?",
    re.S,
)
RECEIVED = re.compile(r"received (?P<kg>[\d.]+) kg(?:; (?P<note>.*))?", re.S)
MOVED = re.compile(r"(?P<from>\d{4}-\d\d-\d\d) full: moved to (?P<to>\d{4}-\d\d-\d\d)")
RESCHEDULED = re.compile(r"moved from (?P<from>\d{4}-\d\d-\d\d) to (?P<to>\d{4}-\d\d-\d\d)")
LEFT_OUT = re.compile(r"left out of the plan of (?P<day>[\d-]+): (?P<reason>[a-z_]*); (?P<days>.*)")
MASS = re.compile(r"mass (?P<n>[+-]?[\d.]+)%")
MISSING = re.compile(r"(?P<n>\d+) codes missing")
UNEXPECTED = re.compile(r"(?P<n>\d+) codes unexpected")

event = sa.table(
    "booking_event",
    sa.column("id", sa.Integer),
    sa.column("note", sa.String),
    sa.column("detail", sa.JSON),
)
order = sa.table(
    "market_order",
    sa.column("status", sa.String),
    sa.column("refunded_fen", sa.BigInteger),
    sa.column("total_fen", sa.BigInteger),
)


def _picked_up(found) -> dict:
    detail = {
        "kind": "picked_up",
        "kg": found["kg"],
        "codes": int(found["n"]),
        "mass_off_pct": None,
        "missing": 0,
        "unexpected": 0,
    }
    for part in (found["diffs"] or "").split(", "):
        if m := MASS.fullmatch(part):
            detail["mass_off_pct"] = m["n"]
        elif m := MISSING.fullmatch(part):
            detail["missing"] = int(m["n"])
        elif m := UNEXPECTED.fullmatch(part):
            detail["unexpected"] = int(m["n"])
    return detail


def converted(note: str) -> tuple[dict, str] | None:
    """The detail and the person's own note of an English note, or None for other notes."""
    if found := SCHEDULED.fullmatch(note):
        plate, eta, again = found["plate"], found["eta"], bool(found["again"])
        return {"kind": "scheduled", "plate": plate, "eta": eta, "again": again}, ""
    if found := PICKED_UP.fullmatch(note):
        return _picked_up(found), found["note"] or ""
    if found := RECEIVED.fullmatch(note):
        return {"kind": "received", "kg": found["kg"]}, found["note"] or ""
    if found := MOVED.fullmatch(note):
        return {"kind": "moved", "from": found["from"], "to": found["to"], "full": True}, ""
    if found := RESCHEDULED.fullmatch(note):
        return {"kind": "moved", "from": found["from"], "to": found["to"], "full": False}, ""
    if found := LEFT_OUT.fullmatch(note):
        days = [d for d in found["days"].split(", ") if d]
        detail = {"kind": "left_out", "day": found["day"], "reason": found["reason"], "days": days}
        return detail, ""
    return None


def _triggers(statements: list[str]) -> list[str]:
    """The append-only trigger statements of booking_event only (not its shared function)."""
    return [s for s in statements if "TRIGGER" in s and "booking_event" in s]


def _rewrite(bind, rewrite) -> None:
    """Run `rewrite` with booking_event's append-only triggers lifted, then put them back."""
    for statement in _triggers(append_only.drop_statements(bind.dialect.name)):
        bind.execute(sa.text(statement))
    rewrite()
    for statement in _triggers(append_only.create_statements(bind.dialect.name)):
        bind.execute(sa.text(statement))


def upgrade():
    with op.batch_alter_table("booking_event", schema=None) as batch_op:
        batch_op.add_column(sa.Column("detail", sa.JSON(), nullable=True))
    bind = op.get_bind()
    _rewrite(bind, lambda: _convert(bind))
    bind.execute(order.update().where(order.c.status == "partially_refunded").values(status="paid"))


def _convert(bind) -> None:
    rows = bind.execute(sa.select(event.c.id, event.c.note).where(event.c.note != "")).all()
    for row in rows:
        if (found := converted(row.note)) is not None:
            detail, note = found
            bind.execute(
                event.update().where(event.c.id == row.id).values(detail=detail, note=note)
            )


def _english(detail: dict, note: str) -> str:
    kind = detail.get("kind")
    if kind == "scheduled":
        text = f"{detail['plate']}, ETA {detail['eta']}"
        text = f"re-planned: {text}" if detail.get("again") else text
    elif kind == "picked_up":
        diffs = []
        if detail.get("mass_off_pct"):
            diffs.append(f"mass {detail['mass_off_pct']}%")
        if detail.get("missing"):
            diffs.append(f"{detail['missing']} codes missing")
        if detail.get("unexpected"):
            diffs.append(f"{detail['unexpected']} codes unexpected")
        text = f"picked up {detail['kg']} kg, {detail['codes']} codes"
        text += f" ({', '.join(diffs)})" if diffs else ""
    elif kind == "received":
        text = f"received {detail['kg']} kg"
    elif kind == "moved" and detail.get("full", True):
        text = f"{detail['from']} full: moved to {detail['to']}"
    elif kind == "moved":
        text = f"moved from {detail['from']} to {detail['to']}"
    elif kind == "left_out":
        days = ", ".join(detail.get("days") or [])
        text = f"left out of the plan of {detail['day']}: {detail['reason']}; {days}"
    else:
        return note
    return (text + (f"; {note}" if note else ""))[:500]


def downgrade():
    bind = op.get_bind()
    bind.execute(
        order.update()
        .where(
            order.c.status.in_(("paid", "packed", "shipped", "delivered")),
            order.c.refunded_fen > 0,
            order.c.refunded_fen < order.c.total_fen,
        )
        .values(status="partially_refunded")
    )
    _rewrite(bind, lambda: _back_to_notes(bind) or _drop_detail())


def _drop_detail() -> None:
    with op.batch_alter_table("booking_event", schema=None) as batch_op:
        batch_op.drop_column("detail")  # SQLite copies the table: the triggers come after


def _back_to_notes(bind) -> None:
    rows = bind.execute(
        sa.select(event.c.id, event.c.note, event.c.detail).where(event.c.detail.is_not(None))
    ).all()
    for row in rows:
        if row.detail:
            note = _english(row.detail, row.note or "")
            bind.execute(event.update().where(event.c.id == row.id).values(note=note))
