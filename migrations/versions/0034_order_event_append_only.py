"""order_event is append-only, like booking_event: UPDATE and DELETE refused by triggers

Migration 0015 made pack_event, booking_event and audit_entry append-only; order_event
(0033) got no trigger. A correction of an order's road history is a new event.

Revision ID: 0034
Revises: 0033
Create Date: 2026-12-05 20:00:00
"""

import sqlalchemy as sa
from alembic import op

from lithloop.models import append_only

# revision identifiers, used by Alembic.
revision = "0034"
down_revision = "0033"
branch_labels = None
depends_on = None

TABLES = ("order_event",)


def upgrade():
    bind = op.get_bind()
    for statement in append_only.create_statements(bind.dialect.name, TABLES):
        op.execute(sa.text(statement))


def downgrade():
    bind = op.get_bind()
    # the shared PostgreSQL function stays: 0015's triggers still use it
    for statement in append_only.drop_statements(bind.dialect.name, TABLES, function=False):
        op.execute(sa.text(statement))
