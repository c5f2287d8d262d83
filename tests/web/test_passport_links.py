"""Links between passports, dismantling batches and certificates: each where the data
exists, and only to a page the viewer may open (tests/authz_table.py)."""

from __future__ import annotations

import re

import sqlalchemy as sa

from lithloop.extensions import db
from lithloop.models import Grade, PackState, Settlement
from lithloop.services.plant import dismantling
from lithloop.services.plant import settlement as settlement_service
from tests import worlds
from tests.pack_builders import build_refurbished
from tests.plant_world import booked, make_pack, receive

world = worlds.plant_staff


def _links(page: str) -> set[str]:
    return set(re.findall(r'href="([^"]+)"', page))


def _dismantled(world):
    """An owner's pack put on a batch of line 2 through the lines' service."""
    pack = make_pack(world["plant"], mass="500", booking=booked(world))
    batch = dismantling.open_batch(world["plant"], 2)
    dismantling.add_packs(world["plant"], batch.id, [pack.code])
    return pack, batch


def test_the_passport_links_its_dismantling_batch_for_plant_staff(client, auth, world):
    pack, batch = _dismantled(world)
    for who in ("plant", "admin"):
        auth.login(world[who].email)
        page = client.get(f"/packs/{pack.code}")
        assert page.status_code == 200
        assert f"/plant/batches/{batch.id}" in _links(page.text), who
        assert client.get(f"/plant/batches/{batch.id}").status_code == 200
        auth.logout()


def test_the_owner_reads_the_batch_number_without_a_link_it_may_not_open(client, auth, world):
    pack, batch = _dismantled(world)
    auth.login(world["dealer"].email)
    page = client.get(f"/packs/{pack.code}")
    assert page.status_code == 200
    assert re.search(rf"<dt>[^<]+</dt><dd>#{batch.id}</dd>", page.text)  # named, not linked
    assert not any("/plant/" in link for link in _links(page.text))
    assert client.get(f"/plant/batches/{batch.id}").status_code == 403


def test_the_batch_page_links_each_pack_to_its_passport(client, auth, world):
    pack, batch = _dismantled(world)
    auth.login(world["plant"].email)
    page = client.get(f"/plant/batches/{batch.id}").text
    assert f"/packs/{pack.code}" in _links(page)
    assert client.get(f"/packs/{pack.code}").status_code == 200


def test_a_pack_built_at_the_park_is_linked_to_its_public_view_for_the_owner(client, auth, world):
    """The owner's pack went into a second-life pack of the park: the owner may not open
    that pack's full passport (404), so its page links the public one."""
    parent = make_pack(
        world["plant"], PackState.AGING, grade=Grade.A, soh="88", booking=booked(world)
    )
    child = build_refurbished(world["plant"], [parent])
    auth.login(world["dealer"].email)
    page = client.get(f"/packs/{parent.code}").text
    assert f"/p/{child.code}" in _links(page) and f"/packs/{child.code}" not in _links(page)
    assert client.get(f"/packs/{child.code}").status_code == 404
    assert client.get(f"/p/{child.code}").status_code == 200
    auth.logout()
    auth.login(world["plant"].email)
    page = client.get(f"/packs/{parent.code}").text
    assert f"/packs/{child.code}" in _links(page)
    ancestry = client.get(f"/packs/{child.code}").text
    assert f"/packs/{parent.code}" in _links(ancestry)


def test_the_certificate_links_each_pack_code_to_its_public_passport(client, world):
    booking = booked(world)
    receive(world, booking, "610")
    lot = booking.lots[0]
    gone = make_pack(
        world["plant"], PackState.DISMANTLED, grade=Grade.S, soh="20", booking=booking, lot=lot
    )
    kept = make_pack(
        world["plant"], PackState.AGING, grade=Grade.A, soh="88", booking=booking, lot=lot
    )
    settlement_service.settle(world["plant"], booking.id)
    token = db.session.scalar(sa.select(Settlement.certificate_token))
    page = client.get(f"/certificates/{token}")  # public: nobody logged in
    assert page.status_code == 200
    links = _links(page.text)
    assert {f"/p/{gone.code}", f"/p/{kept.code}"} <= links
    assert not any(link.startswith("/packs/") for link in links)
    for pack in (gone, kept):
        assert client.get(f"/p/{pack.code}").status_code == 200
