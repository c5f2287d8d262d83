"""The park's warehouses: stock with age, mass and energy; aging alerts; checked moves.

A pack leaves the aging warehouse for the finished-product warehouse only after a retest
taken on or after its aging_until date that still grades A/B/C; a retest that grades S has
already sent it to the raw-material warehouse (services.grading).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, timedelta
from decimal import Decimal

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from lithloop import clock, labels
from lithloop.extensions import db
from lithloop.models import Grade, Pack, PackState, PackTest, User, Warehouse
from lithloop.services.accounts import policies
from lithloop.services.errors import Conflict, Invalid, ServiceError
from lithloop.services.packs import state as pack_state
from lithloop.services.plant.errors import Code
from lithloop.services.plant.grading import lock_pack

SECOND_LIFE = (Grade.A, Grade.B, Grade.C)
#: where a pack may be moved from each warehouse, and the state it then has
MOVES = {
    Warehouse.RAW: {Warehouse.AGING: PackState.AGING},
    Warehouse.AGING: {Warehouse.FINISHED: PackState.FINISHED, Warehouse.RAW: PackState.RAW},
    Warehouse.FINISHED: {Warehouse.RAW: PackState.RAW},
}


def local_date(moment) -> date | None:
    """The Beijing calendar date of a UTC time."""
    return None if moment is None else clock.local_day(moment)


def aged_when_retested(pack: Pack, retest: PackTest) -> bool:
    """True when the retest was taken on or after the pack's aging_until date (the park's
    day): a retest before it is taken too early to release the pack."""
    moment = retest.at or clock.now()  # not flushed yet: taken now
    moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return pack.aging_until is not None and clock.local_day(moment) >= pack.aging_until


def valid_retest(pack: Pack) -> PackTest | None:
    """The latest retest taken on or after the pack's aging_until date."""
    tests = [t for t in pack.tests if t.kind == "retest" and aged_when_retested(pack, t)]
    return tests[-1] if tests else None


@dataclass(frozen=True)
class StockRow:
    """One pack in a warehouse, with how long it has been there."""

    pack: Pack
    days: int
    overdue: bool  # aging: aging_until passed and not re-tested


@dataclass(frozen=True)
class Stock:
    """A warehouse's packs and totals."""

    warehouse: Warehouse
    rows: tuple[StockRow, ...]

    @property
    def mass_kg(self) -> Decimal:
        """Total mass."""
        return sum((Decimal(r.pack.mass_kg) for r in self.rows), Decimal(0))

    @property
    def rated_kwh(self) -> Decimal:
        """Total rated energy of the packs whose rating is known."""
        return sum((r.pack.rated_kwh or Decimal(0) for r in self.rows), Decimal(0))

    @property
    def usable_kwh(self) -> Decimal:
        """Total rated energy × SoH of the packs where both are known."""
        return sum((r.pack.usable_kwh or Decimal(0) for r in self.rows), Decimal(0))

    @property
    def overdue(self) -> list[StockRow]:
        """Packs overdue in aging."""
        return [r for r in self.rows if r.overdue]


def is_overdue(pack: Pack, today: date) -> bool:
    """An aging pack past its aging_until date without a valid retest."""
    return (
        pack.state is PackState.AGING
        and pack.aging_until is not None
        and pack.aging_until < today
        and valid_retest(pack) is None
    )


def stock(warehouse: Warehouse) -> Stock:
    """The packs in one warehouse, oldest first."""
    today = clock.today()
    packs = db.session.scalars(
        sa.select(Pack)
        .where(Pack.warehouse == warehouse)
        .options(selectinload(Pack.tests))
        .order_by(Pack.warehouse_since, Pack.id)
    )
    rows = tuple(
        StockRow(p, (today - (local_date(p.warehouse_since) or today)).days, is_overdue(p, today))
        for p in packs
    )
    return Stock(warehouse, rows)


def overdue_count() -> int:
    """How many packs are overdue in aging (for the arrivals page's alert)."""
    return len(stock(Warehouse.AGING).overdue)


def _where(pack: Pack):
    return labels.WAREHOUSE[pack.warehouse] if pack.warehouse else pack.state.value


def _check_release(pack: Pack) -> None:
    if valid_retest(pack) is None:
        raise Conflict(
            _l(
                "Pack %(code)s must be re-tested on or after %(d)s before it leaves "
                "the aging warehouse.",
                code=pack.code,
                d=pack.aging_until.isoformat() if pack.aging_until else "—",
            ),
            code=Code.RETEST_NEEDED,
        )
    if pack.grade not in SECOND_LIFE:
        raise Conflict(
            _l(
                "Pack %(code)s is grade %(g)s after its retest; send it to the "
                "raw-material warehouse.",
                code=pack.code,
                g=pack.grade.value if pack.grade else "—",
            ),
            code=Code.FAILED_RETEST,
        )


def possible_moves(pack: Pack) -> list[Warehouse]:
    """The warehouses this pack may be moved to now, by the checks `move` makes: to aging
    only graded A, B or C; out of aging to finished products only after a retest on or
    after its date that still grades A, B or C."""
    if pack.warehouse is None:
        return []
    found = []
    for dst in MOVES[pack.warehouse]:
        if dst is Warehouse.AGING and pack.grade not in SECOND_LIFE:
            continue
        if dst is Warehouse.FINISHED and (
            valid_retest(pack) is None or pack.grade not in SECOND_LIFE
        ):
            continue
        found.append(dst)
    return found


def move(user: User, pack_id: int, source: str, target: str) -> Pack:
    """Move a pack from the warehouse it is in to another, with the checks of each move."""
    policies.require(
        user, policies.PLANT_STAFF, _l("Only plant operators receive, grade and move packs.")
    )
    try:
        pack = lock_pack(pack_id)
        try:
            src, dst = Warehouse(source), Warehouse(target)
        except ValueError as exc:
            raise Invalid(_l("Choose a warehouse."), field="to") from exc
        if pack.warehouse is not src:
            raise Conflict(
                _l(
                    "Pack %(code)s is not in the %(src)s but in the %(where)s.",
                    code=pack.code,
                    src=labels.WAREHOUSE[src],
                    where=_where(pack),
                ),
                code=Code.WRONG_WAREHOUSE,
            )
        state = MOVES[src].get(dst)
        if state is None:
            raise Conflict(
                _l(
                    "Packs are not moved from the %(src)s to the %(dst)s.",
                    src=labels.WAREHOUSE[src],
                    dst=labels.WAREHOUSE[dst],
                ),
                code=Code.BAD_MOVE,
            )
        if dst is Warehouse.FINISHED:
            _check_release(pack)
            pack_state.place(pack, state, user, "aged", data={"retest_id": valid_retest(pack).id})
        elif dst is Warehouse.AGING:
            if pack.grade not in SECOND_LIFE:
                raise Conflict(
                    _l("Pack %(code)s is not graded A, B or C.", code=pack.code),
                    code=Code.NOT_SECOND_LIFE,
                )
            pack.aging_until = clock.today() + timedelta(days=int(current_app.config["AGING_DAYS"]))
            pack_state.place(pack, state, user, data={"aging_until": pack.aging_until.isoformat()})
        else:
            pack_state.place(pack, state, user)
        db.session.commit()
    except (ServiceError, sa.exc.SQLAlchemyError):
        db.session.rollback()
        raise
    return pack
