"""a booking's history keeps who acted when no account here is theirs

`booking_event.by_name` and `by_role`: an event imported by `flask import-org` whose actor
(park staff of the exporting database) has no account in this one keeps that person's name
and role as text instead of losing them (by_user_id stays empty).

Adding nullable columns leaves booking_event's append-only triggers in place (no UPDATE);
the downgrade drops them, which on SQLite copies the table: its triggers are put back after.

Revision ID: 0038
Revises: 0037
Create Date: 2026-12-06 21:00:00
"""

import sqlalchemy as sa
from alembic import op

from lithloop.models import append_only

# revision identifiers, used by Alembic.
revision = "0038"
down_revision = "0037"
branch_labels = None
depends_on = None

ROLES = (
    "dealer_staff",
    "fleet_manager",
    "dispatcher",
    "plant_operator",
    "driver",
    "buyer",
    "admin",
    "government",
)


def upgrade():
    op.add_column("booking_event", sa.Column("by_name", sa.String(254), nullable=True))
    op.add_column(
        "booking_event",
        sa.Column(
            "by_role", sa.Enum(*ROLES, name="role", native_enum=False, length=32), nullable=True
        ),
    )


def _triggers(statements: list[str]) -> list[str]:
    return [s for s in statements if "TRIGGER" in s and "booking_event" in s]


def downgrade():
    bind = op.get_bind()
    for statement in _triggers(append_only.drop_statements(bind.dialect.name)):
        bind.execute(sa.text(statement))
    with op.batch_alter_table("booking_event", schema=None) as batch_op:
        batch_op.drop_column("by_role")
        batch_op.drop_column("by_name")
    for statement in _triggers(append_only.create_statements(bind.dialect.name)):
        bind.execute(sa.text(statement))
