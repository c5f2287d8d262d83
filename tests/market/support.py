"""Builders for market tests: buyers, admins, packs listed for sale."""

from __future__ import annotations

import itertools
import re
from decimal import Decimal

from lithloop import clock
from lithloop.extensions import db
from lithloop.models import Grade, OrgKind, Pack, PackState, PackTest, Role
from lithloop.services.packs.state import place
from tests.factories import make_org, make_user

_serial = itertools.count(1)


def make_buyer(name: str | None = None):
    """A buyer user of a new buyer organisation."""
    return make_user(make_org(OrgKind.BUYER, name=name), role=Role.BUYER)


def make_admin():
    """An admin of the park operator."""
    return make_user(make_org(OrgKind.PARK_OPERATOR), role=Role.ADMIN)


def list_packs(
    count: int,
    *,
    chemistry: str = "LFP",
    grade: str = "A",
    rated_wh: int = 51_200,
    price_fen: int = 1_200_000,
    soh: str = "88",
    cycles: int = 1100,
    warranty: int = 24,
    use_case: str = "storage",
) -> list[Pack]:
    """`count` identical refurbished packs put on sale through pack_state.place."""
    packs = []
    for _ in range(count):
        n = next(_serial)
        pack = Pack(
            code=f"TSTMKT{n:010d}",
            chemistry=chemistry,
            rated_wh=rated_wh,
            mass_kg=Decimal("400"),
            state=PackState.AGING,
            grade=Grade(grade),
            soh_pct=Decimal(soh),
            cycle_count=cycles,
            refurbished=True,
            price_fen=price_fen,
            price_index_version="test-1",
            warranty_months=warranty,
            use_case=use_case,
        )
        db.session.add(pack)
        db.session.add(
            PackTest(
                pack=pack,
                kind="final",
                soh_pct=Decimal(soh),
                capacity_ah=Decimal("140"),
                at=clock.now(),
            )
        )
        place(pack, PackState.FINISHED, None, "listed")
        packs.append(pack)
    db.session.commit()
    return packs


def quick_run(day, dispatcher):
    """A quick run of the day, executed here; its plan (the run must succeed)."""
    from lithloop.models import PlanRun, RunStatus
    from lithloop.services.dispatch import runs

    run = PlanRun(plan_date=day, time_limit_s=1, created_by_id=dispatcher.id, log="mode: quick")
    db.session.add(run)
    db.session.commit()
    runs.execute_run(run.id)
    db.session.expire_all()
    run = db.session.get(PlanRun, run.id)
    assert run.status is RunStatus.SUCCEEDED, run.error
    return run.plans[0]


def main_text(page: str) -> str:
    """The page's main text (with its flashed messages), without tags, spaces folded."""
    main = page.split("<main", 1)[1].split("</main>", 1)[0]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", main))
