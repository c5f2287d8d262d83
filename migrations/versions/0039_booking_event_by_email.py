"""a booking's history keeps the e-mail of who acted when no account here is theirs

`booking_event.by_email`: an event imported by `flask import-org` whose actor has no account
in this database kept their name and role (0038) but lost their e-mail, so a later export
wrote no e-mail and an import elsewhere could not link them to their account there. The
e-mail is kept beside the name (by_user_id stays empty) and exported again.

Adding a nullable column leaves booking_event's append-only triggers in place (no UPDATE);
the downgrade drops it, which on SQLite copies the table: its triggers are put back after.

Revision ID: 0039
Revises: 0038
Create Date: 2026-12-06 23:00:00
"""

import sqlalchemy as sa
from alembic import op

from lithloop.models import append_only

# revision identifiers, used by Alembic.
revision = "0039"
down_revision = "0038"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("booking_event", sa.Column("by_email", sa.String(254), nullable=True))


def _triggers(statements: list[str]) -> list[str]:
    return [s for s in statements if "TRIGGER" in s and "booking_event" in s]


def downgrade():
    bind = op.get_bind()
    for statement in _triggers(append_only.drop_statements(bind.dialect.name)):
        bind.execute(sa.text(statement))
    with op.batch_alter_table("booking_event", schema=None) as batch_op:
        batch_op.drop_column("by_email")
    for statement in _triggers(append_only.create_statements(bind.dialect.name)):
        bind.execute(sa.text(statement))
