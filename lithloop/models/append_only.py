"""Database triggers that keep the history tables append-only, whoever writes to them.

The ORM guard (models/packs.py) stops the application; these triggers stop everyone else:
a bulk UPDATE, a script or psql. UPDATE and DELETE are refused on audit entries, booking
events and order events; on pack events every column of the chain is frozen, only the
traceability upload mark and its deadline (reported_at, reported_by_id, report_due) may
change. A correction is a new event. Created with the tables (create_all) and by the
migrations, each for the tables it names (0015: pack_event, booking_event, audit_entry;
0034: order_event): a table added to FROZEN needs a migration of its own, and an old
migration keeps its own list. TRUNCATE (the table owner's tool, used by the test suite's
cleanup) is not blocked.
"""

from __future__ import annotations

import sqlalchemy as sa

#: table -> the columns an UPDATE may not touch (None: no UPDATE at all).
FROZEN: dict[str, tuple[str, ...] | None] = {
    "pack_event": (
        "id",
        "pack_id",
        "kind",
        "at",
        "by_user_id",
        "organisation_id",
        "data",
        "public",
        "corrects_id",
    ),
    "booking_event": None,
    "audit_entry": None,
    "order_event": None,  # since migration 0034
}
MESSAGE = "append-only history: record a new entry instead of changing or deleting one"
PG_FUNCTION = "lithloop_refuse_history_change"


def _update_clause(table: str) -> str:
    columns = FROZEN[table]
    return "UPDATE" if columns is None else "UPDATE OF " + ", ".join(columns)


def create_statements(dialect: str, tables: tuple[str, ...] | None = None) -> list[str]:
    """The SQL that creates the triggers on this dialect (postgresql or sqlite), on the
    tables named (a migration names its own) or on every table of FROZEN."""
    tables = tuple(FROZEN) if tables is None else tables
    statements = []
    if dialect == "postgresql":
        statements.append(
            f"CREATE OR REPLACE FUNCTION {PG_FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS "
            f"$$ BEGIN RAISE EXCEPTION '% on %: {MESSAGE}', TG_OP, TG_TABLE_NAME "
            "USING ERRCODE = 'restrict_violation'; END $$"
        )
        for table in tables:
            statements.append(
                f"CREATE TRIGGER {table}_append_only BEFORE {_update_clause(table)} OR DELETE "
                f"ON {table} FOR EACH ROW EXECUTE FUNCTION {PG_FUNCTION}()"
            )
    elif dialect == "sqlite":
        for table in tables:
            for what, clause in (("update", _update_clause(table)), ("delete", "DELETE")):
                statements.append(
                    f"CREATE TRIGGER {table}_no_{what} BEFORE {clause} ON {table} "
                    f"BEGIN SELECT RAISE(ABORT, '{what} on {table}: {MESSAGE}'); END"
                )
    return statements


def drop_statements(
    dialect: str, tables: tuple[str, ...] | None = None, *, function: bool = True
) -> list[str]:
    """The SQL that removes them again (migration downgrade): the named tables' triggers
    (every table of FROZEN by default), and on PostgreSQL their shared function unless
    function=False (other tables' triggers still use it)."""
    tables = tuple(FROZEN) if tables is None else tables
    if dialect == "postgresql":
        drops = [f"DROP TRIGGER IF EXISTS {t}_append_only ON {t}" for t in tables]
        return drops + ([f"DROP FUNCTION IF EXISTS {PG_FUNCTION}()"] if function else [])
    if dialect == "sqlite":
        return [f"DROP TRIGGER IF EXISTS {t}_no_{w}" for t in tables for w in ("update", "delete")]
    return []


def create(connection) -> None:
    """Create the triggers on a connection (after the tables exist)."""
    for statement in create_statements(connection.dialect.name):
        connection.execute(sa.text(statement))


def attach(metadata: sa.MetaData) -> None:
    """Create the triggers whenever create_all creates the last of the history tables."""
    last = next(t for t in reversed(metadata.sorted_tables) if t.name in FROZEN)

    @sa.event.listens_for(last, "after_create")
    def _after_create(target, connection, **kw) -> None:
        if all(sa.inspect(connection).has_table(t) for t in FROZEN):
            create(connection)
