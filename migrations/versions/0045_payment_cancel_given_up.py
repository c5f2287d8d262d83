"""`market_payment.cancel_given_up_at`: when the sweep gave up cancelling the intent

The warning "not cancelled at Stripe ... given up" was logged by every process that runs
the embedded timer (each found the payment in its last interval), and missed by a sweep
late by more than one interval. The sweep now claims the payment by setting this column
(one UPDATE, so one process wins) and only the winner logs: once per payment. No
backfill: a payment given up before is warned about once more, by the first sweep.

Revision ID: 0045
Revises: 0044
Create Date: 2026-12-07 05:15:00
"""

import sqlalchemy as sa
from alembic import op

from lithloop.models.base import UTCDateTime

# revision identifiers, used by Alembic.
revision = "0045"
down_revision = "0044"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("market_payment", schema=None) as batch_op:
        batch_op.add_column(sa.Column("cancel_given_up_at", UTCDateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table("market_payment", schema=None) as batch_op:
        batch_op.drop_column("cancel_given_up_at")
