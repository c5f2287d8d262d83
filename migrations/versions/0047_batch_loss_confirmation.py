"""`dismantling_batch.loss_confirmed_by_id`, `loss_confirmed_at`, `loss_reason`: who
confirmed a loss beyond DISMANTLING_MAX_LOSS_PCT, when, and why

A batch losing more than a line can lose is refused until the operator confirms the
weights; the confirmation was a ticked box that left no trace. No backfill: batches closed
before keep no confirmation (their reason is blank).

Revision ID: 0047
Revises: 0046
Create Date: 2026-12-07 08:00:00
"""

import sqlalchemy as sa
from alembic import op

from lithloop.models.base import UTCDateTime

# revision identifiers, used by Alembic.
revision = "0047"
down_revision = "0046"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("dismantling_batch", schema=None) as batch_op:
        batch_op.add_column(sa.Column("loss_confirmed_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("loss_confirmed_at", UTCDateTime(), nullable=True))
        batch_op.add_column(
            sa.Column("loss_reason", sa.String(length=200), nullable=False, server_default="")
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_dismantling_batch_loss_confirmed_by_id_user"),
            "user",
            ["loss_confirmed_by_id"],
            ["id"],
        )


def downgrade():
    with op.batch_alter_table("dismantling_batch", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_dismantling_batch_loss_confirmed_by_id_user"), type_="foreignkey"
        )
        batch_op.drop_column("loss_reason")
        batch_op.drop_column("loss_confirmed_at")
        batch_op.drop_column("loss_confirmed_by_id")
