"""the day's roster: drivers on trucks, shifts and leave

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-03 23:00:00
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'roster_entry',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('truck_id', sa.Integer(), nullable=True),
        sa.Column('driver_id', sa.Integer(), nullable=True),
        sa.Column('on_leave', sa.Boolean(), nullable=False),
        sa.Column('shift_start', sa.Time(), nullable=True),
        sa.Column('shift_end', sa.Time(), nullable=True),
        sa.Column('set_by_id', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            '(on_leave AND truck_id IS NULL AND driver_id IS NOT NULL) '
            'OR (NOT on_leave AND truck_id IS NOT NULL)',
            name=op.f('ck_roster_entry_roster_leave_or_truck')),
        sa.ForeignKeyConstraint(['driver_id'], ['user.id'],
                                name=op.f('fk_roster_entry_driver_id_user')),
        sa.ForeignKeyConstraint(['set_by_id'], ['user.id'],
                                name=op.f('fk_roster_entry_set_by_id_user')),
        sa.ForeignKeyConstraint(['truck_id'], ['truck.id'],
                                name=op.f('fk_roster_entry_truck_id_truck')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_roster_entry')),
        sa.UniqueConstraint('day', 'driver_id', name='uq_roster_day_driver'),
        sa.UniqueConstraint('day', 'truck_id', name='uq_roster_day_truck'),
    )
    with op.batch_alter_table('roster_entry', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_roster_entry_day'), ['day'], unique=False)


def downgrade():
    with op.batch_alter_table('roster_entry', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_roster_entry_day'))
    op.drop_table('roster_entry')
