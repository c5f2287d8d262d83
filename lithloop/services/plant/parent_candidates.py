"""The assembly page's parent candidates: filtered and paged in SQL, counted by an aggregate.

A candidate is what `assembly._refusal` accepts: graded A, B or C, and finished, or aging
with a latest retest that passes (insulation sound and the SoH of grade C or better). The
same rule is written here as SQL, so that a page reads 50 packs and a count, not every
candidate with its tests (tests/plant/test_parent_candidates.py keeps the two equal).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import aliased

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


def _where(chemistry: str | None = None, code: str | None = None) -> list:
    conditions = [
        Pack.grade.in_(SECOND_LIFE_GRADES),
        sa.or_(
            Pack.state == PackState.FINISHED,
            sa.and_(Pack.state == PackState.AGING, _retest_passes()),
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
