"""Counts in messages are grouped by thousands as the platform's other numbers are
("第 1 批：10,000 个电池包没有编码", not "10000"), in both languages."""

from __future__ import annotations

from decimal import Decimal

import pytest
from flask_babel import force_locale

from lithloop.models import OrgStatus
from lithloop.services.booking import event_details, fleet_proposals
from lithloop.services.dispatch import held_from_planning
from lithloop.web.booking_text import booking_note
from tests import worlds
from tests.conftest import submit
from tests.route_world import open_day
from tests.web.test_fleet import HEADER, confirm, manager, pack_count, upload  # noqa: F401

world = worlds.dealer_at_site


def test_packs_without_a_code_are_counted_with_thousands_grouped(client, auth, world):
    auth.login(world["dealer"].email)
    lot = {"chemistry": "LFP", "form": "cell", "count": "10000", "mass_kg": "8000"}
    form = {"site_id": world["site"].id, "date": open_day(2).isoformat(), "slot": "10:00-12:00"}
    form |= {f"lots-0-{k}": v for k, v in {**lot, "condition": "intact"}.items()}
    zh = submit(client, "/bookings/quote", form, page="/bookings/new").get_data(as_text=True)
    assert "第 1 批：10,000 个电芯没有编码" in zh, zh  # a lot of cells
    client.get("/lang/en")
    en = submit(client, "/bookings/quote", form, page="/bookings/new").get_data(as_text=True)
    assert "Lot 1: 10,000 cells without a code" in en, en


def test_a_pickups_codes_are_counted_with_thousands_grouped(app):
    detail = event_details.picked_up(Decimal("9000"), 1234, missing=1500, unexpected=2000)
    with app.test_request_context():
        with force_locale("en"):
            en = event_details.words(detail)
        with force_locale("zh_CN"):
            zh = event_details.words(detail)
    assert "9,000 kg, 1,234 codes" in en and "1,500 codes missing" in en, en
    assert "2,000 codes unexpected" in en, en
    assert "1,234 个编码" in zh and "缺少 1,500 个编码" in zh and "多出 2,000 个编码" in zh, zh


@pytest.mark.usefixtures("manager")
def test_a_fleet_import_of_1234_packs_is_counted_with_thousands_grouped(client):
    """Walk finding: '1234 packs imported.' (%(num)d): the count reads grouped as the
    platform's other numbers, in both languages, and the plural still reads right."""
    for lang, plate, said in (
        ("zh", "D", "已导入 1,234 个电池包。"),
        ("en", "E", "1,234 packs imported."),
    ):
        client.get(f"/lang/{lang}")
        rows = "".join(f"黑C·{plate}{i},,LFP,324,2350,2019-05-01,80\n" for i in range(1234))
        preview = upload(client, (HEADER + rows).encode())
        assert preview.status_code == 200
        button = preview.get_data(as_text=True).split('type="submit">')[-1].split("<")[0]
        assert button == {"zh": "导入 1,234 个电池包", "en": "Import 1,234 packs"}[lang], button
        done = confirm(client, preview.get_data(as_text=True))
        body = client.get(done.location).get_data(as_text=True)
        assert said in body, body
    assert pack_count() == 2468


def test_the_fleet_register_note_and_held_bookings_are_counted_grouped(app):
    note = fleet_proposals.fleet_note(1234)
    ids = {OrgStatus.PENDING: list(range(1, 1235))}  # 1,234 bookings held
    with app.test_request_context():
        with force_locale("en"):
            en = booking_note(note)
            held = str(held_from_planning.day_held_words("2026-12-08", ids))
        with force_locale("zh_CN"):
            zh = booking_note(note)
            held_zh = str(held_from_planning.day_held_words("2026-12-08", ids))
    assert en == "Retired bus packs from the fleet register (1,234 packs).", en
    assert "（1,234 个）" in zh, zh
    assert held.startswith("2026-12-08: 1,234 bookings were held from planning."), held[:80]
    assert held_zh.startswith("2026-12-08：1,234 个预约暂不排入路线。"), held_zh[:80]
