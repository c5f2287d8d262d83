"""A plant form pressed twice (a double click, a slow phone) lands the operator on what the
first press made, never on an error page (a walk of the operator's pages)."""

from __future__ import annotations

import re

import sqlalchemy as sa

from lithloop.extensions import db
from lithloop.models import DismantlingBatch, Grade, Pack, PackState
from tests import worlds
from tests.conftest import submit
from tests.plant_world import make_pack
from tests.web.test_lines_settlements import assembly_form

world = worlds.plant_staff


def test_opening_a_batch_twice_lands_on_the_batch_already_open(client, auth, world):
    """Walk finding: a second press of "open batch" answered 409 "line 1 already has an open
    batch", with no way to it."""
    auth.login(world["plant"].email)
    first = submit(client, "/plant/lines/1/open", {}, page="/plant/lines")
    again = submit(client, "/plant/lines/1/open", {}, page="/plant/lines")
    [batch_id] = db.session.scalars(sa.select(DismantlingBatch.id))  # one batch, not two
    assert first.status_code == again.status_code == 302
    assert again.headers["Location"].endswith(f"/plant/batches/{batch_id}")
    page = client.get(again.headers["Location"]).get_data(as_text=True)
    assert f"拆解批次 {batch_id} 已在 1 号线进行中" in page
    client.get("/lang/en")
    again = submit(client, "/plant/lines/1/open", {}, page="/plant/lines")
    page = client.get(again.headers["Location"]).get_data(as_text=True)
    assert f"Batch {batch_id} is already open on line 1" in page
    other = submit(
        client, "/plant/lines/2/open", {}, page="/plant/lines"
    )  # another line: a new one
    assert other.status_code == 302 and not other.headers["Location"].endswith(f"/{batch_id}")


def _built() -> list[Pack]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(Pack).where(Pack.refurbished.is_(True))))


def test_building_twice_from_one_form_lands_on_the_pack_the_first_press_built(client, auth, world):
    """Walk finding: a double click on "build" stored one pack (good) but answered the second
    press with a 409 "already used" page: its parents had gone into the pack just built."""
    parent = make_pack(world["plant"], PackState.FINISHED, grade=Grade.A, soh="85")
    auth.login(world["plant"].email)
    page = client.get("/plant/assembly").get_data(as_text=True)
    found = re.search(r'name="build_token" value="([^"]+)"', page)
    assert found, "the build form carries a one-time token"
    token = found.group(1)
    form = {**assembly_form(parent), "insulation_ok": "1", "build_token": token}
    first = submit(client, "/plant/assembly", form)
    again = submit(client, "/plant/assembly", form)
    [child] = _built()  # one pack, not two
    assert first.status_code == again.status_code == 302
    assert again.headers["Location"].endswith(f"/plant/packs/{child.id}")
    landed = client.get(again.headers["Location"]).get_data(as_text=True)
    assert f"电池包 {child.code} 已由此表单组装" in landed
    changed = submit(client, "/plant/assembly", {**form, "mass_kg": "220"})  # the back button
    assert changed.status_code == 409
    told = changed.get_data(as_text=True)
    assert 'id="err-build_token"' in told and "此表单之前已组装过一个电池包" in told
    assert 'value="220"' in told  # the typed values kept
    assert [p.id for p in _built()] == [child.id]
