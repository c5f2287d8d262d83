"""The assembly page's parent candidates: the SQL rule equals assembly's own, paged, filtered."""

from __future__ import annotations

import re

import pytest

from lithloop.extensions import db
from lithloop.models import Grade, Pack, PackState
from lithloop.services.plant import assembly, parent_candidates
from tests.plant_world import make_pack, plant_world, retest_record


@pytest.fixture
def world(app):
    return plant_world()


def _retest(pack: Pack, soh: str, insulation_ok: bool = True) -> None:
    db.session.add(retest_record(pack, soh, insulation_ok))
    db.session.commit()


def test_the_sql_rule_is_assemblys_rule(world):
    plant = world["plant"]
    made = [
        make_pack(plant, PackState.FINISHED, grade=Grade.B, soh="70"),
        make_pack(plant, PackState.FINISHED, grade=Grade.S, soh="30"),  # grade S: never
        make_pack(plant, PackState.AGING, grade=Grade.A, soh="85"),  # passing retest
        make_pack(plant, PackState.AGING, grade=Grade.A, soh="85", retest=False),  # none yet
        make_pack(plant, PackState.RAW, grade=Grade.A, soh="85"),  # not aging nor finished
    ]
    failed_last = make_pack(plant, PackState.AGING, grade=Grade.B, soh="65")
    _retest(failed_last, "30")  # the latest retest fails: the earlier pass does not count
    insulation = make_pack(plant, PackState.AGING, grade=Grade.B, soh="65", retest=False)
    _retest(insulation, "70", insulation_ok=False)
    passed_last = make_pack(plant, PackState.AGING, grade=Grade.C, soh="45", retest=False)
    _retest(passed_last, "20")
    _retest(passed_last, "45")  # failed once, passed since
    packs = [*made, failed_last, insulation, passed_last]
    expected = sorted(p.id for p in packs if assembly._refusal(p) is None)
    found = parent_candidates.candidate_page()
    assert sorted(p.id for p in found.listing.rows) == expected and found.total == len(expected)
    assert expected == sorted([made[0].id, made[2].id, passed_last.id])


def test_assembly_page_lists_fifty_a_page_with_filters(client, auth, world):
    plant = world["plant"]
    lfp = [make_pack(plant, PackState.FINISHED, grade=Grade.A, soh="85") for _ in range(52)]
    ncm = make_pack(plant, PackState.FINISHED, chemistry="NCM523", grade=Grade.A, soh="85")
    auth.login(plant.email)

    def parents(url: str) -> list[str]:
        html = client.get(url).get_data(as_text=True)
        return re.findall(r'name="parents" value="([^"]+)"', html)

    first, second = parents("/plant/assembly"), parents("/plant/assembly?page=2")
    assert len(first) == 50 and len(second) == 3 and not set(first) & set(second)
    assert set(first) | set(second) == {p.code for p in [*lfp, ncm]}
    assert parents("/plant/assembly?chemistry=NCM523") == [ncm.code]
    assert parents(f"/plant/assembly?code={lfp[7].code[-6:].lower()}") == [lfp[7].code]
    assert len(parents("/plant/assembly?chemistry=nonsense")) == 50  # unknown: all


def test_assembly_page_past_the_end_links_to_the_last_page(client, auth, world):
    plant = world["plant"]
    auth.login(plant.email)
    empty = client.get("/plant/assembly?page=3").get_data(as_text=True)
    assert 'class="empty past-last"' not in empty  # no candidates: no last page to link
    for _ in range(51):
        make_pack(plant, PackState.FINISHED, grade=Grade.A, soh="85")
    body = client.get("/plant/assembly?page=9").get_data(as_text=True)
    assert re.search(r'class="empty past-last">[^\n]*href="/plant/assembly\?page=2"', body)
    assert re.search(
        r'<span class="nowrap">2 / 2</span>',
        client.get("/plant/assembly?page=2").get_data(as_text=True),
    )
