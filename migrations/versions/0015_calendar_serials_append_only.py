"""holiday calendar in the database, park serial sequence, append-only history triggers

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-03 20:00:00

"""
import json
from datetime import UTC, datetime
from importlib import resources

import sqlalchemy as sa
from alembic import op

import lithloop.models.base
from lithloop.models import append_only

# revision identifiers, used by Alembic.
revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None

# The history tables this migration made append-only, frozen here: a table added to
# append_only.FROZEN later gets its triggers from a migration of its own (order_event: 0034).
APPEND_ONLY = ("pack_event", "booking_event", "audit_entry")

SOURCES = {  # the State Council General Office notices the shipped years come from
    2025: "国务院办公厅关于2025年部分节假日安排的通知 (国办发明电〔2024〕12号)",
    2026: "国务院办公厅关于2026年部分节假日安排的通知 (国办发明电〔2025〕7号), 2025-11-04: "
          "https://politics.gmw.cn/2025-11/04/content_38391083.htm",
}


def _seed_calendar(table) -> None:
    text = resources.files("lithloop.data").joinpath("cn_holidays.json").read_text("utf-8")
    data = json.loads(text)
    now = datetime.now(UTC)
    rows = [{"year": int(key), "off": value.get("off", []), "work": value.get("work", []),
             "uploaded_at": now,
             "source": SOURCES.get(int(key), data.get("_source", "lithloop/data/cn_holidays.json"))[:500]}
            for key, value in data.items() if not key.startswith("_")]
    op.bulk_insert(table, rows)


def _last_park_serial(bind) -> int:
    pack = sa.table("pack", sa.column("code", sa.String), sa.column("code_assigned", sa.Boolean),
                    sa.column("refurbished", sa.Boolean))
    last = bind.scalar(sa.select(sa.func.max(sa.func.substr(pack.c.code, 18, 7))).where(
        pack.c.code.like("LLP%"), sa.or_(pack.c.code_assigned.is_(True),
                                         pack.c.refurbished.is_(True))))
    return int(last) if last and last.isdigit() else 0


def upgrade():
    bind = op.get_bind()
    holiday_year = op.create_table(
        'holiday_year',
        sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('off', sa.JSON(), nullable=False),
        sa.Column('work', sa.JSON(), nullable=False),
        sa.Column('source', sa.String(length=500), nullable=False),
        sa.Column('uploaded_at', lithloop.models.base.UTCDateTime(), nullable=False),
        sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['uploaded_by_id'], ['user.id'],
                                name=op.f('fk_holiday_year_uploaded_by_id_user')),
        sa.PrimaryKeyConstraint('year', name=op.f('pk_holiday_year')),
    )
    _seed_calendar(holiday_year)

    counter = op.create_table(
        'park_serial_counter',
        sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('last_value', sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_park_serial_counter')),
    )
    last = _last_park_serial(bind)
    if bind.dialect.name == "postgresql":
        op.execute(sa.text(f"CREATE SEQUENCE park_serial_seq START WITH {last + 1}"))
    else:
        op.bulk_insert(counter, [{"id": 1, "last_value": last}])

    for statement in append_only.create_statements(bind.dialect.name, APPEND_ONLY):
        op.execute(sa.text(statement))


def downgrade():
    bind = op.get_bind()
    for statement in append_only.drop_statements(bind.dialect.name, APPEND_ONLY):
        op.execute(sa.text(statement))
    if bind.dialect.name == "postgresql":
        op.execute(sa.text("DROP SEQUENCE IF EXISTS park_serial_seq"))
    op.drop_table('park_serial_counter')
    op.drop_table('holiday_year')
