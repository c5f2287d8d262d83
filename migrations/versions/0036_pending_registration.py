"""registration waits for its e-mail to be confirmed

`pending_registration`: what a registration form gave (the password only as its hash),
kept until the mailed link confirms the address; the organisation and its first user
are made from it then, so an unconfirmed address reserves nothing.

Revision ID: 0036
Revises: 0035
Create Date: 2026-12-06 05:00:00
"""

import sqlalchemy as sa
from alembic import op

import lithloop.models.base

# revision identifiers, used by Alembic.
revision = "0036"
down_revision = "0035"
branch_labels = None
depends_on = None

ORG_KINDS = ("dealer_branch", "bus_company", "buyer", "park_operator", "government")


def upgrade():
    op.create_table(
        "pending_registration",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(*ORG_KINDS, name="orgkind", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("organisation", sa.String(length=200), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("city", sa.String(length=100), nullable=False),
        sa.Column("phone", sa.String(length=40), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("locale", sa.String(length=10), nullable=True),
        sa.Column("created_at", lithloop.models.base.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pending_registration")),
    )
    with op.batch_alter_table("pending_registration", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_pending_registration_email"), ["email"], unique=False)


def downgrade():
    with op.batch_alter_table("pending_registration", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pending_registration_email"))
    op.drop_table("pending_registration")
