"""idempotency keys remember who sent them: a driver's queued confirmation is refused under
another login

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-04 03:00:00
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0028"
down_revision = "0027"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("idempotency_key", schema=None) as batch_op:
        batch_op.add_column(sa.Column("user_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_idempotency_key_user_id_user"),
            "user",
            ["user_id"],
            ["id"],
            ondelete="CASCADE",
        )


def downgrade():
    with op.batch_alter_table("idempotency_key", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_idempotency_key_user_id_user"), type_="foreignkey")
        batch_op.drop_column("user_id")
