"""`market_refund.paid_back_*`: a failed or canceled refund paid back another way

A refund Stripe could not make (failed, canceled) stays booked: the park gives that money
back another way (a bank transfer). An administrator records when, who and how (a short
note such as the transfer's reference); until then the order is on the admin's list of
refunds to pay back. No backfill: refunds that failed before are listed until marked.

Revision ID: 0046
Revises: 0045
Create Date: 2026-12-07 08:00:00
"""

import sqlalchemy as sa
from alembic import op

from lithloop.models.base import UTCDateTime

# revision identifiers, used by Alembic.
revision = "0046"
down_revision = "0045"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("market_refund", schema=None) as batch_op:
        batch_op.add_column(sa.Column("paid_back_at", UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column("paid_back_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("paid_back_note", sa.String(length=200), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_market_refund_paid_back_by_id_user"), "user", ["paid_back_by_id"], ["id"]
        )


def downgrade():
    with op.batch_alter_table("market_refund", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_market_refund_paid_back_by_id_user"), type_="foreignkey")
        batch_op.drop_column("paid_back_note")
        batch_op.drop_column("paid_back_by_id")
        batch_op.drop_column("paid_back_at")
