"""A plant form pressed twice (a double click, a slow phone) lands the operator on what the
first press made, never on an error page (a walk of the operator's pages)."""

from __future__ import annotations

import sqlalchemy as sa

from lithloop.extensions import db
from lithloop.models import DismantlingBatch
from tests import worlds
from tests.conftest import submit

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
