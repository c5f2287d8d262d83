"""The park's code serials: handed out by the database, never by scanning the pack table.

PostgreSQL: the sequence park_serial_seq (nextval, no lock). SQLite: one counter row raised
with UPDATE ... RETURNING, which takes the database's write lock. Serials run 1-9,999,999
(GB/T 34014's seven digits); the admin is warned at 90 %. To go on, change PARK_CODE_LINE
(the last traceability character of every park code) and run `flask park-serials restart`,
which starts the serials again at 1 once no park code of the new line exists (README).
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from lithloop.batteries.codes import ALNUM, MAX_SERIAL
from lithloop.extensions import db
from lithloop.models import PARK_SERIAL_SEQUENCE, Pack, ParkSerialCounter
from lithloop.services.errors import Conflict
from lithloop.services.plant.errors import Code

WARN_AT = 0.9  # share of the serial space used from which the admin is warned
PARK_MANUFACTURER = "LLP"


def line() -> str:
    """The configured line character (PARK_CODE_LINE, default "0") put into park codes."""
    value = str(current_app.config.get("PARK_CODE_LINE", "0") or "0").strip().upper()
    if len(value) != 1 or value not in ALNUM:
        raise ValueError(f"PARK_CODE_LINE must be one character 0-9 or A-Z, not {value!r}")
    return value


def _postgres() -> bool:
    return db.session.get_bind().dialect.name == "postgresql"


def next_serial() -> int:
    """The next serial, handed out once (inside the caller's transaction on SQLite)."""
    if _postgres():
        value = db.session.scalar(sa.select(PARK_SERIAL_SEQUENCE.next_value()))
    else:
        value = db.session.scalar(
            sa.update(ParkSerialCounter)
            .where(ParkSerialCounter.id == 1)
            .values(last_value=ParkSerialCounter.last_value + 1)
            .returning(ParkSerialCounter.last_value)
        )
        if value is None:  # a database made by create_all: the first serial
            db.session.add(ParkSerialCounter(id=1, last_value=1))
            db.session.flush()
            value = 1
    if value > MAX_SERIAL:
        raise Conflict(
            _l(
                "The park's code serials are used up (%(max)s): an admin must "
                "switch to the next code line (README, park code serials).",
                max=MAX_SERIAL,
            ),
            code=Code.SERIALS_USED_UP,
        )
    return int(value)


def used() -> int:
    """How many serials have been handed out on the current line."""
    if _postgres():
        last, called = db.session.execute(
            sa.text("SELECT last_value, is_called FROM park_serial_seq")
        ).one()
        return int(last) if called else int(last) - 1
    return int(db.session.scalar(sa.select(ParkSerialCounter.last_value)) or 0)


def warning() -> dict | None:
    """{used, max, pct} when 90 % or more of the serial space is used, else None."""
    count = used()
    if count < WARN_AT * MAX_SERIAL:
        return None
    return {"used": count, "max": MAX_SERIAL, "pct": round(100 * count / MAX_SERIAL, 1)}


def restart() -> None:
    """Start the serials again at 1 for the configured line (refused if it was used)."""
    current = line()
    taken = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(Pack)
        .where(
            Pack.code.like(f"{PARK_MANUFACTURER}%"),
            sa.func.substr(Pack.code, 14, 1) == current,
            Pack.code_assigned.is_(True) | Pack.refurbished.is_(True),
        )
    )
    if taken:
        raise Conflict(
            _l(
                "Park codes of line %(line)s exist already: set PARK_CODE_LINE to "
                "an unused character first.",
                line=current,
            ),
            code=Code.LINE_USED,
        )
    if _postgres():
        db.session.execute(sa.text("ALTER SEQUENCE park_serial_seq RESTART WITH 1"))
    else:
        db.session.execute(sa.delete(ParkSerialCounter))
    db.session.commit()
