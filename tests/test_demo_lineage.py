"""Every pack the demo puts on sale came through the real chain: its passport leads, event by
event, from the listing down to a pack a bus company retired from a bus."""

from __future__ import annotations

import re
from datetime import timedelta

import sqlalchemy as sa

from lithloop import clock
from lithloop.extensions import db
from lithloop.models import BusPack, OrgKind, Pack, PackState
from lithloop.services.market import catalog

#: What a retired pack's own chain holds before it is built into a second-life pack.
RETIRED_CHAIN = ("retired", "booked", "picked_up", "received", "tested", "graded", "aged")


def _events(pack: Pack) -> dict[str, list]:
    found: dict[str, list] = {}
    for event in sorted(pack.events, key=lambda e: (e.at, e.id)):
        found.setdefault(event.kind, []).append(event)
    return found


def _pack(code: str) -> Pack | None:
    return db.session.scalar(sa.select(Pack).where(Pack.code == code))


def lineage_problems(pack: Pack, child: Pack | None = None) -> list[str]:
    """What is missing from the pack's chain down to the retired packs it came from,
    following the "built" events' parents and the parents' "consumed" events."""
    events = _events(pack)
    if child is not None:
        consumed = events.get("consumed", [])
        if not any(e.data.get("into") == child.code for e in consumed):
            return [f"{pack.code}: no 'consumed' event into {child.code}"]
    if "built" in events:
        parents = events["built"][-1].data.get("parents") or []
        if not parents:
            return [f"{pack.code}: built from no parents"]
        problems = []
        for code in parents:
            parent = _pack(code)
            if parent is None:
                problems.append(f"{pack.code}: parent {code} does not exist")
                continue
            if parent.events and max(e.at for e in parent.events) > events["built"][-1].at:
                problems.append(f"{code}: events after {pack.code} was built from it")
            problems += lineage_problems(parent, pack)
        return problems
    return _retired_problems(pack, events)


def _retired_problems(pack: Pack, events: dict[str, list]) -> list[str]:
    missing = [kind for kind in RETIRED_CHAIN if kind not in events]
    if missing:
        return [f"{pack.code}: not built, and its chain lacks {', '.join(missing)}"]
    retired, booked = events["retired"][0], events["booked"][0]
    problems = []
    if booked.organisation is None or booked.organisation.kind not in (
        OrgKind.BUS_COMPANY,
        OrgKind.DEALER_BRANCH,
    ):
        problems.append(f"{pack.code}: not booked by the bus company or dealer that retired it")
    register = db.session.scalar(
        sa.select(BusPack).where(
            BusPack.pack_code == pack.code, BusPack.organisation_id == booked.organisation_id
        )
    )
    if register is None or retired.data.get("vehicle_plate") != register.vehicle_plate:
        problems.append(f"{pack.code}: retired from no bus of its owner's fleet register")
    order = [events[kind][0].at for kind in RETIRED_CHAIN[1:]]
    if order != sorted(order):
        problems.append(f"{pack.code}: booked, picked up, received, graded, aged out of order")
    aging = timedelta(days=14)  # the park's AGING_DAYS
    if events["aged"][0].at - events["received"][0].at < aging - timedelta(days=1):
        problems.append(f"{pack.code}: released from aging before it had aged")
    return problems


def test_every_pack_on_sale_has_a_chain_down_to_a_retired_bus_pack(demo):
    on_sale = catalog.search(catalog.Filters())
    assert len(on_sale) >= 20
    assert {p.grade.value for p in on_sale} >= {"A", "B", "C"}
    assert len({p.price_fen for p in on_sale}) >= 4
    problems = [problem for pack in on_sale for problem in lineage_problems(pack)]
    assert problems == []
    now = clock.now()
    for pack in on_sale:  # the chain ran in the past: nothing after "today"
        assert all(e.at <= now for e in pack.events), pack.code
        built = next(e for e in pack.events if e.kind == "built")
        assert built.at < now - timedelta(days=2)
        assert built.at.tzinfo is not None and built.at.utcoffset() == timedelta(0)


def test_the_lineage_check_fails_for_a_pack_listed_without_a_chain(demo):
    from lithloop.services.packs.state import place

    built = catalog.search(catalog.Filters())[0]
    assert lineage_problems(built) == []
    bare = Pack(code="LLPPB00RF00000GBP9000001", chemistry="LFP", mass_kg=41, grade=built.grade)
    bare.state, bare.refurbished, bare.price_fen = PackState.AGING, True, 50_000
    db.session.add(bare)
    place(bare, PackState.FINISHED, None, "listed")  # the way the demo once listed its stock
    db.session.commit()
    assert lineage_problems(bare) == [
        f"{bare.code}: not built, and its chain lacks " + ", ".join(RETIRED_CHAIN)
    ]
    parent = _pack(next(e for e in built.events if e.kind == "built").data["parents"][0])
    assert lineage_problems(parent, bare)  # not consumed into it


def test_an_assembled_demo_packs_passport_shows_its_ancestry_apart(demo, client):
    pack = catalog.search(catalog.Filters(grade="C"))[0]  # grade C: built from two packs
    parents = sorted(p.code for p in pack.parents)
    assert len(parents) == 2
    client.get("/lang/en")
    page = client.get(f"/p/{pack.code}").get_data(as_text=True)
    own, marker, ancestry = page.partition('class="card ancestry"')
    assert marker, "the public passport has no ancestry section"
    assert "Built from parent packs" in own and "Listed for sale" in own
    for kind in ("Retired from vehicle", "Picked up", "Received at the park"):
        assert kind not in own and kind in ancestry
    for code in parents:
        assert f'href="/p/{code}"' in ancestry
    built = next(e for e in pack.events if e.kind == "built")
    shown = clock.local(built.at).strftime("%Y-%m-%d %H:%M")
    assert shown in own  # the date with its time, in the park's zone
    picked = [e for p in pack.parents for e in p.events if e.kind == "picked_up"]
    assert all(clock.local(e.at).strftime("%Y-%m-%d %H:%M") in ancestry for e in picked)
    assert re.search(r"assembled from 2 retired packs", ancestry)
