"""a released order's PaymentIntent still to cancel at Stripe: `market_payment.cancel_due_since`

A released order's PaymentIntent was cancelled once, after the commit; when Stripe did not
answer, nothing remembered it (the sweep picks pending orders only), and a wallet could
still pay the order later. `cancel_due_since` is set when the order is released and cleared
once Stripe has cancelled the intent; the expiry sweep asks again while it is set.

Backfill: a cancelled order's payment that Stripe never reported cancelled (nor paid) is
due since the order was cancelled: the sweep asks Stripe once (an intent cancelled already
is then found so, and no longer due).

Revision ID: 0041
Revises: 0040
Create Date: 2026-12-07 02:30:00
"""

import sqlalchemy as sa
from alembic import op

from lithloop.models.base import UTCDateTime

# revision identifiers, used by Alembic.
revision = "0041"
down_revision = "0040"
branch_labels = None
depends_on = None

DUE = sa.text("cancel_due_since IS NOT NULL")

payment = sa.table(
    "market_payment",
    sa.column("order_id", sa.Integer),
    sa.column("status", sa.String),
    sa.column("cancel_due_since", sa.DateTime),
)
order = sa.table(
    "market_order",
    sa.column("id", sa.Integer),
    sa.column("status", sa.String),
    sa.column("status_at", sa.DateTime),
)


def upgrade():
    with op.batch_alter_table("market_payment", schema=None) as batch_op:
        batch_op.add_column(sa.Column("cancel_due_since", UTCDateTime(), nullable=True))
        batch_op.create_index(
            "ix_market_payment_cancel_due",
            ["cancel_due_since"],
            unique=False,
            postgresql_where=DUE,
            sqlite_where=DUE,
        )
    cancelled_at = (
        sa.select(order.c.status_at)
        .where(order.c.id == payment.c.order_id, order.c.status == "cancelled")
        .scalar_subquery()
    )
    op.execute(
        payment.update()
        .where(payment.c.status.not_in(["canceled", "succeeded"]), cancelled_at.is_not(None))
        .values(cancel_due_since=cancelled_at)
    )


def downgrade():
    with op.batch_alter_table("market_payment", schema=None) as batch_op:
        batch_op.drop_index("ix_market_payment_cancel_due")
        batch_op.drop_column("cancel_due_since")
