"""The assembly page's parent candidates: filtered and paged in SQL, counted by an aggregate.

A candidate is what `assembly._refusal` accepts: graded A, B or C, and finished, or aging
with a latest retest, taken on or after its aging_until day, that passes (insulation sound
and the SoH of grade C or better). The same rule is written here as SQL (the retest's day
read in Python: the park's day of a stored instant has no SQL both databases share), so
that a page reads 50 packs and a count, not every candidate with its tests
(tests/web/test_parent_candidates.py keeps the two equal).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import aliased

from lithloop import clock
from lithloop.extensions import db
from lithloop.models import Grade, Pack, PackState, PackTest
from lithloop.services import paging
from lithloop.services.plant.assembly import SECOND_LIFE_GRADES

PAGE_SIZE = 50


@dataclass(frozen=True)
class CandidatePage:
    """One page of candidates, how many match in all, and the filters that chose them."""

    listing: paging.Page[Pack]
    total: int
    chemistry: str | None = None
    code: str | None = None
    chemistries: list[str] = field(default_factory=list)


def _retest_passes():
    """SQL: the pack's latest retest passes (as `assembly.passed_retest`)."""
    limits = current_app.config["GRADE_MIN_SOH"]
    floors = [Decimal(limits[g.value]) for g in (Grade.A, Grade.B, Grade.C) if g.value in limits]
    if not floors:
        return sa.false()
    test, newer = aliased(PackTest), aliased(PackTest)
    superseded = (
        sa.select(newer.id)
        .where(newer.pack_id == Pack.id, newer.kind == "retest", newer.id > test.id)
        .correlate(Pack, test)
        .exists()
    )
    return (
        sa.select(test.id)
        .where(
            test.pack_id == Pack.id,
            test.kind == "retest",
            test.insulation_ok.is_(True),
            test.soh_pct >= min(floors),
            ~superseded,
        )
        .correlate(Pack)
        .exists()
    )


def _retested_too_early() -> list[int]:
    """The aging packs whose latest retest was taken before their aging_until day (the
    aging warehouse's stock and its retests: a few hundred rows)."""
    latest: dict[int, tuple[int, date | None, datetime]] = {}
    rows = db.session.execute(
        sa.select(Pack.id, Pack.aging_until, PackTest.id, PackTest.at)
        .join(PackTest, PackTest.pack_id == Pack.id)
        .where(Pack.state == PackState.AGING, PackTest.kind == "retest")
    )
    for pack_id, until, test_id, moment in rows:
        if pack_id not in latest or test_id > latest[pack_id][0]:
            latest[pack_id] = (test_id, until, moment)
    return [
        pack_id
        for pack_id, (_test, until, moment) in latest.items()
        if until is None
        or clock.local_day(moment if moment.tzinfo else moment.replace(tzinfo=UTC)) < until
    ]


def _where(chemistry: str | None = None, code: str | None = None) -> list:
    early = _retested_too_early()
    conditions = [
        Pack.grade.in_(SECOND_LIFE_GRADES),
        sa.or_(
            Pack.state == PackState.FINISHED,
            sa.and_(Pack.state == PackState.AGING, _retest_passes(), Pack.id.not_in(early)),
        ),
    ]
    if chemistry:
        conditions.append(Pack.chemistry == chemistry)
    if code:
        conditions.append(Pack.code.contains(code.strip().upper(), autoescape=True))
    return conditions


def candidate_page(
    page: int = 1, chemistry: str | None = None, code: str | None = None
) -> CandidatePage:
    """One page of candidates by chemistry, grade and id, with the total (three queries)."""
    where = _where(chemistry, code)
    total = db.session.scalar(sa.select(sa.func.count()).select_from(Pack).where(*where))
    ordered = sa.select(Pack).where(*where).order_by(Pack.chemistry, Pack.grade, Pack.id)
    rows = list(db.session.scalars(ordered.limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)))
    chemistries = list(
        db.session.scalars(
            sa.select(Pack.chemistry).where(*_where()).distinct().order_by(Pack.chemistry)
        )
    )
    return CandidatePage(
        paging.counted(rows, page=page, per_page=PAGE_SIZE, total=total),
        total,
        chemistry,
        code,
        chemistries,
    )
