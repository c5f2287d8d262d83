"""The assembly page's parent candidates: the SQL rule equals assembly's own, paged, filtered."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from lithloop import clock
from lithloop.extensions import db
from lithloop.models import Grade, Pack, PackState
from lithloop.services.plant import assembly, parent_candidates
from tests.conftest import submit
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
    early = make_pack(plant, PackState.AGING, grade=Grade.A, soh="85", retest=False)
    early.aging_until = clock.today() + timedelta(days=14)  # received today: still aging
    _retest(early, "85")  # a passing retest, but taken before its 14 days of aging
    packs = [*made, failed_last, insulation, passed_last, early]
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


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_pack_retested_before_its_aging_ends_is_no_parent(client, auth, world, lang):
    """walk: a pack sent to the aging warehouse today and retested at once (a slip, or to
    look) was offered as a parent and built into a second-life pack for sale the same day,
    its 14 days of aging skipped; moving it to the finished warehouse was refused."""
    parent = make_pack(world["plant"], PackState.AGING, grade=Grade.A, soh="85", retest=False)
    parent.aging_until = clock.today() + timedelta(days=14)
    db.session.commit()
    auth.login(world["plant"].email)
    client.get(f"/lang/{lang}")
    url = f"/plant/packs/{parent.id}"
    token = re.search(r'name="test_token" value="([^"]+)"', client.get(url).get_data(as_text=True))
    retest = {"capacity_ah": "150", "soh_pct": "85", "insulation_ok": "1"}
    sent = submit(client, f"{url}/test", {**retest, "test_token": token.group(1)}, page=url)
    assert sent.status_code == 302  # the early retest itself is kept, as before
    assert parent.code not in client.get("/plant/assembly").get_data(as_text=True)
    build = {
        "parents": parent.code, "rated_wh": "30000", "mass_kg": "210", "use_case": "base_station",
        "warranty_months": "12", "capacity_ah": "140", "soh_pct": "78", "insulation_ok": "1",
    }  # fmt: skip
    refused = submit(client, "/plant/assembly", build)
    body = refused.get_data(as_text=True)
    day = parent.aging_until.isoformat()
    said = {"zh": f"老化至 {day}", "en": f"is aging until {day}: retest it on or after that day"}
    assert refused.status_code == 409 and 'id="err-parents"' in body and said[lang] in body
    assert db.session.scalar(sa.select(sa.func.count()).where(Pack.refurbished.is_(True))) == 0
