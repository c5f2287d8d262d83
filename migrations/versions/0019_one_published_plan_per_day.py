"""one published plan per day

Revision ID: 0019
Revises: 0017
Create Date: 2026-12-03 19:50:00

Before the index: a day that already has several published plans (two drafts published
at once, issue 17) keeps the one published last; the others become superseded, as a
later publish would have made them.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0019'
down_revision = '0017'
branch_labels = None
depends_on = None

PUBLISHED = sa.text("status = 'published'")


def upgrade():
    op.execute(sa.text("""
        UPDATE plan SET status = 'superseded'
        WHERE status = 'published' AND EXISTS (
            SELECT 1 FROM plan AS later
            WHERE later.plan_date = plan.plan_date AND later.status = 'published'
              AND (COALESCE(later.published_at, later.created_at)
                       > COALESCE(plan.published_at, plan.created_at)
                   OR (COALESCE(later.published_at, later.created_at)
                           = COALESCE(plan.published_at, plan.created_at)
                       AND later.id > plan.id)))
    """))
    with op.batch_alter_table('plan', schema=None) as batch_op:
        batch_op.create_index('uq_plan_published_day', ['plan_date'], unique=True,
                              postgresql_where=PUBLISHED, sqlite_where=PUBLISHED)


def downgrade():
    with op.batch_alter_table('plan', schema=None) as batch_op:
        batch_op.drop_index('uq_plan_published_day',
                            postgresql_where=PUBLISHED, sqlite_where=PUBLISHED)
