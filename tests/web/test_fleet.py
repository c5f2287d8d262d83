"""The fleet manager's pages: CSV preview and all-or-nothing import, forecast, proposals."""

from __future__ import annotations

import io
import re
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
import sqlalchemy as sa

from lithloop import clock
from lithloop.batteries.forecast import add_months
from lithloop.extensions import db
from lithloop.models import Booking, BusPack, OrgKind, Role, Site, SiteKind, User
from lithloop.services.booking import bus_fleet, capacity, fleet_proposals
from lithloop.services.errors import Conflict
from tests.conftest import csrf_token, submit
from tests.factories import make_org, make_site, make_user

SAMPLE = Path(__file__).resolve().parents[2] / "lithloop" / "data" / "sample_fleet.csv"
HEADER = "vehicle_plate,pack_code,chemistry,rated_kwh,mass_kg,in_service_since,soh_pct\n"
CODE_A = "0Q5PB3AMDJ09918650000634"
CODE_B = "0K7PB3BMDJ796989P0001713"


def upload(client, data: bytes, name: str = "fleet.csv"):
    """Post a file to the upload form, as the browser does."""
    return client.post(
        "/fleet/packs",
        data={"csrf_token": csrf_token(client, "/fleet/packs"), "file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def confirm(client, preview_body: str):
    """Press 'import' on a preview page."""
    token = re.search(r'name="token" value="([^"]+)"', preview_body).group(1)
    return submit(client, "/fleet/packs/confirm", {"token": token}, page="/fleet/packs")


def pack_count(org_id: int | None = None) -> int:
    query = sa.select(sa.func.count(BusPack.id))
    return db.session.scalar(
        query if org_id is None else query.where(BusPack.organisation_id == org_id)
    )


@pytest.fixture
def manager(app, auth):
    org = make_org(OrgKind.BUS_COMPANY)
    site = make_site(org, name="第一停保场")
    site.kind = SiteKind.BUS_DEPOT
    db.session.commit()
    user = make_user(org, role=Role.FLEET_MANAGER)
    auth.login(user.email)
    return user


@pytest.fixture
def demo_fleet(demo, auth):
    """fleet@demo.lithloop logged in (the demo has trucks, hence booking capacity)."""
    auth.login_demo("fleet")
    user = db.session.scalar(sa.select(User).where(User.email == "fleet@demo.lithloop"))
    return user.organisation


def test_pages_render_for_the_fleet_manager_only(client, auth, manager):
    assert client.get("/fleet/packs").status_code == 200
    assert client.get("/fleet/forecast").status_code == 200
    auth.logout()
    dealer = make_user(make_org())
    auth.login(dealer.email)
    assert client.get("/fleet/packs").status_code == 403


def test_preview_lists_row_errors_and_saves_nothing(client, manager):
    data = (
        HEADER + "黑C·D1001,,LFP,295,2225,2016-12-21,75.2\n"
        "黑C·D1002,,LFP,295,abc,2016-12-21,75\n"
        "黑C·D1003,,XYZ,295,2205,2016-13-40,\n"
    ).encode()
    response = upload(client, data)
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert "“abc”无法读作数字：请把质量写成普通数字" in body and "“XYZ”不是已知的化学体系" in body
    assert "“2016-13-40”不是日期" in body
    assert re.search(r"<td>3</td><td>[^<]*</td>\s*<td>.*无法读作数字", body)  # row and column
    assert 'name="token"' not in body  # no import button
    assert pack_count() == 0
    client.get("/lang/en")
    english = upload(client, data).get_data(as_text=True)
    assert "&#39;abc&#39; is not a number lithloop reads: write the mass in kg" in english


def test_a_file_of_thousands_of_bad_rows_lists_the_first_errors_and_counts_them(client, manager):
    """Hostile-input finding: 20,000 bad rows made a 25 MB page listing 100,000 errors."""
    from lithloop.web.fleet import PREVIEW_ISSUES

    bad = "".join(f"黑C·D{n:04d},,XYZ,295,abc,2016-12-21,75\n" for n in range(1, 301))
    client.get("/lang/en")
    response = upload(client, (HEADER + bad).encode())
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert body.count('class="issue-error"') == PREVIEW_ISSUES < 600  # two errors a row
    assert f"The first {PREVIEW_ISSUES} of 600 are listed here" in body
    assert pack_count() == 0


def test_wrong_columns_explained(client, manager):
    response = upload(client, "plate,chemistry,weight\n黑C·D1001,LFP,2225\n".encode())
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert "列名不符合要求" in body
    missing = "缺少：电池包编码（pack_code）、额定电量 kWh（rated_kwh）、质量 千克（mass_kg）、"
    assert missing in body
    assert "无法识别：weight" in body
    assert pack_count() == 0


def test_the_unknown_and_duplicated_headers_are_listed_the_chinese_way(client, manager):
    """Walk finding: "无法识别：code, chem, kwh, kg, date。" (an English list in a Chinese
    sentence, where the missing columns beside it are listed with 、)."""
    body = upload(client, b"plate,code,chem,kwh\nA,B,LFP,1\n").get_data(as_text=True)
    assert "无法识别：code、chem、kwh。" in body  # plate is read as vehicle_plate
    twice = upload(client, (HEADER.strip() + ",车牌号,质量kg\n").encode()).get_data(as_text=True)
    assert "重复：车牌号、质量kg。" in twice


def test_a_header_error_names_only_what_is_wrong(client, manager):
    response = upload(client, "序号,plate,chemistry,rated_kwh,mass_kg\n1,黑C·D1,LFP,1,1\n".encode())
    body = response.get_data(as_text=True)
    assert (
        "列名不符合要求。缺少：电池包编码（pack_code）、投运日期（in_service_since）。无法识别：序号。应有：车牌号（vehicle_plate）、"
        in body
    )  # noqa: E501
    assert "健康度（soh_pct）。" in body  # the expected list names every column too
    assert "重复" not in body and "：-" not in body
    client.get("/lang/en")
    english = upload(client, b"plate,Plate,pack_code\n").get_data(as_text=True)
    assert "do not match. Missing: chemistry, rated_kwh, mass_kg, in_service_since. " in english
    assert "Duplicated: Plate. Expected: vehicle_plate" in english and "Unknown" not in english


def test_a_row_number_column_is_ignored_with_a_warning(client, manager):
    header = "序号,车牌号,电池编码,化学体系,额定电量kWh,质量kg,投运日期,备注\n"
    text = header + "1,黑C·N1,,LFP,295,2225,2016-03-01,旧车\n"
    response = upload(client, text.encode())
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and 'name="token"' in body
    assert "系统不读取“序号”列，已忽略该列。" in body and "系统不读取“备注”列" in body
    assert confirm(client, body).status_code == 302
    assert db.session.scalar(sa.select(BusPack.vehicle_plate)) == "黑C·N1"


def test_binary_file_refused_clearly(client, manager):
    response = upload(client, b"PK\x03\x04\x00\x00binary", "fleet.xlsx")
    assert response.status_code == 422
    assert "不是 UTF-8 或 GBK/GB18030 编码的 CSV" in response.get_data(as_text=True)


def test_a_file_over_5_mb_is_refused_with_its_real_size(client, manager):
    """Walk finding: a 5,360,077-byte file read "文件大小为 5242881 字节" (the read stopped at
    the limit, so every file over it was said to be one byte over), and the sizes were not
    grouped."""
    data = (HEADER + "黑C·D1,,LFP,324,2350,2019-05-01,80\n" * 160_000).encode()
    assert len(data) > 5 * 1024 * 1024 + 1000
    response = upload(client, data)
    assert response.status_code == 422
    body = response.get_data(as_text=True)  # grouped, as the page's other numbers
    assert f"文件大小为 {len(data):,} 字节，上限为 5,242,880 字节" in body
    assert pack_count() == 0
    client.get("/lang/en")
    body = upload(client, data).get_data(as_text=True)
    assert f"The file is {len(data):,} bytes; the limit is 5,242,880 bytes" in body


def test_a_file_of_one_pack_reads_in_the_singular_in_english(client, manager):
    """Walk finding: "The file is correct. Import all 1 packs?", "Import 1 packs" and
    "1 packs imported." """
    client.get("/lang/en")
    preview = upload(client, (HEADER + "黑C·D1,,LFP,324,2350,2019-05-01,80\n").encode())
    body = preview.get_data(as_text=True)
    assert "The file is correct. Import 1 pack?" in body and ">Import 1 pack</button>" in body
    assert "1 packs" not in body
    done = confirm(client, body)
    assert "1 pack imported." in client.get(done.location).get_data(as_text=True)
    two = upload(client, (HEADER + "黑C·D2,,LFP,324,2350,2019-05-01,80\n" * 2).encode())
    assert "Import all 2 packs?" in two.get_data(as_text=True)


def test_a_decimal_comma_is_refused_with_the_number_to_write(client, manager):
    """Walk finding: a mass of "2225,75" (a European Excel's decimal comma) read only
    "“2225,75”不是数字", where the forms say to use a point for decimals."""
    row = '黑C·D1,,LFP,324,"2225,75",2019-05-01,"75,5"\n'
    response = upload(client, (HEADER + row).encode())
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert "“2225,75”用了逗号作小数点，请写成 2225.75" in body
    assert "“75,5”用了逗号作小数点，请写成 75.5" in body
    thousands = upload(client, (HEADER + '黑C·D2,,LFP,324,"2,225",2019-05-01,80\n').encode())
    assert thousands.status_code == 200  # a thousands separator stays one


def test_gbk_file_with_chinese_headers_is_imported(client, manager):
    text = (
        "车牌号,电池编码,化学体系,额定电量kWh,质量kg,投运日期,SOH%\n"
        f"黑C·D2001,{CODE_A},磷酸铁锂,295,2225,2019-03-01,85.5\n"
        "黑C·D2002,,LFP,374,2790,2016-07-05,\n"
    )
    response = upload(client, text.encode("gbk"))
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert "GB18030" in body and "没有电池包编码" in body  # the uncoded pack's warning
    assert confirm(client, body).status_code == 302
    plates = set(db.session.scalars(sa.select(BusPack.vehicle_plate)))
    assert plates == {"黑C·D2001", "黑C·D2002"}
    assert db.session.scalar(
        sa.select(BusPack.soh_pct).where(BusPack.pack_code == CODE_A)
    ) == Decimal("85.5")


def test_the_apps_own_chemistry_labels_are_read_and_ternary_needs_its_type(client, manager):
    rows = "黑C·L1,,磷酸铁锂 LFP,295,2225,2016-03-01,\n黑C·L2,,三元 NCM523,295,2225,2016-03-01,\n"
    response = upload(client, (HEADER + rows).encode())
    assert response.status_code == 200, response.get_data(as_text=True)
    refused = upload(client, (HEADER + rows + "黑C·L3,,三元锂,295,2225,2016-03-01,\n").encode())
    body = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert "“三元锂”没有说明是哪一种三元（NCM）电池：请填写 NCM523、NCM622 或 NCM811" in body


def test_duplicate_codes_in_the_file_and_in_the_register(client, manager):
    twice = (
        HEADER + f"黑C·D1,{CODE_A},LFP,295,2225,2019-03-01,\n"
        f"黑C·D2,{CODE_A},LFP,295,2225,2019-03-01,\n"
    ).encode()
    body = upload(client, twice).get_data(as_text=True)
    assert f"电池包编码 {CODE_A} 已在第 2 行出现" in body
    assert pack_count() == 0
    once = (HEADER + f"黑C·D1,{CODE_A},LFP,295,2225,2019-03-01,\n").encode()
    assert confirm(client, upload(client, once).get_data(as_text=True)).status_code == 302
    again = (
        HEADER + f"黑C·D3,{CODE_B},LFP,295,2225,2019-03-01,\n"
        f"黑C·D1,{CODE_A},LFP,295,2225,2019-03-01,\n"
    ).encode()
    response = upload(client, again)
    assert response.status_code == 422
    assert f"电池包编码 {CODE_A} 已在本单位的电池包台账中" in response.get_data(as_text=True)
    assert pack_count() == 1


def stat(body: str, label: str) -> str:
    """The number shown above a label in the preview's figures."""
    return re.search(rf"<strong>(\d+)</strong>{label}</div>", body).group(1)


def test_uncoded_packs_uploaded_again_are_warned_about_but_importable(client, manager):
    """Without pack codes only plate, chemistry, rated kWh and in-service date tell packs
    apart: the same file uploaded again is not silently "correct"."""
    rows = "黑C·U1,,LFP,295,2225,2016-03-01,80\n黑C·U2,,LFP,295,2225,2016-03-01,\n"
    assert confirm(client, upload(client, (HEADER + rows).encode()).get_data(as_text=True))
    assert pack_count() == 2
    changed = "黑C·U2,,NCM523,295,2225,2016-03-01,\n黑C·U3,,LFP,295,2225,2016-03-01,\n"
    response = upload(client, (HEADER + rows.replace("80", "78") + changed).encode())
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert "有 2 行没有电池编码，看起来与台账中已有的电池包相同" in body
    assert body.count("台账中已有装在") == 2
    assert "台账中已有装在 黑C·U1 上的无编码电池包" in body
    assert stat(body, "提醒") == "6" and stat(body, "有效行") == "4"  # 4 uncoded, 2 alike
    assert 'name="token"' in body  # a warning, not a refusal
    assert pack_count() == 2


def test_the_preview_counts_rows_with_an_error_as_not_valid(client, manager):
    confirm(
        client,
        upload(client, (HEADER + f"黑C·D1,{CODE_A},LFP,295,2225,2019-03-01,\n").encode()).get_data(
            as_text=True
        ),
    )
    rows = "".join(f"黑C·E{i},,LFP,295,2225,2019-03-01,\n" for i in range(4))
    body = upload(
        client, (HEADER + rows + f"黑C·D1,{CODE_A},LFP,295,2225,2019-03-01,\n").encode()
    ).get_data(as_text=True)
    assert stat(body, "有效行") == "4" and stat(body, "错误") == "1"


def test_code_registered_between_preview_and_confirm_saves_nothing(client, manager):
    data = (
        HEADER + f"黑C·D1,{CODE_A},LFP,295,2225,2019-03-01,\n"
        f"黑C·D2,{CODE_B},LFP,295,2225,2019-03-01,\n"
    ).encode()
    body = upload(client, data).get_data(as_text=True)
    db.session.add(
        BusPack(
            organisation_id=manager.organisation_id,
            vehicle_plate="黑C·X",
            pack_code=CODE_B,
            chemistry="LFP",
            rated_kwh=1,
            mass_kg=1,
            in_service_since=date(2019, 1, 1),
        )
    )
    db.session.commit()
    response = confirm(client, body)
    assert response.status_code == 422
    assert "已在本单位的电池包台账中" in response.get_data(as_text=True)
    assert pack_count() == 1


def test_import_pressed_twice_imports_once_and_a_failed_import_can_be_retried(
    app, client, manager, monkeypatch
):
    """Packs without codes cannot be told apart: a second press must not store them again."""
    data = (
        HEADER + "黑C·U1,,LFP,295,2225,2016-03-01,\n黑C·U2,,LFP,295,2225,2016-03-01,\n"
    ).encode()
    body = upload(client, data).get_data(as_text=True)
    real, calls, pressed = bus_fleet.import_packs, [], {}

    def other_tab():  # the same user presses "import" again while the first one works
        tab = app.test_client()
        for cookie in client._cookies.values():
            tab.set_cookie(cookie.key, cookie.value, domain=cookie.domain, path=cookie.path)
        return confirm(tab, body)

    def racing_import(user, data, **kwargs):
        calls.append(user.id)
        if len(calls) == 1:
            pressed["while_failing"] = other_tab()
            raise Conflict("the database is busy", field="file")
        if len(calls) == 2:
            pressed["while_importing"] = other_tab()
        return real(user, data, **kwargs)

    monkeypatch.setattr(bus_fleet, "import_packs", racing_import)
    failed = confirm(client, body)
    assert failed.status_code == 422 and "the database is busy" in failed.get_data(as_text=True)
    assert confirm(client, body).status_code == 302  # the claim was released: retried
    assert pack_count() == 2 and len(calls) == 2
    for late in (pressed["while_failing"], pressed["while_importing"]):
        assert late.status_code == 409 and "此文件正在导入" in late.get_data(as_text=True)
    again = confirm(client, body)
    assert again.status_code == 409 and "此文件已经导入" in again.get_data(as_text=True)
    assert pack_count() == 2 and len(calls) == 2


def test_sample_fleet_imports_all_or_nothing(client, demo_fleet):
    sample = SAMPLE.read_bytes()
    assert client.get("/fleet/sample.csv").data == sample
    broken = sample + "黑C·D9999,,LFP,295,-5,2016-12-21,75\n".encode()
    response = upload(client, broken)
    assert response.status_code == 422 and "“-5”必须大于 0" in response.get_data(as_text=True)
    assert pack_count(demo_fleet.id) == 0  # (the demo's Jixi bus company has a register)
    preview = upload(client, sample)
    assert preview.status_code == 200
    assert confirm(client, preview.get_data(as_text=True)).status_code == 302
    assert pack_count(demo_fleet.id) == 40
    assert "40" in client.get("/fleet/packs").get_data(as_text=True)
    # the same file again: every coded pack is already registered, nothing added
    assert upload(client, sample).status_code == 422
    assert pack_count(demo_fleet.id) == 40


def add_pack(
    org_id: int,
    plate: str,
    *,
    soh=None,
    since: date,
    code=None,
    mass=2000,
    kwh=300,
    chemistry="LFP",
) -> BusPack:
    pack = BusPack(
        organisation_id=org_id,
        vehicle_plate=plate,
        pack_code=code,
        chemistry=chemistry,
        rated_kwh=Decimal(kwh),
        mass_kg=Decimal(mass),
        in_service_since=since,
        soh_pct=None if soh is None else Decimal(soh),
    )
    db.session.add(pack)
    db.session.commit()
    return pack


def small_register(org_id: int, today: date) -> dict[str, BusPack]:
    """Four packs whose retirement months are known by hand."""
    return {
        "worn": add_pack(
            org_id, "A", soh="75", since=date(2017, 1, 1), code=CODE_A, mass=2200, kwh=295
        ),
        "old": add_pack(org_id, "B", since=add_months(today, -96 + 2), mass=2500, kwh=350),
        "fading": add_pack(
            org_id,
            "C",
            soh="85",
            since=today - timedelta(days=300),
            mass=1800,
            kwh=250,
            chemistry="LMO",
        ),
        "fresh": add_pack(
            org_id, "D", soh="90", since=today - timedelta(days=1000), mass=2000, kwh=300
        ),
    }


def test_forecast_numbers_for_a_small_register(client, manager):
    today = clock.today()
    small_register(manager.organisation_id, today)
    months = bus_fleet.forecast(manager, today)
    by_month = {m.month: m for m in months}
    now = by_month[today.replace(day=1)]
    assert (now.packs, now.mass_kg, now.kwh, now.from_soh) == (1, Decimal(2200), 295, 1)
    old = by_month[add_months(today, 2).replace(day=1)]
    assert (old.packs, old.mass_kg, old.from_age) == (1, Decimal(2500), 1)
    fading = by_month[(today + timedelta(days=100)).replace(day=1)]  # 5 points at 15 per 300 d
    assert fading.from_soh == 1 and fading.kwh == 250
    assert sum(m.packs for m in months) == 3  # "fresh" retires in ~1000 days
    higher = bus_fleet.forecast(manager, today, threshold=Decimal(90))
    assert (higher[0].packs, higher[0].from_soh) == (3, 3)  # "fading", "fresh" now due too
    assert [len(p.pack_ids) for p in fleet_proposals.proposals(manager, today)] == [1]
    assert sum(p.count for p in fleet_proposals.proposals(manager, today, months=4)) == 3
    body = client.get("/fleet/forecast").get_data(as_text=True)
    assert f'<td>{today:%Y-%m}</td><td class="num">1</td>' in body
    assert '<td class="num">2,200</td>' in body  # thousands grouped, as everywhere else
    assert "data-chart=" in body and "fleet_forecast.js" in body
    body = client.get("/fleet/forecast?threshold=90").get_data(as_text=True)
    assert f'<td>{today:%Y-%m}</td><td class="num">3</td>' in body


@pytest.mark.parametrize(
    ("query", "field", "said"),
    [
        ("threshold=120", "threshold", "50 \u81f3 99.5"),  # 至
        ("threshold=abc", "threshold", "12.5"),
        ("months=0", "months", "1 \u81f3 12"),
        ("months=-1", "months", "1 \u81f3 12"),
    ],
)
def test_a_forecast_setting_out_of_range_is_told_beside_its_box(
    client, manager, query, field, said
):
    """A threshold of 120 % or 0 months was quietly replaced by the default, the page
    showing 80 or 1 as if that had been typed."""
    add_pack(manager.organisation_id, "A", soh="80", since=date(2020, 1, 1))  # settings shown
    body = client.get(f"/fleet/forecast?{query}").get_data(as_text=True)
    box = body[body.index(f'id="{field}"') :].split("</div>")[0]
    assert 'aria-invalid="true"' in box and f'id="err-{field}"' in box and said in box, box
    assert f'value="{query.split("=")[1]}"' in box  # what was typed, to correct


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
def test_with_no_pack_imported_the_forecast_says_so_and_links_to_the_import(client, manager, lang):
    """New user's walk: a new bus company's forecast was twelve rows of zeros (and a chart and
    settings for nothing); it now says there is nothing to forecast and where to import."""
    client.get(f"/lang/{lang}")
    body = client.get("/fleet/forecast").get_data(as_text=True)
    empty = body[body.index('id="forecast-empty"') :].split("</section>")[0]
    said = {
        "zh_CN": ("暂无可预测的内容：您的电池包台账还是空的。", "从 CSV 文件导入电池包"),
        "en": ("Nothing to forecast yet: your pack register is empty.", "Import packs from a CSV"),
    }[lang]
    assert said[0] in empty and said[1] in empty and 'href="/fleet/packs"' in empty
    assert "fleet-table" not in body and "data-chart=" not in body and 'id="threshold"' not in body
    add_pack(manager.organisation_id, "A", soh="80", since=date(2020, 1, 1))
    body = client.get("/fleet/forecast").get_data(as_text=True)
    assert 'id="forecast-empty"' not in body and "fleet-table" in body


def test_another_organisations_packs_are_invisible(client, auth, manager):
    other = make_org(OrgKind.BUS_COMPANY)
    other_site = make_site(other)
    theirs = add_pack(other.id, "黑C·OTHER", soh="70", since=date(2016, 1, 1))
    assert "黑C·OTHER" not in client.get("/fleet/packs").get_data(as_text=True)
    assert "黑C·OTHER" not in client.get("/fleet/forecast").get_data(as_text=True)
    tomorrow = (clock.today() + timedelta(days=2)).isoformat()
    response = submit(
        client,
        "/fleet/forecast/accept",
        {
            "proposal_id": "x",
            "pack_ids": str(theirs.id),
            "date": tomorrow,
            "window_start": "09:00",
            "window_end": "11:00",
        },
        page="/fleet/forecast",
    )
    assert response.status_code == 404
    mine = add_pack(manager.organisation_id, "黑C·MINE", soh="70", since=date(2016, 1, 1))
    response = submit(
        client,
        "/fleet/forecast/accept",
        {
            "proposal_id": "x",
            "site_id": str(other_site.id),
            "pack_ids": str(mine.id),
            "date": tomorrow,
            "window_start": "09:00",
            "window_end": "11:00",
        },
        page="/fleet/forecast",
    )
    assert response.status_code == 404
    assert db.session.scalar(sa.select(sa.func.count(Booking.id))) == 0


def accept_form(body: str, index: int = 0) -> dict:
    """The fields of the index-th accept form on the forecast page, first day chosen."""
    form = re.findall(r'<form method="post" action="/fleet/forecast/accept".*?</form>', body, re.S)[
        index
    ]
    fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', form))
    fields["date"] = re.search(r'name="date">\s*<option value="([^"]+)"', form).group(1)
    fields["window_start"], fields["window_end"] = "09:00", "11:00"
    fields.pop("csrf_token", None)
    return fields


def test_a_proposal_gone_stale_in_an_open_tab_says_why_above_the_page(client, demo_fleet):
    # Hostile-input finding: one of a proposal's packs booked meanwhile (another tab, a
    # colleague) changes the proposal's id; the stale tab's accept was a 409 whose message
    # stood beside no form on the page, so nothing was said.
    today = clock.today()
    small_register(demo_fleet.id, today)
    add_pack(demo_fleet.id, "E", soh="70", since=date(2016, 5, 1), code=CODE_B, mass=2300, kwh=310)
    client.get("/lang/en")
    fields = accept_form(client.get("/fleet/forecast").get_data(as_text=True))
    first = fields["pack_ids"].split(",")[0]
    one = submit(
        client, "/fleet/forecast/accept", {**fields, "pack_ids": first}, page="/fleet/forecast"
    )
    assert one.status_code == 302
    stale = submit(client, "/fleet/forecast/accept", fields, page="/fleet/forecast")
    assert stale.status_code == 409
    alerts = re.findall(
        r'<p class="flash error" role="alert">(.*?)</p>', stale.get_data(as_text=True)
    )
    assert len(alerts) == 1 and "already booked" in alerts[0], alerts
    assert (
        db.session.scalar(
            sa.select(sa.func.count(Booking.id)).where(Booking.organisation_id == demo_fleet.id)
        )
        == 1
    )


def test_accepting_a_proposal_books_once_and_links_the_packs(client, demo_fleet):
    today = clock.today()
    packs = small_register(demo_fleet.id, today)
    extra = add_pack(
        demo_fleet.id,
        "E",
        soh="70",
        since=date(2016, 5, 1),
        code=CODE_B,
        mass=2300,
        kwh=310,
        chemistry="LFP",
    )
    lmo = add_pack(
        demo_fleet.id, "F", soh="72", since=date(2016, 5, 1), mass=2100, kwh=280, chemistry="LMO"
    )
    fields = accept_form(client.get("/fleet/forecast").get_data(as_text=True))
    due = {packs["worn"].id, extra.id, lmo.id}
    assert set(map(int, fields["pack_ids"].split(","))) == due
    response = submit(client, "/fleet/forecast/accept", fields, page="/fleet/forecast")
    assert response.status_code == 302
    again = submit(client, "/fleet/forecast/accept", fields, page="/fleet/forecast")
    assert again.status_code == 302
    [booking] = db.session.scalars(  # exactly one (the demo's other bus company has its own)
        sa.select(Booking).where(Booking.organisation_id == demo_fleet.id)
    ).all()
    assert (booking.pickup_date.isoformat(), booking.site_id) == (
        fields["date"],
        int(fields["site_id"]),
    )
    assert response.location.endswith(f"/bookings/{booking.id}")  # the lead's booking page
    lots = {
        (lot.chemistry, lot.pack_count, lot.mass_kg, tuple(sorted(lot.codes)))
        for lot in booking.lots
    }
    assert lots == {
        ("LFP", 2, Decimal(4500), tuple(sorted((CODE_A, CODE_B)))),
        ("LMO", 1, Decimal(2100), ()),
    }
    linked = set(db.session.scalars(sa.select(BusPack.id).where(BusPack.booking_id == booking.id)))
    assert linked == due
    page = client.get("/fleet/forecast").get_data(as_text=True)
    assert fields["proposal_id"] not in page  # booked packs leave the proposals


def test_a_proposal_bookings_note_reads_in_the_readers_language(client, demo_fleet):
    """Walk finding: the note was stored in the accepting manager's language, so English
    readers saw Chinese. It is stored in one form and told in the reader's language; notes
    stored the old way, in either language, read the same."""
    add_pack(demo_fleet.id, "A", soh="75", since=date(2017, 1, 1), code=CODE_A)
    fields = accept_form(client.get("/fleet/forecast").get_data(as_text=True))
    response = submit(client, "/fleet/forecast/accept", fields, page="/fleet/forecast")
    booking = db.session.scalar(sa.select(Booking).where(Booking.organisation_id == demo_fleet.id))
    zh = "车队电池包台账中的退役公交电池包（1 个）。"
    en = "Retired bus packs from the fleet register (1 pack)."
    assert zh in client.get(response.location).get_data(as_text=True)
    client.get("/lang/en")
    for stored in (booking.note, zh, "Retired bus packs from the fleet register (1 packs)."):
        booking.note = stored
        db.session.commit()
        body = client.get(response.location).get_data(as_text=True)
        assert en in body and "台账" not in body
    booking.note = "自己写的备注"
    db.session.commit()
    assert "自己写的备注" in client.get(response.location).get_data(as_text=True)


def test_the_forecast_page_writes_kg_one_way_in_chinese(client, demo_fleet):
    """Walk finding: "kg" and "千克" on the same forecast page (千克 throughout since the plant
    and fleet messages write it so: tests/test_kilogram_words.py)."""
    add_pack(demo_fleet.id, "A", soh="75", since=date(2017, 1, 1), code=CODE_A)
    body = client.get("/fleet/forecast").get_data(as_text=True)
    assert "质量（千克）" in body and "仍可容纳" in body
    words = re.sub(r"<[^>]+>", " ", body)
    latin = re.findall(r"[^\n]{0,40}(?<![A-Za-z_])kg(?![A-Za-z_])[^\n]{0,10}", words)
    assert not latin, latin


def test_unit_brackets_are_full_width_on_the_chinese_fleet_pages(client, manager):
    """Walk finding: "退役 SOH 阈值 (%)" and "健康度 (%)" had half-width brackets."""
    add_pack(manager.organisation_id, "A", soh="80", since=date(2020, 1, 1))  # settings shown
    forecast = client.get("/fleet/forecast").get_data(as_text=True)
    assert "退役 SOH 阈值（%）" in forecast and " (%)" not in forecast
    client.get("/lang/en")
    assert "Retire at SoH (%)" in client.get("/fleet/forecast").get_data(as_text=True)


def test_a_full_day_shows_the_409_message(client, demo_fleet):
    add_pack(demo_fleet.id, "A", soh="75", since=date(2017, 1, 1), code=CODE_A)
    fields = accept_form(client.get("/fleet/forecast").get_data(as_text=True))
    day = date.fromisoformat(fields["date"])
    row = capacity.lock_day(day)
    row.booked_kg = capacity.status_of(row).capacity_kg
    db.session.commit()
    response = submit(client, "/fleet/forecast/accept", fields, page="/fleet/forecast")
    assert response.status_code == 409
    body = response.get_data(as_text=True)
    assert f"{day.isoformat()} 已约满。最近的空闲日期：" in body
    assert f'id="err-{fields["proposal_id"]}"' in body
    own = Booking.organisation_id == demo_fleet.id
    assert db.session.scalar(sa.select(sa.func.count(Booking.id)).where(own)) == 0
    assert (
        db.session.scalar(
            sa.select(BusPack.booking_id).where(BusPack.organisation_id == demo_fleet.id)
        )
        is None
    )


def test_proposals_fit_a_truck_at_the_first_depot(client, demo_fleet):
    confirm(client, upload(client, SAMPLE.read_bytes()).get_data(as_text=True))
    user = db.session.scalar(sa.select(User).where(User.email == "fleet@demo.lithloop"))
    proposals = fleet_proposals.proposals(user, clock.today())
    assert proposals and all(p.mass_kg <= fleet_proposals.proposal_max_kg() for p in proposals)
    depot = min(
        s.id
        for s in db.session.scalars(
            sa.select(Site).where(
                Site.organisation_id == demo_fleet.id, Site.kind == SiteKind.BUS_DEPOT
            )
        )
    )
    assert {p.site.id for p in proposals} == {depot}
    assert sum(p.count for p in proposals) >= bus_fleet.forecast(user, clock.today())[0].packs


@pytest.mark.parametrize("backend", ["sqlite"])  # page words, no locking: one backend
def test_chemistry_is_shown_in_words_on_the_fleet_pages(client, manager):
    """The register, the forecast's lots and the upload preview name a chemistry as the
    catalogue does ('磷酸铁锂 LFP'), not by its stored code alone."""
    add_pack(manager.organisation_id, "A", soh="75", since=date(2017, 1, 1), code=CODE_A)
    add_pack(manager.organisation_id, "B", soh="70", since=date(2017, 1, 1), chemistry="LMO")
    for body in (
        client.get("/fleet/packs").get_data(as_text=True),
        client.get("/fleet/forecast").get_data(as_text=True),
    ):
        assert "<td>磷酸铁锂 LFP</td>" in body and "<td>锰酸锂 LMO</td>" in body
        assert "<td>LFP</td>" not in body and "<td>LMO</td>" not in body
    row = "黑C·P1,,NCM523,300,2000,2019-05-01,\n"
    preview = upload(client, (HEADER + row).encode()).get_data(as_text=True)
    assert "<td>三元 NCM523</td>" in preview and "<td>NCM523</td>" not in preview


def test_a_proposals_time_window_is_labelled_as_times(client, demo_fleet):
    """Walk finding: the window's first select was labelled 来源 ("From" as in "where from",
    the audit log's meaning) instead of the window's start."""
    small_register(demo_fleet.id, clock.today())
    body = client.get("/fleet/forecast").get_data(as_text=True)
    label = re.search(r'<label for="from-[^"]+">([^<]+)</label>', body).group(1)
    assert label == "时间段开始" and "来源" not in body
    assert re.search(r'<label for="to-[^"]+">时间段结束</label>', body)


def test_a_proposals_days_of_a_year_without_a_holiday_calendar_are_marked(
    client, demo_fleet, frozen_clock
):
    """Walk finding: on 2026-12-06 a proposal offered 2027-01-01 and 2027-01-02 as plain
    days (no weekday, no mark) where the booking form marks the days of a year the calendar
    lacks."""
    from datetime import UTC, datetime

    from tests.calendar_gap import GAP_YEAR, first_open_day

    frozen_clock(datetime(GAP_YEAR - 1, 12, 4, 3, 0, tzinfo=UTC))
    small_register(demo_fleet.id, clock.today())
    body = client.get("/fleet/forecast").get_data(as_text=True)
    new = first_open_day().isoformat()  # of a year the calendar lacks
    assert re.search(rf'value="{new}"[^>]*>{new} [^<]+ \*</option>', body)
    old = f"{GAP_YEAR - 1}-12-31"
    assert re.search(rf'value="{old}"[^>]*>{old} [^<*]+</option>', body)
    note = body[body.index('id="provisional-days-') :]
    assert str(GAP_YEAR) in note[: note.index("</small>")]


@pytest.mark.parametrize("locale", ["zh_CN", "en"])
def test_the_column_names_a_page_gives_are_accepted_as_headers(app, locale):
    """A manager who renames a header to the name the error gives (in the page's language)
    gets a file that imports."""
    from flask_babel import force_locale

    from lithloop.batteries.fleet_cells import header_key
    from lithloop.batteries.fleet_csv import COLUMNS
    from lithloop.web.fleet_text import COLUMN_NAMES

    with app.test_request_context(), force_locale(locale):
        assert set(COLUMN_NAMES) == set(COLUMNS)
        for code, name in COLUMN_NAMES.items():
            assert header_key(str(name)) == code, name


def test_a_proposal_of_one_pack_is_booked_in_the_singular_in_english(client, demo_fleet):
    """Walk finding: accepting a proposal of one pack said "requested for 1 packs"."""
    small_register(demo_fleet.id, clock.today())
    client.get("/lang/en")
    fields = accept_form(client.get("/fleet/forecast").get_data(as_text=True))
    assert len(fields["pack_ids"].split(",")) == 1, fields
    answer = submit(client, "/fleet/forecast/accept", fields, page="/fleet/forecast")
    page = client.get(answer.location).get_data(as_text=True)
    assert re.search(r"Booking #\d+ requested for 1 pack\.", page), page[:3000]


def test_the_register_links_each_received_pack_and_its_booking(client, manager):
    """Trace walk: the register listed a pack's code and its booking (#4) as plain text, so
    a fleet manager could not follow a pack from the bus that retired it to the park; a code
    the park has received opens the pack's history, and a booking its page."""
    from tests.factories import BookingFactory, PackFactory

    booking = BookingFactory(created_by=manager, organisation=manager.organisation)
    db.session.commit()
    PackFactory(code=CODE_A, owner_id=manager.organisation_id, booking_id=booking.id)
    PackFactory(code=CODE_B)  # another organisation's pack: never linked from this register
    for plate, code in (("黑C·D1001", CODE_A), ("黑C·D1002", CODE_B), ("黑C·D1003", None)):
        db.session.add(
            BusPack(
                organisation_id=manager.organisation_id,
                vehicle_plate=plate,
                pack_code=code,
                chemistry="LFP",
                rated_kwh=295,
                mass_kg=2225,
                in_service_since=date(2019, 3, 1),
                booking_id=booking.id if code == CODE_A else None,
            )
        )
    db.session.commit()
    page = client.get("/fleet/packs").get_data(as_text=True)
    assert f'<a href="/packs/{CODE_A}">{CODE_A}</a>' in page
    assert f'href="/packs/{CODE_B}"' not in page and CODE_B in page
    assert f'<a href="/bookings/{booking.id}">#{booking.id}</a>' in page
    assert client.get(f"/packs/{CODE_A}").status_code == 200  # the link opens


def test_a_pack_id_that_names_no_pack_is_refused_beside_the_proposal(client, demo_fleet):
    """Trace walk: a 20-digit pack id in the accept form overflowed the database's integer (a
    500). It names no pack: refused, nothing booked."""
    small_register(demo_fleet.id, clock.today())
    fields = accept_form(client.get("/fleet/forecast").get_data(as_text=True))
    fields["pack_ids"] = fields["pack_ids"] + ",99999999999999999999"
    before = db.session.scalar(sa.select(sa.func.count(Booking.id)))
    response = submit(client, "/fleet/forecast/accept", fields, page="/fleet/forecast")
    assert response.status_code == 404
    assert "没有这个电池包" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(Booking.id))) == before


