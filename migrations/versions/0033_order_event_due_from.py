"""an order's delivery history on the road; a delivery back at the park is due again from a day

`order_event`: a driver's exception at a delivery stop, and the packs of a shipped order
brought back to the park undelivered (its day over, or left out by the day's published
plan), append-only like booking_event. `market_order.due_from`: the first day a run may
plan such a delivery again (its packs may still be on the truck the day it failed).

Revision ID: 0033
Revises: 0032
Create Date: 2026-12-05 17:30:00
"""
from alembic import op
import sqlalchemy as sa

import lithloop.models.base


# revision identifiers, used by Alembic.
revision = '0033'
down_revision = '0032'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'order_event',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('order_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=24), nullable=False),
        sa.Column('at', lithloop.models.base.UTCDateTime(), nullable=False),
        sa.Column('by_user_id', sa.Integer(), nullable=True),
        sa.Column('note', sa.String(length=500), nullable=False),
        sa.Column('detail', sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ['order_id'], ['market_order.id'], name=op.f('fk_order_event_order_id_market_order')
        ),
        sa.ForeignKeyConstraint(
            ['by_user_id'], ['user.id'], name=op.f('fk_order_event_by_user_id_user')
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_order_event')),
    )
    with op.batch_alter_table('order_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_order_event_order_id'), ['order_id'], unique=False)
    with op.batch_alter_table('market_order', schema=None) as batch_op:
        batch_op.add_column(sa.Column('due_from', sa.Date(), nullable=True))


def downgrade():
    with op.batch_alter_table('market_order', schema=None) as batch_op:
        batch_op.drop_column('due_from')
    with op.batch_alter_table('order_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_order_event_order_id'))
    op.drop_table('order_event')
