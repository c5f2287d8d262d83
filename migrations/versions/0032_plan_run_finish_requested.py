"""a run can be asked to finish now and keep its best plan so far

Revision ID: 0032
Revises: 0031
Create Date: 2026-12-05 05:40:00

`plan_run.finish_requested`: the dispatcher's "finish now". The day being searched ends
with the best plan found so far, which is stored like any other (a cancel stores none).
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0032'
down_revision = '0031'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('plan_run', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('finish_requested', sa.Boolean(), server_default=sa.false(), nullable=False)
        )


def downgrade():
    with op.batch_alter_table('plan_run', schema=None) as batch_op:
        batch_op.drop_column('finish_requested')
