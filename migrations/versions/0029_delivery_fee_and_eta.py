"""market orders keep their delivery fee, city, road distance and expected day; the cart
keeps the delivery chosen so far

Revision ID: 0029
Revises: 0028
Create Date: 2026-12-04 03:00:00
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0029"
down_revision = "0028"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("market_order", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("delivery_fee_fen", sa.BigInteger(), nullable=False, server_default="0")
        )
        batch_op.add_column(
            sa.Column("delivery_city", sa.String(length=100), nullable=False, server_default="")
        )
        batch_op.add_column(
            sa.Column("delivery_km", sa.Numeric(precision=7, scale=1), nullable=True)
        )
        batch_op.add_column(sa.Column("delivery_eta", sa.Date(), nullable=True))
    with op.batch_alter_table("market_cart", schema=None) as batch_op:
        batch_op.add_column(sa.Column("delivery", sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table("market_cart", schema=None) as batch_op:
        batch_op.drop_column("delivery")
    with op.batch_alter_table("market_order", schema=None) as batch_op:
        batch_op.drop_column("delivery_eta")
        batch_op.drop_column("delivery_km")
        batch_op.drop_column("delivery_city")
        batch_op.drop_column("delivery_fee_fen")
