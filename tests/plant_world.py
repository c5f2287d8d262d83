"""Builders for plant tests: a park with staff, a dealer, packs in any state, received bookings.

Packs are made directly through the models, pack_events.record and pack_state.place (not
through the intake service), walking each pack along allowed transitions to its state.
"""

from __future__ import annotations

import itertools
import re
from decimal import Decimal

from lithloop import clock
from lithloop.batteries import make_park_code
from lithloop.extensions import db
from lithloop.models import (
    BookingStatus,
    Grade,
    Intake,
    OrgKind,
    Pack,
    PackState,
    PackTest,
    Role,
)
from lithloop.services.booking import bookings as booking_service
from lithloop.services.booking import prices as price_service
from lithloop.services.packs import events as pack_events
from lithloop.services.packs import state as pack_state
from tests.conftest import submit
from tests.factories import make_org, make_park, make_site, make_user
from tests.route_world import open_day

_serial = itertools.count(1)
S = PackState
#: States walked through (from RECEIVED) to reach each state.
PATHS = {
    S.RECEIVED: [],
    S.RAW: [S.RAW],
    S.AGING: [S.AGING],
    S.FINISHED: [S.AGING, S.FINISHED],
    S.CONSUMED: [S.AGING, S.CONSUMED],
    S.RESERVED: [S.AGING, S.FINISHED, S.RESERVED],
    S.SOLD: [S.AGING, S.FINISHED, S.SOLD],
    S.DISMANTLED: [S.RAW, S.DISMANTLED],
}


def plant_world() -> dict:
    """The index, a park with a plant operator, an admin and a dispatcher; two dealers."""
    price_service.ensure_default_index()
    park = make_park()
    dealer_org = make_org(name="东宁测试经销店")
    other_org = make_org(OrgKind.BUS_COMPANY, name="海林测试公交")
    return {
        "park": park,
        "plant": make_user(park, role=Role.PLANT_OPERATOR),
        "admin": make_user(park, role=Role.ADMIN),
        "dispatcher": make_user(park, role=Role.DISPATCHER),
        "dealer": make_user(dealer_org),
        "site": make_site(dealer_org),
        "other": make_user(other_org),
        "other_site": make_site(other_org),
    }


def retest_record(pack, soh: str, insulation_ok: bool = True) -> PackTest:
    """A retest of `pack` at 150 Ah with the given state of health (not yet added)."""
    return PackTest(
        pack=pack,
        kind="retest",
        capacity_ah=Decimal("150"),
        soh_pct=Decimal(soh),
        insulation_ok=insulation_ok,
    )


def new_code(chemistry_letter: str = "B") -> str:
    """A fresh valid GB/T 34014 test code."""
    return make_park_code(
        next(_serial),
        chemistry_letter=chemistry_letter,
        product_type="P",
        produced=clock.today(),
        traceability="TEST000",
    )


def make_pack(
    user,
    state: PackState = S.RAW,
    *,
    chemistry: str = "LFP",
    mass: str = "300",
    grade: Grade | None = None,
    soh: str | None = None,
    rated_wh: int | None = None,
    retest: bool = True,
    booking=None,
    lot=None,
    commit: bool = True,
) -> Pack:
    """A pack received at the park and walked to `state`; a passing retest when aging."""
    pack = Pack(
        code=new_code("B" if chemistry == "LFP" else "E"),
        chemistry=chemistry,
        mass_kg=Decimal(mass),
        state=S.RECEIVED,
        grade=grade,
        soh_pct=Decimal(soh) if soh else None,
        rated_wh=rated_wh,
        cycle_count=800,
        booking_id=booking.id if booking else None,
        lot_id=lot.id if lot else None,
        owner_id=booking.organisation_id if booking else None,
    )
    db.session.add(pack)
    pack_events.record(pack, "received", user)
    for step in PATHS[state]:
        if step is S.AGING:  # aged: its aging ends today, so a retest today releases it
            pack.aging_until = clock.today()
        if step is S.AGING and retest and soh:
            db.session.add(retest_record(pack, soh))
        pack_state.place(pack, step, user)
    if commit:
        db.session.commit()
    return pack


def booked(world: dict, lots: list[dict] | None = None, *, user="dealer", site="site"):
    """A booking made through the booking service (quote frozen on today's index)."""
    lots = lots or [
        {
            "chemistry": "LFP",
            "form": "pack",
            "count": 2,
            "mass_kg": "600",
            "condition": "intact",
            "codes": [],
        }
    ]
    raw = {
        "site_id": world[site].id,
        "date": open_day(2).isoformat(),
        "window": ["09:00", "11:00"],
        "lots": lots,
    }
    booking, _ = booking_service.book_pickup(world[user], raw)
    return booking


def receive(world: dict, booking, measured_kg: str) -> Intake:
    """Walk the booking to RECEIVED and store its intake with the measured mass."""
    for status in (BookingStatus.SCHEDULED, BookingStatus.PICKED_UP, BookingStatus.RECEIVED):
        booking_service.change_status(world["admin"], booking.id, status)
    intake = Intake(
        booking_id=booking.id, measured_kg=Decimal(measured_kg), by_user_id=world["plant"].id
    )
    db.session.add(intake)
    db.session.commit()
    return intake


def settle_as_shown(client, booking_id: int, shown: str | None = None):
    """Open the settle preview and press its button, as the page sends it: with the amount
    it showed (or `shown`, fen, as an older page showed it)."""
    url = f"/settlements/{booking_id}/settle"
    if shown is None:
        preview = submit(client, url, {}, page="/settlements/").get_data(as_text=True)
        shown = re.search(r'name="total_fen" value="(-?\d+)"', preview).group(1)
    return submit(client, url, {"confirmed": "1", "total_fen": shown}, page="/settlements/")
