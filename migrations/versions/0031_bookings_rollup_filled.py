"""the bookings rollup filled from the bookings there are; an index by measure

Revision ID: 0031
Revises: 0030
Create Date: 2026-12-04 13:00:00

The admin's booking list reads the park's total from the `bookings` measure of
`monthly_rollup` (kept by every insert and delete of a booking since then). A database
upgraded from before holds bookings the measure never saw: they are counted here, by
their creation's Beijing-time month, so the total is right from the first request (not
only after `flask rebuild-rollups`). The index by (measure, month) lets the total and the
dashboard read one measure without scanning the others' rows.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0031'
down_revision = '0030'
branch_labels = None
depends_on = None

#: The creation's month in Beijing time (UTC+8, no daylight saving), per dialect.
MONTH = {
    'postgresql': "date_trunc('month', created_at + interval '8 hours')::date",
    'sqlite': "date(created_at, '+8 hours', 'start of month')",
}


def upgrade():
    op.create_index('ix_monthly_rollup_measure', 'monthly_rollup', ['measure', 'month'])
    month = MONTH[op.get_bind().dialect.name]
    op.execute("DELETE FROM monthly_rollup WHERE measure = 'bookings'")
    op.execute(
        "INSERT INTO monthly_rollup (month, measure, key, value) "
        f"SELECT {month}, 'bookings', '', count(*) FROM booking GROUP BY {month}"
    )


def downgrade():
    op.execute("DELETE FROM monthly_rollup WHERE measure = 'bookings'")
    op.drop_index('ix_monthly_rollup_measure', table_name='monthly_rollup')
