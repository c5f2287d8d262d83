"""an index on `pack.buyer_id`

The traceability filter keeps the sales of packs to an organisation (traceability.party_to:
`pack.id IN (SELECT id FROM pack WHERE buyer_id = ?)`), and the list of organisations
owing uploads joins the sold packs on their buyer; without an index each read every pack.
`owner_id`, the other party's column, has had one since 0008.

Revision ID: 0042
Revises: 0041
Create Date: 2026-12-07 03:00:00
"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "0042"
down_revision = "0041"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("pack", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_pack_buyer_id"), ["buyer_id"], unique=False)


def downgrade():
    with op.batch_alter_table("pack", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pack_buyer_id"))
