"""an imported invitation whose link must be sent again: `user.invite_link_lost`

`flask import-org` carries an open invitation (`invited_at`), but the link its letter held
was signed with the other installation's secret key for that installation's user id and
password, none of which is carried: it cannot work here. The import marks such a colleague,
the people page shows them as needing a new link, and sending the invitation again (or the
colleague choosing a password through "forgot password") clears the mark.

No backfill: an invitation imported before this revision cannot be told apart from one
mailed here (the import's summary had not named it).

Revision ID: 0043
Revises: 0042
Create Date: 2026-12-07 05:00:00
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0043"
down_revision = "0042"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("invite_link_lost", sa.Boolean(), server_default=sa.false(), nullable=False)
        )


def downgrade():
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.drop_column("invite_link_lost")
