"""A lot's codes checked against its form: a pack's code (character 4 P) in a lot of cells or
modules is refused beside the codes box, on the form and through the API; the box is named
after the lot's form."""

from __future__ import annotations

from html import unescape

import pytest

from tests import worlds
from tests.conftest import api_headers, submit
from tests.route_world import open_day

world = worlds.dealer_at_site
PACK_CODE = "LLPPB010000001E110000001"  # character 4: P
CELL_CODE = "LLPCB010000001E110000001"  # character 4: C


def _form(world, form: str, codes: str) -> dict:
    return {
        "site_id": str(world["site"].id),
        "lots-0-chemistry": "LFP",
        "lots-0-form": form,
        "lots-0-count": "2",
        "lots-0-mass_kg": "1",
        "lots-0-condition": "intact",
        "lots-0-codes": codes,
        "date": open_day(2).isoformat(),
        "slot": "09:00-11:00",
    }


@pytest.mark.parametrize(("form", "name"), [("cell", "电芯编码"), ("module", "模组编码")])
def test_a_packs_code_in_a_lot_of_cells_or_modules_is_refused_beside_the_codes(
    client, auth, world, form, name
):
    auth.login(world["dealer"].email)
    sent = submit(client, "/bookings/new", _form(world, form, PACK_CODE))
    assert sent.status_code == 422
    html = unescape(sent.get_data(as_text=True))
    box = html[html.index('for="lots-0-codes"') :].split("</div>")[0]
    assert f"不是{name}" in box and "第 4 位是 P" in box, box
    assert f">{name}（GB/T 34014" in box, box  # the box named after the lot's form


def test_a_cells_code_in_a_lot_of_cells_is_taken(client, auth, world):
    auth.login(world["dealer"].email)
    sent = submit(client, "/bookings/new", _form(world, "cell", CELL_CODE))
    assert sent.status_code == 302, unescape(sent.get_data(as_text=True))[:3000]


def test_the_api_refuses_a_packs_code_in_a_lot_of_cells(client, world):
    lot = {"chemistry": "LFP", "form": "cell", "count": 2, "mass_kg": "1", "condition": "intact"}
    body = {
        "site_id": world["site"].id,
        "date": open_day(2).isoformat(),
        "window": ["09:00", "11:00"],
        "lots": [{**lot, "codes": [PACK_CODE]}],
    }
    headers = api_headers(client, world["dealer"])
    sent = client.post("/api/v1/bookings", json=body, headers=headers)
    assert sent.status_code == 422, sent.json
    assert "lots[0].codes" in str(sent.json) and "第 4 位是 P" in str(sent.json), sent.json
