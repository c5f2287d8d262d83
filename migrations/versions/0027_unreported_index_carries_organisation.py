"""the unreported-handovers index carries the organisation (PostgreSQL)

Revision ID: 0027
Revises: 0024
Create Date: 2026-12-04 03:00:00

The traceability page lists the organisations owing handovers with their counts, and
filters by one: with `organisation_id` INCLUDEd in the partial index, both read the index
alone (an Index Only Scan of ~9,000 entries, 10 ms at ten years) instead of fetching every
unreported handover's row from the heap (a Bitmap Heap Scan over ~6,500 pages, 115 ms).
EXPLAIN in docs/performance.md. SQLite has no INCLUDE: its index is unchanged.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0027'
down_revision = '0024'
branch_labels = None
depends_on = None

UNREPORTED = sa.text("report_due IS NOT NULL AND reported_at IS NULL")


def _recreate(include):
    op.drop_index('ix_pack_event_unreported', table_name='pack_event')
    op.create_index(
        'ix_pack_event_unreported', 'pack_event', ['report_due', 'at', 'id'],
        postgresql_where=UNREPORTED, sqlite_where=UNREPORTED, postgresql_include=include,
    )


def upgrade():
    if op.get_bind().dialect.name == 'postgresql':
        _recreate(['organisation_id'])


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        _recreate([])
