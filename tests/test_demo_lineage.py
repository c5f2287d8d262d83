"""Every pack the demo puts on sale came through the real chain: its passport leads, event by
event, from the listing down to a pack a bus company retired from a bus."""

from __future__ import annotations

import re
from datetime import timedelta

from lithloop import clock
from lithloop.extensions import db
from lithloop.models import Pack, PackState
from lithloop.services.market import catalog
from tests.lineage import RETIRED_CHAIN, events_by_kind, lineage_problems, pack_by_code


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
        for parent in pack.parents:  # aged the park's AGING_DAYS (14) before release
            found = events_by_kind(parent)
            assert found["aged"][0].at - found["received"][0].at >= timedelta(days=13)


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
    parent = pack_by_code(next(e for e in built.events if e.kind == "built").data["parents"][0])
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
