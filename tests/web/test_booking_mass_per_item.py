"""A lot's mass for its count checked against what one item of its form can weigh: two packs
of 1.5 kg in all, or one pack of 0.01 kg, are refused beside the mass with the range (they
were quoted at the minimum charge)."""

from __future__ import annotations

from html import unescape

import pytest

from tests import worlds
from tests.conftest import api_headers, submit
from tests.route_world import open_day

world = worlds.dealer_at_site


def _form(world, count: str, mass: str, form: str = "pack") -> dict:
    return {
        "site_id": str(world["site"].id),
        "lots-0-chemistry": "LFP",
        "lots-0-form": form,
        "lots-0-count": count,
        "lots-0-mass_kg": mass,
        "lots-0-condition": "intact",
        "date": open_day(2).isoformat(),
        "slot": "09:00-11:00",
    }


@pytest.mark.parametrize(
    ("count", "mass", "each"), [("2", "1.5", "0.75"), ("1", "0.01", "0.01"), ("1", "9000", "9,000")]
)
def test_a_mass_no_pack_can_weigh_is_refused_beside_the_mass(
    client, auth, world, count, mass, each
):
    auth.login(world["dealer"].email)
    sent = submit(client, "/bookings/new", _form(world, count, mass))
    assert sent.status_code == 422
    html = unescape(sent.get_data(as_text=True))
    box = html[html.index('for="lots-0-mass_kg"') :].split("</div>")[0]
    assert f"每个电池包 {each} 千克" in box and "5 至 5,000 千克" in box, box


def test_masses_each_form_can_weigh_are_taken(client, auth, world):
    auth.login(world["dealer"].email)
    for count, mass, form in [("2", "900", "pack"), ("200", "10", "cell"), ("4", "120", "module")]:
        sent = submit(client, "/bookings/new", _form(world, count, mass, form))
        assert sent.status_code == 302, unescape(sent.get_data(as_text=True))[:3000]


def test_the_api_refuses_a_pack_of_ten_grams(client, world):
    lot = {"chemistry": "LFP", "form": "pack", "count": 1, "mass_kg": "0.01", "condition": "intact"}
    body = {
        "site_id": world["site"].id,
        "date": open_day(2).isoformat(),
        "window": ["09:00", "11:00"],
        "lots": [lot],
    }
    sent = client.post("/api/v1/bookings", json=body, headers=api_headers(client, world["dealer"]))
    assert sent.status_code == 422 and sent.json["field"] == "lots[0].mass_kg", sent.json
    assert "5 至 5,000 千克" in sent.json["message"], sent.json