def test_a_bus_companys_booking_names_its_depot_a_depot(client, demo_fleet):
    """Trace walk: the booking a fleet manager accepted from the forecast labelled its depot
    "网点" (a dealer's site), where the forecast and the home page say 停保场."""
    small_register(demo_fleet.id, clock.today())
    fields = accept_form(client.get("/fleet/forecast").get_data(as_text=True))
    booked = submit(client, "/fleet/forecast/accept", fields, page="/fleet/forecast")
    page = client.get(booked.location).get_data(as_text=True)
    assert "<dt>停保场</dt>" in page and "<dt>网点</dt>" not in page
    cancel = submit(client, f"{booked.location}/cancel", {"reason": ""}, page=booked.location)
    assert "<dt>停保场</dt>" in cancel.get_data(as_text=True)


def test_an_import_problem_is_left_aligned_in_its_phone_card():
    """First-journey walk: at 390 px a long warning sat right-aligned in its card (the cards'
    rule for short values), ragged at the left and hard to read; the problem reads from the
    left."""
    css = (Path(__file__).parents[2] / "static" / "css" / "fleet.css").read_text()
    phone = css[css.index("@media (max-width: 599px)") :]
    rule = re.search(r"table\.issues\.cards td:last-child\s*\{([^}]*)\}", phone)
    assert rule and "text-align:left" in rule.group(1).replace(" ", "")
    assert "justify-content:flex-start" in rule.group(1).replace(" ", "")
