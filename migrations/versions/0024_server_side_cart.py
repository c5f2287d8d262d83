"""a buyer's cart on the server (survives logging out and in)

Revision ID: 0024
Revises: 0021
Create Date: 2026-12-03 23:55:00
"""
from alembic import op
import sqlalchemy as sa

import lithloop.models.base


# revision identifiers, used by Alembic.
revision = '0024'
down_revision = '0021'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'market_cart',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('pack_ids', sa.JSON(), nullable=False),
        sa.Column('groups', sa.JSON(), nullable=False),
        sa.Column('token', sa.String(length=64), nullable=False),
        sa.Column('updated_at', lithloop.models.base.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_market_cart_user_id_user')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_market_cart')),
        sa.UniqueConstraint('user_id', name=op.f('uq_market_cart_user_id')),
    )


def downgrade():
    op.drop_table('market_cart')
