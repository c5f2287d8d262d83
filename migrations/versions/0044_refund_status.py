"""`market_refund.status`: Stripe's status of each refund

A refund Stripe has not finished (`pending`) is not money back yet, and one that `failed`
or was `canceled` never will be: the order pages say so, and an administrator is told
what to do. Rows booked before are Stripe refunds that were made: `succeeded`.

Revision ID: 0044
Revises: 0043
Create Date: 2026-12-07 05:00:00
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0044"
down_revision = "0043"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("market_refund", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("status", sa.String(length=20), nullable=False, server_default="succeeded")
        )


def downgrade():
    with op.batch_alter_table("market_refund", schema=None) as batch_op:
        batch_op.drop_column("status")
