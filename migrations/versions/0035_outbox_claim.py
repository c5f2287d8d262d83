"""outbox: a message is claimed before SMTP and keeps its Message-ID

`outbox_message.claimed_at`: set and committed before a message is handed to the SMTP
server, so that a delivery whose outcome could not be recorded is not sent again by
itself. `outbox_message.message_id`: the Message-ID header, chosen when the message is
queued and kept, so that a message sent again carries the same one.

Revision ID: 0035
Revises: 0034
Create Date: 2026-12-06 02:00:00
"""

import sqlalchemy as sa
from alembic import op

import lithloop.models.base

# revision identifiers, used by Alembic.
revision = "0035"
down_revision = "0034"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("outbox_message", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("claimed_at", lithloop.models.base.UTCDateTime(), nullable=True)
        )
        batch_op.add_column(sa.Column("message_id", sa.String(length=255), nullable=True))


def downgrade():
    with op.batch_alter_table("outbox_message", schema=None) as batch_op:
        batch_op.drop_column("message_id")
        batch_op.drop_column("claimed_at")
