"""monthly rollups of the dashboard; indexes for the lists that grow with history

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-03 23:40:00

The rollups start empty: run `flask rebuild-rollups` once after upgrading (the dashboard
reads them; the command recomputes them from intakes, pack events and closed batches).
Indexes (each justified by an EXPLAIN in docs/performance.md): unreported handovers by
deadline (a partial index: the traceability pages and export read only those), pack events
by time (a year of handovers for the yearly export), packs by vehicle plate (the
bookings search), packs by warehouse and time in it (the warehouse pages).
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None

UNREPORTED = sa.text("report_due IS NOT NULL AND reported_at IS NULL")


def upgrade():
    op.create_table(
        'monthly_rollup',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('month', sa.Date(), nullable=False),
        sa.Column('measure', sa.String(length=24), nullable=False),
        sa.Column('key', sa.String(length=100), nullable=False),
        sa.Column('value', sa.Numeric(precision=20, scale=4), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_monthly_rollup')),
        sa.UniqueConstraint('month', 'measure', 'key', name='uq_monthly_rollup'),
    )
    op.create_index(
        'ix_pack_event_unreported', 'pack_event', ['report_due', 'at', 'id'],
        postgresql_where=UNREPORTED, sqlite_where=UNREPORTED,
    )
    op.create_index('ix_pack_event_at', 'pack_event', ['at'])
    op.create_index('ix_pack_vehicle_plate', 'pack', ['vehicle_plate'])
    op.create_index('ix_pack_warehouse_since', 'pack', ['warehouse', 'warehouse_since', 'id'])


def downgrade():
    op.drop_index('ix_pack_warehouse_since', table_name='pack')
    op.drop_index('ix_pack_vehicle_plate', table_name='pack')
    op.drop_index('ix_pack_event_at', table_name='pack_event')
    op.drop_index('ix_pack_event_unreported', table_name='pack_event')
    op.drop_table('monthly_rollup')
