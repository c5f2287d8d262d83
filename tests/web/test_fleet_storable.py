"""What the fleet CSV preview accepts, the import can store: one check serves both.

The preview and the import both run bus_fleet.preview_import (the parser with the
register's limits). Each hostile cell below is either refused by the preview with a message,
or imported when confirmed: never a preview that shows "ready to import" and an import that
then fails (a 500 on PostgreSQL, which enforces the column sizes SQLite ignores).
"""

from __future__ import annotations

from decimal import Decimal

import pytest
import sqlalchemy as sa

from lithloop.batteries import fleet_csv, fleet_rows
from lithloop.extensions import db
from lithloop.models import BusPack
from tests.web.test_fleet import CODE_A, HEADER, confirm, manager, pack_count, upload  # noqa: F401

GOOD = {
    "vehicle_plate": "黑C·D1001",
    "pack_code": CODE_A,
    "chemistry": "LFP",
    "rated_kwh": "295",
    "mass_kg": "2225",
    "in_service_since": "2019-03-01",
    "soh_pct": "85",
}
#: Cells that the preview used to accept and the import could not store.
USED_TO_PASS = [
    ("vehicle_plate", "黑C·D" + "1" * 30, "超过 20 个字符"),
    ("rated_kwh", "1e9", "无法读作数字：请把额定电量写成普通数字"),
    ("rated_kwh", "20000", "大于 10,000"),
    ("mass_kg", "99999999999", "不是一个电池包的质量：一个电池包重 5 至 5,000 千克"),
    ("mass_kg", "100000", "不是一个电池包的质量：一个电池包重 5 至 5,000 千克"),
    ("mass_kg", "1E+400", "无法读作数字：请把质量写成普通数字（单位：千克），例如 420"),
    # in plain words, not "（如 NUL）"
    ("vehicle_plate", "黑C\x00D1", "此单元格含有看不见的控制字符，请删除后重试"),
    # trace walk: a right-to-left override was imported and the plate read "1D·C黑" in the
    # register, on bookings and in the pack's history
    ("vehicle_plate", "\u202e黑C·D1\u202c", "文字方向控制字符"),
    ("vehicle_plate", "黑C·\u2067D1", "文字方向控制字符"),
    # trace walk: a bus in service since 1900 was imported, due for retirement long ago
    ("in_service_since", "1900-04-01", "早于 2000-01-01"),
]
HOSTILE = [
    "",
    "²",
    "٣",
    "NaN",
    "inf",
    "1e999999",
    "9" * 20,
    "9" * 5000,
    "-1",
    "0,5",
    "1,234.5",
    "295.125",
    "9999-12-31",
    "0001-01-01",
    "长" * 300,
    "=SUM(A1)",
]


def _row(**cells) -> bytes:
    values = {**GOOD, **cells}
    line = ",".join('"' + values[c].replace('"', '""') + '"' for c in fleet_csv.COLUMNS)
    return (HEADER + line + "\n").encode("utf-16")


@pytest.mark.parametrize("column, value, message", USED_TO_PASS)
@pytest.mark.usefixtures("manager")
def test_preview_refuses_what_the_register_cannot_store(client, column, value, message):
    response = upload(client, _row(**{column: value}))
    assert response.status_code == 422, response.get_data(as_text=True)[-800:]
    assert message in response.get_data(as_text=True)
    assert pack_count() == 0


@pytest.mark.usefixtures("manager")
def test_every_row_the_preview_accepts_is_imported(client):
    """Hostile cells in every column: refused by the preview, or stored as shown."""
    imported = 0
    for column in fleet_csv.COLUMNS:
        for value in HOSTILE:
            response = upload(client, _row(**{"pack_code": "", column: value}))
            assert response.status_code in (200, 422), (column, value, response.status_code)
            if response.status_code == 200:
                done = confirm(client, response.get_data(as_text=True))
                assert done.status_code == 302, (column, value, done.status_code)
                imported += 1
    assert imported >= 10
    assert pack_count() == imported


@pytest.mark.usefixtures("manager")
def test_decimals_are_stored_as_the_preview_reads_them(client):
    response = upload(client, _row(rated_kwh="295.125", mass_kg="1,234.5"))
    assert response.status_code == 200
    assert confirm(client, response.get_data(as_text=True)).status_code == 302
    pack = db.session.scalar(sa.select(BusPack))
    assert (pack.rated_kwh, pack.mass_kg) == (Decimal("295.13"), Decimal("1234.50"))


def test_limits_fit_the_register_columns():
    table = BusPack.__table__
    assert fleet_rows.MAX_PLATE_CHARS <= table.c.vehicle_plate.type.length
    for column, limit in (
        ("rated_kwh", fleet_rows.MAX_RATED_KWH),
        ("mass_kg", fleet_rows.MAX_MASS_KG),
    ):
        kind = table.c[column].type
        assert limit < Decimal(10) ** (kind.precision - kind.scale)
        assert kind.scale == fleet_rows.NUMBER_PLACES


def test_the_register_and_the_booking_lots_read_one_table_of_masses():
    from lithloop.batteries import item_masses
    from lithloop.services.booking import lot_checks

    assert lot_checks.MASS_PER_ITEM is item_masses.MASS_PER_ITEM
    assert fleet_rows.MAX_MASS_KG == item_masses.MASS_PER_ITEM["pack"][1]


@pytest.mark.usefixtures("manager")
def test_the_upload_form_says_each_forms_mass_range(client):
    client.get("/lang/zh_CN")
    page = client.get("/fleet/packs").get_data(as_text=True)
    hint = page[page.index('id="mass-ranges"') :].split("</p>", 1)[0]
    # each range and its unit kept on one line (walk: "5–" / "5,000 千克" on a phone)
    joined = "\u2060–\u2060"
    assert f"电池包 5{joined}5,000\u00a0千克" in hint, hint
    assert f"模组 0.5{joined}1,000\u00a0千克" in hint, hint
    assert f"电芯 0.01{joined}50\u00a0千克" in hint, hint
    columns = page[page.index("每个电池包一行") :].split("</p>", 1)[0]
    assert "YYYY\u2011MM\u2011DD" in columns and "5\u00a0MB" in columns, columns
