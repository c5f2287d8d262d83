"""a colleague's open invitation: `user.invited_at`

The people page called everyone who never logged in "invited", an account an administrator
created included. `user.invited_at` is stamped when a colleague is invited (and when the
invitation is sent again) and cleared when they accept it by choosing a password.

Backfill: a user who never logged in and whom a colleague invited (an audit entry
`company.invite` names them) gets the time of that entry; nobody else is "invited".

Revision ID: 0040
Revises: 0039
Create Date: 2026-12-07 02:15:00
"""

import sqlalchemy as sa
from alembic import op

from lithloop.models.base import UTCDateTime

# revision identifiers, used by Alembic.
revision = "0040"
down_revision = "0039"
branch_labels = None
depends_on = None

user = sa.table(
    "user",
    sa.column("id", sa.Integer),
    sa.column("last_login_at", sa.DateTime),
    sa.column("invited_at", sa.DateTime),
)
audit_entry = sa.table(
    "audit_entry",
    sa.column("created_at", sa.DateTime),
    sa.column("action", sa.String),
    sa.column("object_type", sa.String),
    sa.column("object_id", sa.String),
)


def upgrade():
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.add_column(sa.Column("invited_at", UTCDateTime(), nullable=True))
    invited = (
        sa.select(sa.func.max(audit_entry.c.created_at))
        .where(
            audit_entry.c.action == "company.invite",
            audit_entry.c.object_type == "user",
            audit_entry.c.object_id == sa.cast(user.c.id, sa.String),
        )
        .scalar_subquery()
    )
    op.execute(user.update().where(user.c.last_login_at.is_(None)).values(invited_at=invited))


def downgrade():
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.drop_column("invited_at")
