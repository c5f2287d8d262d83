"""Counts in messages are grouped by thousands as the platform's other numbers are
("第 1 批：10,000 个电池包没有编码", not "10000"), in both languages."""

from __future__ import annotations

from decimal import Decimal

from flask_babel import force_locale

from lithloop.services.booking import event_details
from tests import worlds
from tests.conftest import submit
from tests.route_world import open_day

world = worlds.dealer_at_site


def test_packs_without_a_code_are_counted_with_thousands_grouped(client, auth, world):
    auth.login(world["dealer"].email)
    lot = {"chemistry": "LFP", "form": "cell", "count": "10000", "mass_kg": "8000"}
    form = {"site_id": world["site"].id, "date": open_day(2).isoformat(), "slot": "10:00-12:00"}
    form |= {f"lots-0-{k}": v for k, v in {**lot, "condition": "intact"}.items()}
    zh = submit(client, "/bookings/quote", form, page="/bookings/new").get_data(as_text=True)
    assert "第 1 批：10,000 个电池包没有编码" in zh, zh
    client.get("/lang/en")
    en = submit(client, "/bookings/quote", form, page="/bookings/new").get_data(as_text=True)
    assert "Lot 1: 10,000 packs without a code" in en, en


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
