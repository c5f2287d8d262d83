"""The whole chain under a frozen clock in years the code and calendar once ended in.

With the clock at 1 February of the first year without an official calendar shipped
(2027 when written: the week before its Spring Festival), 2028-03-01 (past the pack codes
both public decoders agree on) and 2040-01-01 (a Sunday, year character U), a booking goes
through pickup, intake, grading, aging, assembly, sale and the traceability report without
an error. Every handover deadline is then either the right Chinese working day for a
covered year (2026 here) or marked provisional.
"""

from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa

from lithloop import clock
from lithloop.batteries.codes import validate_code
from lithloop.extensions import db
from lithloop.models import Pack, PackEvent, PackState, Role
from lithloop.services.market import checkout as market_checkout
from lithloop.services.market import payments as market_payments
from lithloop.services.packs import events as pack_events
from lithloop.services.packs import handover_export, holiday_calendar, traceability
from lithloop.services.plant import assembly, grading, intake
from tests.calendar_gap import GAP_YEAR
from tests.conftest import api_headers, freeze_clock
from tests.factories import make_user
from tests.intake_world import build_arrival, receipt
from tests.market.support import make_buyer
from tests.pack_builders import utc

GOOD = {"capacity_ah": "150", "soh_pct": "86", "insulation_ok": "1"}


def _chain(monkeypatch, start: datetime) -> dict:
    freeze_clock(monkeypatch, start)
    world = build_arrival()
    operator = world["operator"]
    intake.receive(operator, world["booking_id"], receipt(world))
    packs = list(
        db.session.scalars(
            sa.select(Pack).where(Pack.booking_id == world["booking_id"]).order_by(Pack.id)
        )
    )
    for pack in packs:  # the generated codes carry today's date
        assert validate_code(pack.code, today=clock.today()).ok
        if pack.code_assigned:
            assert validate_code(pack.code, today=clock.today()).parsed.produced == clock.today()
    parents = [p for p in packs if p.code in world["codes"]]
    for pack in parents:
        grading.record_test(operator, pack.id, GOOD)
        assert grading.send(operator, pack.id).state is PackState.AGING
    freeze_clock(monkeypatch, start + timedelta(days=16))  # aged: retest and build
    for pack in parents:
        grading.record_test(operator, pack.id, GOOD)
    built = assembly.build(
        operator,
        assembly.BuildOrder(
            parent_codes=tuple(p.code for p in parents),
            rated_wh=30_000,
            mass_kg=Decimal("200"),
            test=assembly.FinalTest(Decimal("150"), Decimal("86"), None, None, True),
            warranty_months=12,
            use_case="base_station",
        ),
    )
    assert validate_code(built.code).parsed.produced == clock.today()
    buyer = make_buyer()
    order = market_checkout.checkout(buyer, [{"pack_id": built.id}])
    market_payments.pay(buyer, order.id, "pm_card_visa")  # through localstripe
    assert db.session.get(Pack, built.id).state is PackState.SOLD
    return {"world": world, "built": built, "buyer": buyer}


@pytest.mark.parametrize(
    "start",
    [
        utc(GAP_YEAR, 2, 1, 1, 30),
        utc(2028, 3, 1, 1, 30),
        utc(2040, 1, 1, 1, 30),
    ],
    ids=["gap-year-02-01", "2028-03-01", "2040-01-01"],
)
def test_the_chain_runs_and_uncovered_deadlines_are_provisional(
    localstripe, app, client, auth, monkeypatch, start
):
    _chain(monkeypatch, start)
    handovers = traceability.pending()
    assert {e.kind for e in handovers} == {"received", "built", "sold"}
    for event in handovers:
        start_day = clock.local_day(event.at)
        assert event.report_due == pack_events.calendar().add_working_days(start_day, 15)
        assert holiday_calendar.event_provisional(event)  # no official calendar for the year
    groups = traceability.due_groups()
    assert groups.total == len(handovers)
    body = "".join(handover_export.csv_chunks(handover_export.unreported_query()))
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))
    assert len(rows) == 1 + len(handovers)
    assert {r[-1] for r in rows[1:]} == {handover_export.PROVISIONAL}
    admin = make_user(_park(), role=Role.ADMIN)
    auth.login(admin.email)
    page = client.get("/trace/")
    assert page.status_code == 200
    assert page.get_data(as_text=True).count("badge provisional") == len(handovers)
    body = client.get("/api/v1/traceability/due", headers=api_headers(client, admin)).get_json()
    flags = [h["report_due_provisional"] for g in ("overdue", "due_soon", "later") for h in body[g]]
    assert flags and all(flags)


def _park():
    from lithloop.models import Organisation, OrgKind

    return db.session.scalar(
        sa.select(Organisation).where(Organisation.kind == OrgKind.PARK_OPERATOR)
    )


def test_the_chain_in_a_covered_year_counts_the_official_holidays(localstripe, app, monkeypatch):
    # Tue 10 Feb 2026, 10:00 Beijing: 15 working days with Sat 14 Feb worked, 15-23 Feb off
    # and Sat 28 Feb worked end on Mon 9 March (Monday to Friday alone: 3 March).
    _chain(monkeypatch, utc(2026, 2, 10, 2))
    received = [e for e in traceability.pending() if e.kind == "received"]
    assert received and {e.report_due.isoformat() for e in received} == {"2026-03-09"}
    assert not any(holiday_calendar.event_provisional(e) for e in received)
    later = [
        e
        for e in db.session.scalars(
            sa.select(PackEvent).where(PackEvent.kind.in_(("built", "sold")))
        )
    ]
    # built and sold on 26 Feb 2026: Sat 28 Feb works, so 15 working days end on 18 March
    assert {e.report_due.isoformat() for e in later} == {"2026-03-18"}
