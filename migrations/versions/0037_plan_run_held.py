"""a run records the bookings it held from planning as data, not as a line of its log

`plan_run.held`: per day, the bookings a run left out because their organisation is
pending approval, suspended or rejected, by that status:
[{"date": "YYYY-MM-DD", "pending": [ids], "suspended": [ids], "rejected": [ids]}].
Runs before this wrote them as a line of their log, which the API and the run page read
back; the upgrade moves each such line out of the log into `held`, in order.

The downgrade puts them back as log lines, each before the first line of its day (at the
end when the log has none), then drops the column.

Revision ID: 0037
Revises: 0036
Create Date: 2026-12-06 09:00:00
"""

import re

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0037"
down_revision = "0036"
branch_labels = None
depends_on = None

# The line 0036 and before wrote (run_control.HELD_LINE then), "-" for no booking.
HELD_LINE = (
    "{day}: {count} bookings held from planning "
    "(organisation pending: {pending}; suspended: {suspended}; rejected: {rejected})"
)
HELD = re.compile(re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>\\S+?)", re.escape(HELD_LINE)))
STATUSES = ("pending", "suspended", "rejected")
NONE_MARK = "-"

run = sa.table(
    "plan_run",
    sa.column("id", sa.Integer),
    sa.column("log", sa.Text),
    sa.column("held", sa.JSON),
)


def _ids(field: str) -> list[int]:
    return [] if field == NONE_MARK else [int(x) for x in field.split(",") if x.isdecimal()]


def held_of(log: str | None) -> tuple[list[dict], str]:
    """A log's held lines as `held` entries, in order, and the log without them."""
    held: list[dict] = []
    kept: list[str] = []
    for line in (log or "").split("\n"):
        found = HELD.fullmatch(line.strip())
        if found is None:
            kept.append(line)
        else:
            held.append({"date": found["day"], **{s: _ids(found[s]) for s in STATUSES}})
    return held, "\n".join(kept)


def _field(ids: list[int]) -> str:
    return ",".join(map(str, ids)) or NONE_MARK


def log_with(log: str | None, held: list[dict] | None) -> str:
    """The log with the held entries put back as lines, each before its day's first line."""
    lines = (log or "").split("\n") if log else []
    for entry in held or []:
        ids = {s: entry.get(s) or [] for s in STATUSES}
        count = sum(len(v) for v in ids.values())
        fields = {s: _field(v) for s, v in ids.items()}
        line = HELD_LINE.format(day=entry["date"], count=count, **fields)
        at = next((i for i, t in enumerate(lines) if t.startswith(f"{entry['date']}:")), None)
        lines.insert(len(lines) if at is None else at, line)
    return "\n".join(lines)


def upgrade():
    with op.batch_alter_table("plan_run", schema=None) as batch_op:
        batch_op.add_column(sa.Column("held", sa.JSON(), server_default="[]", nullable=False))
    bind = op.get_bind()
    rows = bind.execute(
        sa.select(run.c.id, run.c.log).where(run.c.log.like("%bookings held from planning%"))
    ).all()
    for run_id, log in rows:
        held, kept = held_of(log)
        if held:
            bind.execute(run.update().where(run.c.id == run_id).values(held=held, log=kept))


def downgrade():
    bind = op.get_bind()
    rows = bind.execute(sa.select(run.c.id, run.c.log, run.c.held)).all()
    for run_id, log, held in rows:
        if held:
            bind.execute(run.update().where(run.c.id == run_id).values(log=log_with(log, held)))
    with op.batch_alter_table("plan_run", schema=None) as batch_op:
        batch_op.drop_column("held")
