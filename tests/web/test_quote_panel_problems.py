"""The booking form's instant quote panel shows every problem of the lots at once, each
naming its lot and leading to its field, as the form does on confirming."""

from __future__ import annotations

import re

from tests import worlds
from tests.conftest import submit

world = worlds.dealer_at_site


def test_the_quote_panel_shows_every_problem_of_every_lot_beside_its_field(client, auth, world):
    auth.login(world["dealer"].email)
    form = {
        "site_id": world["site"].id,
        **{f"lots-0-{k}": v for k, v in {"count": "x", "mass_kg": "-1"}.items()},
        **{"lots-0-chemistry": "LFP", "lots-0-form": "pack", "lots-0-condition": "intact"},
        **{"lots-1-chemistry": "LFP", "lots-1-form": "pack", "lots-1-count": "1"},
        **{"lots-1-mass_kg": "300", "lots-1-condition": "damaged"},  # no SP376 item ticked
    }
    answer = submit(client, "/bookings/quote", form, page="/bookings/new")
    panel = answer.get_data(as_text=True).split('id="quote-bar"')[0]
    links = panel.count('<a href="#lots-')
    assert links == 3, panel
    count, mass, damage = (
        panel.split(f'href="#lots-{a}"')[1] for a in ("0-count", "0-mass_kg", "1-damage")
    )
    assert count.startswith(">第 1 批：") and mass.startswith(">第 1 批：") and "40,000" in mass
    assert damage.startswith(">第 2 批：") and "SP376" in damage
    assert panel.index('href="#lots-0-count"') < panel.index('href="#lots-0-mass_kg"')
    assert "暂无报价。请先更正以下各项：" in panel


def test_a_refused_booking_keeps_every_problem_of_its_lots_in_the_quote_panel(client, auth, world):
    auth.login(world["dealer"].email)
    form = {
        "site_id": world["site"].id,
        **{"lots-0-chemistry": "LFP", "lots-0-form": "pack", "lots-0-condition": "intact"},
        **{"lots-0-count": "x", "lots-0-mass_kg": "-1"},
    }
    page = submit(client, "/bookings/new", form).get_data(as_text=True)
    panel = page.split('class="card quote-panel"')[1].split("</aside>")[0]
    assert 'href="#lots-0-count"' in panel and 'href="#lots-0-mass_kg"' in panel, panel


def test_the_quote_puts_each_problem_beside_its_field_and_clears_the_fixed_ones(
    client, auth, world
):
    """The panel's answer replaces each field's problem box out of band (htmx): the
    form's page holds every box, so each problem lands beside its field as it is typed."""
    auth.login(world["dealer"].email)
    page = client.get("/bookings/new").get_data(as_text=True)
    assert 'id="lots-0-count-errs"' in page and 'id="site_id-errs"' in page
    form = {
        "site_id": world["site"].id,
        **{"lots-0-chemistry": "LFP", "lots-0-form": "pack", "lots-0-condition": "damaged"},
        **{"lots-0-count": "x", "lots-0-mass_kg": "-1"},
        **{"lots-1-chemistry": "LFP", "lots-1-form": "pack", "lots-1-condition": "intact"},
        **{"lots-1-count": "1", "lots-1-mass_kg": "300"},
    }
    answer = submit(client, "/bookings/quote", form, page="/bookings/new").get_data(as_text=True)
    boxes = dict(re.findall(r'id="([^"]+)-errs" hx-swap-oob="true">(.*?)</div>', answer, re.S))
    assert re.fullmatch(r'<p class="error" id="lots-0-count-err">[^<]+</p>', boxes["lots-0-count"])
    assert "40,000" in boxes["lots-0-mass_kg"] and "SP376" in boxes["lots-0-damage"]
    assert boxes["lots-1-count"] == boxes["lots-1-mass_kg"] == boxes["site_id"] == ""
    fixed = {**form, "lots-0-count": "1", "lots-0-mass_kg": "300", "lots-0-condition": "intact"}
    answer = submit(client, "/bookings/quote", fixed, page="/bookings/new").get_data(as_text=True)
    boxes = dict(re.findall(r'id="([^"]+)-errs" hx-swap-oob="true">(.*?)</div>', answer, re.S))
    assert len(boxes) == 1 + 2 * 7 and not any(boxes.values())


def test_two_bad_codes_of_one_lot_each_name_the_lot_in_the_panel_and_beside_the_codes(
    client, auth, world
):
    """Walk finding: with two bad GB/T 34014 codes in one lot, the panel named the lot before
    the first code's problem only; the second showed bare, and the box beside the codes
    was emptied by the quote's answer."""
    auth.login(world["dealer"].email)
    form = {
        "site_id": world["site"].id,
        **{"lots-0-chemistry": "LFP", "lots-0-form": "pack", "lots-0-condition": "intact"},
        **{"lots-0-count": "2", "lots-0-mass_kg": "600", "lots-0-codes": "BADCODE1\nBADCODE2"},
    }
    answer = submit(client, "/bookings/quote", form, page="/bookings/new").get_data(as_text=True)
    panel = answer.split('id="quote-bar"')[0]
    problems = re.findall(r"<li>(.*?)</li>", panel.split('class="error quote-problems"')[1], re.S)
    assert len(problems) == 2, problems
    for problem, code in zip(problems, ("BADCODE1", "BADCODE2"), strict=True):
        assert problem.startswith('<a href="#lots-0-codes">第 1 批：'), problem
        assert code in problem
    boxes = dict(re.findall(r'id="([^"]+)-errs" hx-swap-oob="true">(.*?)</div>', answer, re.S))
    assert "BADCODE1" in boxes["lots-0-codes"] and "BADCODE2" in boxes["lots-0-codes"]
