"""A booking's lot and a dismantling batch are two things with two names: 预约批次 (booking
lot) and 拆解批次 (dismantling batch), never both 批次 (a walk of the operator's pages)."""

from __future__ import annotations

import re

import sqlalchemy as sa
from flask_babel import force_locale

from lithloop.extensions import db
from lithloop.models import DismantlingBatch
from lithloop.services.packs import events as pack_events
from lithloop.web.passport_text import event_details
from tests import worlds
from tests.conftest import submit
from tests.plant_world import make_pack

world = worlds.plant_staff
BARE_BATCH = re.compile("(?<!拆解)(?<!预约)批次")


def test_a_packs_history_names_its_lot_and_its_batch_apart(app):
    """Walk finding: the history read "预约：#3；批次：1" beside "拆解批次：#1"."""
    with force_locale("zh"):
        booked = dict(event_details({"booking_id": 3, "lot": 0}))
        dismantled = dict(event_details({"batch": 1, "line": 1}))
    assert booked == {"预约": "#3", "预约批次": "1"}
    assert dismantled == {"拆解批次": "#1", "产线": "1 号线"}
    with force_locale("en"):
        assert dict(event_details({"lot": 0, "batch": 1})) == {
            "Booking lot": "1",
            "Dismantling batch": "#1",
        }


def test_the_lines_pages_and_the_history_call_a_batch_by_one_name(client, auth, world):
    """The lines pages said 批次 5 and 开启批次 where the pack's history says 拆解批次."""
    plant = world["plant"]
    pack = make_pack(plant, mass="300")
    pack_events.record(pack, "booked", plant, data={"booking_id": 1, "lot": 0})
    db.session.commit()
    auth.login(plant.email)
    assert submit(client, "/plant/lines/1/open", {}, page="/plant/lines").status_code == 302
    batch_url = f"/plant/batches/{db.session.scalar(sa.select(DismantlingBatch.id))}"
    added = submit(client, f"{batch_url}/add", {"codes": pack.code}, page=batch_url)
    assert added.status_code == 302
    for url in ("/plant/lines", batch_url, f"/packs/{pack.code}"):
        page = client.get(url).get_data(as_text=True)
        assert "拆解批次" in page and not BARE_BATCH.findall(page), url
    history = client.get(f"/packs/{pack.code}").get_data(as_text=True)
    assert "预约批次" in history
