"""Index versions, the public price page, and the quote API around the pricing engine."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa

from lithloop import pricing
from lithloop.extensions import db
from lithloop.models import OrgKind, PriceIndexVersion, Role
from lithloop.pricing.model import MAX_CYCLES
from lithloop.services.booking import price_versions
from lithloop.services.booking import prices as price_service
from tests.conftest import api_headers, submit
from tests.factories import make_org, make_site, make_user

LOT = {
    "chemistry": "NCM811",
    "form": "pack",
    "mass_kg": "500",
    "condition": "intact",
    "distance_km": "120",
}


@pytest.fixture
def index(app):
    price_service.ensure_default_index()


bearer = api_headers


@pytest.fixture
def dealer(app, index):
    return make_user(make_org())


def test_scrap_quote_api_totals_its_lines_and_names_the_index(client, dealer):
    response = client.post("/api/v1/quotes/scrap", json=LOT, headers=bearer(client, dealer))
    assert response.status_code == 200
    body = response.json
    assert body["currency"] == "CNY" and isinstance(body["total_fen"], int)
    assert body["total_fen"] == sum(line["amount_fen"] for line in body["lines"])
    assert body["index_version"] == pricing.latest_snapshot().version
    # the quote can be recomputed exactly from the stored version
    row = price_service.get_version(body["index_version"])
    again = pricing.quote_scrap(
        pricing.ScrapLot.from_dict(LOT),
        price_service.snapshot_of(row),
        quoted_on=date.fromisoformat(body["valid_until"]),
    )
    assert again.total_fen == body["total_fen"]


def test_quote_for_own_site_uses_its_distance(client, dealer):
    near = make_site(dealer.organisation, lat=44.56, lon=129.63)
    far = make_site(dealer.organisation, lat=45.75, lon=126.63)  # Harbin, ~300 km
    headers = bearer(client, dealer)
    base = {k: v for k, v in LOT.items() if k != "distance_km"}
    near_q = client.post(
        "/api/v1/quotes/scrap", json={**base, "site_id": near.id}, headers=headers
    ).json
    far_q = client.post(
        "/api/v1/quotes/scrap", json={**base, "site_id": far.id}, headers=headers
    ).json
    assert far_q["total_fen"] < near_q["total_fen"]  # transport costs more from Harbin


def test_quote_for_another_organisations_site_is_404(client, dealer):
    other = make_site(make_org(OrgKind.BUS_COMPANY))
    body = {**{k: v for k, v in LOT.items() if k != "distance_km"}, "site_id": other.id}
    response = client.post("/api/v1/quotes/scrap", json=body, headers=bearer(client, dealer))
    assert response.status_code == 404


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"mass_kg": "0"}, "mass_kg"),
        ({"mass_kg": "40001"}, "mass_kg"),
        ({"mass_kg": "NaN"}, "mass_kg"),
        ({"chemistry": "NiMH"}, "chemistry"),
        ({"form": "crate"}, "form"),
        ({"condition": "burnt"}, "condition"),
        ({"site_id": 1}, "site_id"),  # together with distance_km
    ],
)
def test_bad_scrap_quote_input_names_the_field(client, dealer, change, field):
    response = client.post(
        "/api/v1/quotes/scrap", json={**LOT, **change}, headers=bearer(client, dealer)
    )
    assert response.status_code == 422
    assert field in response.json["errors"]["json"]


def test_second_life_price_is_between_scrap_and_new(client, dealer):
    body = {
        "chemistry": "LFP",
        "rated_kwh": "300",
        "soh_pct": "78",
        "cycles": 2500,
        "grade": "B",
        "warranty_months": 24,
    }
    response = client.post("/api/v1/quotes/second-life", json=body, headers=bearer(client, dealer))
    assert response.status_code == 200
    price = response.json
    assert price["price_fen"] >= price["scrap_floor_fen"] > 0
    assert price["price_fen"] == sum(line["amount_fen"] for line in price["lines"])


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"soh_pct": "101"}, "soh_pct"),
        ({"cycles": -1}, "cycles"),
        ({"grade": "S"}, "grade"),
    ],
)
def test_bad_second_life_input_names_the_field(client, dealer, change, field):
    body = {
        "chemistry": "LFP",
        "rated_kwh": "300",
        "soh_pct": "78",
        "cycles": 100,
        "grade": "A",
        **change,
    }
    response = client.post("/api/v1/quotes/second-life", json=body, headers=bearer(client, dealer))
    assert response.status_code == 422 and field in response.json["errors"]["json"]


@pytest.mark.parametrize("unknown", [{"cycles": None}, {}])
def test_an_unknown_cycle_count_is_priced_as_the_most_worn_pack(client, dealer, unknown):
    """cycles null or absent: the most worn pack's price, on its own line, never a 422."""
    body = {"chemistry": "LFP", "rated_kwh": "300", "soh_pct": "78", "grade": "B"}
    headers = bearer(client, dealer)
    response = client.post("/api/v1/quotes/second-life", json=body | unknown, headers=headers)
    assert response.status_code == 200, response.json
    worn = client.post(
        "/api/v1/quotes/second-life", json=body | {"cycles": MAX_CYCLES}, headers=headers
    )
    assert response.json["price_fen"] == worn.json["price_fen"]
    keys = [line["key"] for line in response.json["lines"]]
    assert "sl.cycles.unknown" in keys and "sl.cycles" not in keys
    schema = client.get("/api/v1/openapi.json").json["components"]["schemas"]
    cycles = schema["SecondLifeRequest"]["properties"]["cycles"]
    assert "cycles" not in schema["SecondLifeRequest"].get("required", [])
    assert "unknown" in cycles["description"] and cycles.get("nullable") is True


def test_missing_index_price_is_a_422_never_a_guess(client, dealer):
    body = {"chemistry": "NCM811", "rated_kwh": "60", "soh_pct": "80", "cycles": 900, "grade": "A"}
    response = client.post("/api/v1/quotes/second-life", json=body, headers=bearer(client, dealer))
    assert response.status_code == 422
    assert response.json["error"] == "missing_price"
    assert "new_pack.NCM811" in response.json["message"]


def test_public_price_page_needs_no_login(client, index):
    body = client.get("/prices").get_data(as_text=True)
    assert "磷酸铁锂 LFP" in body and "三元 NCM811" in body and "计价系数" in body
    table = price_service.indicative_table()
    ncm = table.value(pricing.Chemistry.NCM811, pricing.Condition.INTACT)
    from lithloop.i18n import money

    assert money(ncm) in body


@pytest.fixture
def admin(app, index, auth):
    user = make_user(make_org(OrgKind.PARK_OPERATOR), role=Role.ADMIN)
    auth.login(user.email)
    return user


def test_admin_adds_a_version_and_quotes_follow_it(client, admin, dealer):
    before = client.post(
        "/api/v1/quotes/scrap", json={**LOT, "chemistry": "LFP"}, headers=bearer(client, dealer)
    ).json
    response = submit(
        client,
        "/admin/prices/new",
        {
            "version": "2026-11-26-test",
            "effective_date": "2026-11-01",
            "note": "SMM spot, test",
            "price_li2co3": "250,000",
            "confirmed": "1",
        },
    )
    assert response.status_code == 302
    row = price_service.get_version("2026-11-26-test")
    assert row.created_by_id == admin.id
    assert price_service.snapshot_of(row).prices["li2co3"].value == Decimal("250000")
    after = client.post(
        "/api/v1/quotes/scrap", json={**LOT, "chemistry": "LFP"}, headers=bearer(client, dealer)
    ).json
    assert after["index_version"] == "2026-11-26-test"
    assert after["total_fen"] > before["total_fen"]  # lithium went up
    page = client.get("/admin/prices").get_data(as_text=True)
    assert "2026-11-26-test" in page and "price-history" in page
    assert "SMM spot, test" in page  # an administrator's note as typed
    assert "Seeded from FACTS.md" not in page and "内置初始价格" in page  # the built-in one
    assert "FACTS.md" not in page  # walk finding: a file of the source tree, not shipped
    compared = client.get("/admin/prices/compare?a=2026-01-26&b=2026-11-26-test")
    assert compared.status_code == 200 and "%" in compared.get_data(as_text=True)


def test_the_compare_page_names_each_prices_unit(client, admin):
    """Walk finding: the compare page showed bare numbers, with no unit."""
    form = {"version": "units-1", "effective_date": "2026-11-01", "price_ni": "121,000"}
    response = submit(client, "/admin/prices/new", {**form, "confirmed": "1"})
    assert response.status_code == 302
    page = client.get("/admin/prices/compare?a=2026-01-26&b=units-1").get_data(as_text=True)
    row = re.search(r"<tr><td>镍</td>.*?</tr>", page, re.S).group(0)
    assert "121,000" in row and "元/吨" in row
    assert "元/锂点" in page


CHANGE = re.compile(r"(?:[+-]?[\d,]+\.\d\s*%|[+-]?[\d,]+%)")


def test_both_price_pages_write_a_change_in_percent_one_way(client, admin):
    """Walk finding: the compare page wrote "+1.2%", the new version's preview "+1.2 %"."""
    form = {"version": "pct-1", "effective_date": "2026-11-01", "price_ni": "121,000"}
    preview = submit(client, "/admin/prices/new", form).get_data(as_text=True)
    assert submit(client, "/admin/prices/new", {**form, "confirmed": "1"}).status_code == 302
    compared = client.get("/admin/prices/compare?a=2026-01-26&b=pct-1").get_data(as_text=True)
    for page in (preview, compared):
        shown = CHANGE.findall(re.sub(r"<[^>]+>", "", page))
        assert shown and any(c.strip("+-0.,% ") for c in shown), shown  # a change shown
        assert all(re.fullmatch(r"(?:\+|-)?[\d,]+\.\d %", c) for c in shown), shown


def test_a_change_in_percent_is_signed_to_a_tenth_with_a_space():
    from lithloop.i18n import percent_change

    assert percent_change(Decimal("1.25")) == "+1.3 %"
    assert percent_change(-3.54) == "-3.5 %" and percent_change(0) == "0.0 %"
    assert percent_change(Decimal("1234.5")) == "+1,234.5 %" and percent_change(None) == "—"


@pytest.mark.parametrize(
    ("form", "where", "status"),
    [
        (
            {"version": "v-bad", "effective_date": "2026-11-01", "price_ni": "lots"},
            "price_ni-err",
            422,
        ),
        (
            {"version": "v-neg", "effective_date": "2026-11-01", "price_cu": "-5"},
            "price_cu-err",
            422,
        ),
        ({"version": "2026-01-26", "effective_date": "2026-11-01"}, "version-err", 409),
        ({"version": "v-nodate", "effective_date": ""}, "effective_date-err", 422),
        ({"version": "v-far", "effective_date": "9999-12-31"}, "effective_date-err", 422),
    ],
)
def test_bad_version_is_explained_and_nothing_is_stored(client, admin, form, where, status):
    count = db.session.scalar(sa.select(sa.func.count(PriceIndexVersion.id)))
    response = submit(client, "/admin/prices/new", form)
    assert response.status_code == status
    assert f'id="{where}"' in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(PriceIndexVersion.id))) == count


def test_a_version_dated_before_the_one_in_force_is_refused_beside_the_date(client, admin):
    """Walk finding: a version dated 2020-01-01 was accepted, its blanks filled from the
    version in force in 2020 and compared with it ("now" was 2024-11-29's prices), said to
    apply "from 2020-01-01 to every new quote", and then never used: refused now."""
    in_force = price_service.current_index().effective_date
    client.get("/lang/en")
    for confirmed in ({}, {"confirmed": "1"}):
        typed = {"version": "v-early", "effective_date": "2001-01-01", "price_cu": "70,000"}
        response = submit(client, "/admin/prices/new", {**typed, **confirmed})
        assert response.status_code == 422
        beside = response.get_data(as_text=True).split('id="effective_date-err"')[1][:300]
        assert f"took effect on {in_force.isoformat()}" in beside, beside
    assert (
        db.session.scalar(
            sa.select(PriceIndexVersion).where(PriceIndexVersion.version == "v-early")
        )
        is None
    )
    on_the_day = {"version": "v-same", "effective_date": in_force.isoformat(), "price_cu": "70,000"}
    assert submit(client, "/admin/prices/new", on_the_day).status_code == 200  # to confirm


def test_only_admins_manage_the_index(client, auth, dealer):
    auth.login(dealer.email)
    assert client.get("/admin/prices").status_code == 403
    response = submit(
        client,
        "/admin/prices/new",
        {"version": "x", "effective_date": "2026-11-01"},
        page="/prices",
    )
    assert response.status_code == 403


def test_future_version_is_not_in_force_yet(app, index):
    user = make_user(make_org(OrgKind.PARK_OPERATOR), role=Role.ADMIN)
    price_versions.add_version(
        user,
        version="future",
        effective_date=price_versions.latest_effective_date(),
        note="",
        prices={"ni": Decimal("1")},
    )
    assert price_service.current_index().version != "future"
    after = price_versions.latest_effective_date() + timedelta(days=1)
    assert price_service.current_index(after).version == "future"


def test_versions_import_from_csv(client, admin):
    from io import BytesIO

    data = 'key,value\nli2co3,90000\nni,"121,000"\n'.encode("gb18030")
    response = submit(
        client,
        "/admin/prices/new",
        {
            "version": "csv-1",
            "effective_date": "2026-11-02",
            "csv": (BytesIO(data), "prices.csv"),
            "confirmed": "1",
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    prices = price_service.snapshot_of(price_service.get_version("csv-1")).prices
    assert (prices["li2co3"].value, prices["ni"].value) == (Decimal("90000"), Decimal("121000"))


@pytest.mark.parametrize(
    "data", [b"metal,price\nni,1\n", b"key,value\nni,lots\n", b"key,value\nunobtainium,5\n"]
)
def test_bad_price_csv_is_refused(client, admin, data):
    from io import BytesIO

    response = submit(
        client,
        "/admin/prices/new",
        {
            "version": "csv-bad",
            "effective_date": "2026-11-02",
            "csv": (BytesIO(data), "prices.csv"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert 'class="error' in body and ("csv-err" in body or "form-error" in body)
    assert (
        db.session.scalar(
            sa.select(PriceIndexVersion).where(PriceIndexVersion.version == "csv-bad")
        )
        is None
    )


@pytest.mark.parametrize(
    "data",
    [b"key,value\rni,lots\r", b'key,value\n"' + b"x" * 140_000 + b'",1\n'],
    ids=["cr-line-ends", "a-140-kb-cell"],
)
def test_a_price_csv_pythons_csv_reader_chokes_on_is_told_beside_the_file(client, admin, data):
    """Hostile-input finding: CR-only line ends and a cell over 128 KB were csv.Error: 500s."""
    from io import BytesIO

    client.get("/lang/en")
    form = {"version": "csv-odd", "effective_date": "2026-11-02", "csv": (BytesIO(data), "p.csv")}
    response = submit(client, "/admin/prices/new", form, content_type="multipart/form-data")
    assert response.status_code == 422
    refused = response.get_data(as_text=True).split('id="csv-err"')[1].split("</p>")[0]
    # what is wrong with the row, never the csv module's own words
    assert "Row 2" in refused or "Unknown price" in refused, refused
    assert "field limit" not in refused and "new-line" not in refused


def test_an_absurd_price_in_the_csv_is_refused_with_the_ceiling(client, admin):
    """Walk finding: a CSV price of 99,999,999,999,999 yuan a tonne reached the confirmation
    page ("+41127083349.8 %"). A price above about ten times the highest in FACTS.md is
    refused beside the file, naming the ceiling."""
    from io import BytesIO

    def send(data: bytes):
        return submit(
            client,
            "/admin/prices/new",
            {"version": "csv-big", "effective_date": "2026-11-02", "csv": (BytesIO(data), "p.csv")},
            content_type="multipart/form-data",
        )

    refused = send(b"key,value\nli2co3,99999999999999\n")
    assert refused.status_code == 422
    body = refused.get_data(as_text=True)
    assert "li2co3：价格不能超过 6,000,000 元/吨" in body
    assert "price-effect" not in body  # not up to the confirmation page
    lfp = send(b"key,value\nlfp_point,40000\n").get_data(as_text=True)
    assert "价格不能超过 33,000 元/锂点" in lfp
    highest = send(b"key,value\nli2co3,6000000\n")  # the ceiling itself: a confirmation
    page = highest.get_data(as_text=True)
    assert highest.status_code == 200 and "price-effect" in page
    changes = re.findall(r"([+-]?[\d,]+\.\d) %</span></td>", page)
    assert changes and all(re.fullmatch(r"[+-]?\d{1,3}(,\d{3})*\.\d", c) for c in changes)
    assert any("," in c for c in changes)  # thousands of percent, grouped


def test_the_version_form_names_each_unit_once_in_words(client, admin):
    """Walk finding: the labels read "磷酸铁锂锂点价 (元/point)", "电池级碳酸锂 (元/t)" and
    "新电池包 LFP（元/kWh） (元/kWh)" (the unit twice); the unit in half-width brackets."""
    page = client.get("/admin/prices/new").get_data(as_text=True)
    assert "元/point" not in page and "元/t)" not in page
    assert "磷酸铁锂锂点价（元/锂点）" in page and "电池级碳酸锂（元/吨）" in page
    assert page.count("元/kWh") == 1


@pytest.mark.parametrize(
    ("data", "shown"),
    [
        (b"key,value\ndata,5\n", "data："),  # a name the form object has: was a 500
        (b"key,value\nvalidate,5\n", "validate："),
        (b"key,value\nnew_pack.NCM811,-5\n", "new_pack.NCM811：价格必须是正数"),
        (b"key,value\nni,-5\n", "ni：价格必须是正数"),  # not beside the empty 镍 box
    ],
)
def test_a_bad_name_or_price_in_the_csv_is_named_beside_the_file(client, admin, data, shown):
    """Walk finding: a CSV row named `data` gave a 500; a refused CSV price was shown above
    the form, or beside an empty box, without naming which price it was."""
    from io import BytesIO

    response = submit(
        client,
        "/admin/prices/new",
        {"version": "csv-x", "effective_date": "2026-11-02", "csv": (BytesIO(data), "p.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    error = body[body.index('id="csv-err"') :]
    assert shown in error[: error.index("</")]
    assert 'id="price_ni-err"' not in body


def test_csv_messages_read_plainly_and_list_the_price_names(client, admin):
    """Walk finding: a bad value read "第 3 行：abc 不是数字（请填写数字，例如 1234.50（数字
    0-9，小数用小数点）。）。" (brackets in brackets);
    an unknown name did not say the right ones."""
    from io import BytesIO

    def csv_error(data: bytes) -> str:
        response = submit(
            client,
            "/admin/prices/new",
            {"version": "csv-m", "effective_date": "2026-11-02", "csv": (BytesIO(data), "p.csv")},
            content_type="multipart/form-data",
        )
        body = response.get_data(as_text=True)
        error = body[body.index('id="csv-err"') :]
        return error[error.index(">") + 1 : error.index("</")]

    bad = csv_error(b"key,value\nni,1\nco,abc\n")
    assert bad.startswith("第 3 行（abc）：") and "。）" not in bad
    unknown = csv_error("key,value\n镍,1\n".encode("gbk"))
    assert "镍" in unknown and "li2co3" in unknown and "new_pack.LFP" in unknown
    assert "、" in unknown and ", " not in unknown  # a Chinese list


def test_a_price_named_twice_in_the_csv_is_refused_naming_both_rows(client, admin):
    """Walk finding: "li2co3,80000" and "li2co3,90000" in one file went to the confirmation
    with the last value, silently; which one the admin meant is not ours to guess."""
    from io import BytesIO

    data = b"key,value\nli2co3,80000\nni,121000\nli2co3,90000\n"
    response = submit(
        client,
        "/admin/prices/new",
        {"version": "csv-twice", "effective_date": "2026-11-02", "csv": (BytesIO(data), "p.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert 'name="confirmed"' not in body
    error = body[body.index('id="csv-err"') :]
    assert "第 4 行：li2co3 已在第 2 行给出价格" in error[: error.index("</")]


def test_every_bad_price_is_named_with_a_missing_version(client, admin):
    """One round names the label, the date and each bad price; full-width digits are read."""
    response = submit(
        client,
        "/admin/prices/new",
        {
            "version": "",
            "effective_date": "",
            "price_li2co3": "２５００００",
            "price_ni": "1e999",
            "price_co": "abc",
            "price_cu": "-5",
        },
        headers={"Accept-Language": "zh-CN"},
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    for where in ("version-err", "effective_date-err", "price_ni-err", "price_co-err"):
        assert f'id="{where}"' in page, where
    assert 'id="price_li2co3-err"' not in page  # full-width digits are a number
    cu = page.split('id="price_cu-err">', 1)[1].split("</p>", 1)[0]
    assert "大于 0" in cu and "请输入数字" not in cu


def test_a_full_width_price_is_read(client, admin):
    response = submit(
        client,
        "/admin/prices/new",
        {
            "version": "v-wide",
            "effective_date": "2026-11-01",
            "price_cu": "７０，０００",
            "confirmed": "1",
        },
    )
    assert response.status_code == 302
    wide = price_service.snapshot_of(price_service.get_version("v-wide"))
    assert wide.prices["cu"].value == Decimal("70000")


def test_the_history_chart_says_which_axis_each_price_reads_on_and_its_unit(client, admin):
    """Walk finding: lithium carbonate reads on the left axis and the metals on the right
    (their scales differ), yet neither axis had a title nor the legend a word of it: at
    phone width no reader could tell which line read which, nor in what unit."""
    import html
    import json
    import re
    from pathlib import Path

    client.get("/lang/zh_CN")
    page = client.get("/admin/prices").get_data(as_text=True)
    canvas = re.search(r'<canvas id="price-history"[^>]*>', page).group(0)

    def attribute(name: str) -> str:
        return html.unescape(re.search(rf"data-{name}='([^']*)'", canvas).group(1))

    assert json.loads(attribute("labels")) == {
        "li2co3": "电池级碳酸锂（左轴）",
        "ni": "镍（右轴）",
        "co": "钴（右轴）",
        "cu": "铜（右轴）",
    }
    assert json.loads(attribute("left")) == ["li2co3"] and 'data-unit="元/吨"' in canvas
    script = (Path(__file__).parents[2] / "static/js/price_history.js").read_text()
    assert "left.indexOf(key)" in script and "text: unit" in script


def test_a_change_in_percent_is_reckoned_one_way_exactly_even_from_a_negative_base():
    """Review finding: the preview reckoned with float and abs(old), the compare page with
    Decimal and a signed old (-100 -> -50 read -50 % there, +50 % here)."""
    from types import SimpleNamespace

    from lithloop.web.prices import price_effect

    change = price_service.change_in_percent
    assert change(Decimal(-100), Decimal(-50)) == Decimal("50.0")  # a rise, from below 0
    assert change(Decimal(-100), Decimal(-150)) == Decimal("-50.0")
    assert change(Decimal(100), Decimal(50)) == Decimal("-50.0")
    assert change(3, 4) == Decimal("33.3") and change(8, 9) == Decimal("12.5")
    assert change(Decimal(1000), Decimal("1000.25")) == Decimal("0.0")
    assert change(Decimal(4000), Decimal(4002)) == Decimal("0.1")  # 0.05: half up, not even
    assert change(0, 5) is None and change(None, 5) is None and change(5, None) is None

    def table(*fen):
        kind = {"chemistry": SimpleNamespace(value="LFP"), "condition": SimpleNamespace(value="ok")}
        return SimpleNamespace(rows=[SimpleNamespace(fen_per_tonne=f, **kind) for f in fen])

    rows = price_effect(table(-100, 4000, 0, 100), table(-50, 4002, 7, None))
    changes = [r["change"] for r in rows]
    assert changes == [Decimal("50.0"), Decimal("0.1"), None, None]
    assert all(c is None or isinstance(c, Decimal) for c in changes)  # no float


def test_the_history_chart_places_each_version_at_its_date_not_at_even_steps(client, admin):
    """Walk finding: the chart drew the versions as evenly spaced categories, so eleven months
    between two versions took the width of three weeks between the next two, and the slopes
    a reader compares over time were wrong."""
    import html
    import json
    from pathlib import Path

    page = client.get("/admin/prices").get_data(as_text=True)
    canvas = re.search(r'<canvas id="price-history"[^>]*>', page).group(0)
    history = json.loads(html.unescape(re.search(r"data-history='([^']*)'", canvas).group(1)))
    dates = [date.fromisoformat(label) for label in history["labels"]]
    assert len(dates) >= 3 and len(history["days"]) == len(dates)
    assert [b - a for a, b in zip(history["days"], history["days"][1:], strict=False)] == [
        (b - a).days for a, b in zip(dates, dates[1:], strict=False)
    ]
    assert history["days"][0] == (dates[0] - date(1970, 1, 1)).days  # as JS dates count
    script = (Path(__file__).parents[2] / "static/js/price_history.js").read_text()
    assert 'type: "linear"' in script and "x: days[j]" in script and "stepped: true" in script


@pytest.mark.parametrize("typed", ["2026-02-30", "2026-13-01", "明天"])
def test_a_date_that_does_not_exist_is_refused_as_such_not_as_missing(client, admin, typed):
    """Walk finding: an impossible effective date was refused with "This field is required."
    beside the date the admin had just typed."""
    client.get("/lang/zh_CN")
    form = {"version": "v-no-such-day", "effective_date": typed, "price_cu": "70000"}
    response = submit(client, "/admin/prices/new", form)
    page = response.get_data(as_text=True)
    error = page.split('id="effective_date-err"')[1].split("</")[0]
    assert response.status_code == 422 and "日期" in error and "必填" not in error
    stored = sa.select(PriceIndexVersion).where(PriceIndexVersion.version == "v-no-such-day")
    assert db.session.scalar(stored) is None


@pytest.mark.parametrize(
    "key", ["new_pack.NMC", "new_pack.\U0001f600", "new_pack.<b>", "new_pack." + "x" * 5000]
)
def test_a_new_pack_price_of_no_chemistry_is_refused_naming_the_right_ones(client, admin, key):
    """Walk finding: any name after "new_pack." was taken, so "新电池包 😀（元/kWh）" was kept
    in a version (versions never change) and listed on the compare page for ever."""
    from io import BytesIO

    data = f"key,value\n{key},120\n".encode()
    form = {"version": "csv-chem", "effective_date": "2026-11-02", "confirmed": "1"}
    response = submit(
        client,
        "/admin/prices/new",
        {**form, "csv": (BytesIO(data), "p.csv")},
        content_type="multipart/form-data",
    )
    body = response.get_data(as_text=True)
    error = body[body.index('id="csv-err"') :]
    error = error[: error.index("</")]
    assert response.status_code == 422 and "new_pack.NCM811" in error and len(error) < 1000
    stored = sa.select(PriceIndexVersion).where(PriceIndexVersion.version == "csv-chem")
    assert db.session.scalar(stored) is None


def test_a_new_pack_price_of_a_known_chemistry_is_kept(client, admin):
    from io import BytesIO

    form = {"version": "csv-ncm", "effective_date": "2026-11-02", "confirmed": "1"}
    data = (BytesIO(b"key,value\nnew_pack.NCM811,420\n"), "p.csv")
    response = submit(
        client, "/admin/prices/new", {**form, "csv": data}, content_type="multipart/form-data"
    )
    assert response.status_code == 302
    prices = price_service.snapshot_of(price_service.get_version("csv-ncm")).prices
    assert prices["new_pack.NCM811"].value == Decimal("420")


def test_the_compare_choices_say_which_is_a_and_which_is_b(client, admin):
    """Walk finding: each version row had two bare radio buttons under "Compare" and the
    button read "Compare A with B": which circle was A was not written anywhere on the page."""
    page = client.get("/admin/prices").get_data(as_text=True)
    picks = re.findall(
        r'<label class="check"><input type="radio" name="([ab])"[^>]*> ([AB])</label>', page
    )
    assert picks and all(name.upper() == shown for name, shown in picks)
    assert {name for name, _shown in picks} == {"a", "b"}


def test_the_history_chart_runs_the_last_prices_on_to_today(client, admin):
    """Walk finding: the chart ended at the last version's date, so prices unchanged for ten
    months looked as if they had just changed at the right edge."""
    import html
    import json
    from pathlib import Path

    from lithloop import clock

    page = client.get("/admin/prices").get_data(as_text=True)
    canvas = re.search(r'<canvas id="price-history"[^>]*>', page).group(0)
    history = json.loads(html.unescape(re.search(r"data-history='([^']*)'", canvas).group(1)))
    assert history["today"] == (clock.today() - date(1970, 1, 1)).days
    assert history["today"] > history["days"][-1]  # the seeded versions are older than today
    script = (Path(__file__).parents[2] / "static/js/price_history.js").read_text()
    assert "history.today > last" in script and "max: days.length ? through" in script


@pytest.mark.parametrize("query", ["", "?a=2026-01-26", "?b=2026-01-26&a="])
def test_comparing_without_two_versions_leads_back_to_the_list(client, admin, query):
    """Walk finding: /admin/prices/compare without both versions answered 404 "没有价格指数
    版本 。" (no version named at all)."""
    client.get("/lang/zh_CN")
    response = client.get("/admin/prices/compare" + query)
    assert response.status_code == 302 and response.location.endswith("/admin/prices")
    page = client.get("/admin/prices").get_data(as_text=True)
    assert "请选择要对比的两个版本 A 和 B。" in page


def test_comparing_a_version_with_itself_leads_back_to_the_list(client, admin):
    """Walk finding: the same version as A and B showed a table of no changes at all."""
    client.get("/lang/en")
    response = client.get("/admin/prices/compare?a=2026-01-26&b=2026-01-26")
    assert response.status_code == 302 and response.location.endswith("/admin/prices")
    page = client.get("/admin/prices").get_data(as_text=True)
    assert "Choose two different versions to compare" in page


def test_an_unknown_version_pasted_long_is_quoted_cut(client, admin):
    # 4,000: a long paste under the request guard's 4,096-byte query limit (longer is a 414)
    response = client.get("/admin/prices/compare?a=2026-01-26&b=" + "V" * 4000)
    # a run of V's that is text, not an attribute (possessive: no backtracking over 4,000)
    said = re.search(r"(?<!V)V++…?+(?=[^\"<]*</)", response.get_data(as_text=True)).group(0)
    assert response.status_code == 404 and said == "V" * 39 + "…"


@pytest.mark.parametrize("typed", ["\u202eabc", "a\u200bb\u2067c", "\u202e"])
def test_an_unknown_version_is_echoed_without_its_direction_controls(client, admin, typed):
    """Walk finding: `a=` with a U+202E was repeated into the 404's message, turning the
    rest of the sentence around."""
    response = client.get("/admin/prices/compare", query_string={"a": typed, "b": "2026-01-26"})
    page = response.get_data(as_text=True)
    assert response.status_code == 404
    assert not re.search("[\u202a-\u202e\u2066-\u2069\u200b]", page)
    shown = "".join(c for c in typed if c.isalpha()) or "—"
    assert shown in page


@pytest.mark.parametrize("with_csv", [False, True])
def test_a_date_more_than_a_year_ahead_is_refused_beside_it_naming_the_bound(
    client, admin, with_csv
):
    """Walk finding: a typo such as 2072 for 2027 was stored for good (versions never change)
    and stretched the price chart's time axis to 2072."""
    from io import BytesIO

    client.get("/lang/en")
    latest = price_versions.latest_effective_date()
    form = {"version": "v-typo", "effective_date": "2072-01-15", "confirmed": "1"}
    if with_csv:
        form["csv"] = (BytesIO(b"key,value\nni,121000\n"), "prices.csv")
    else:
        form["price_ni"] = "121000"
    kind = "multipart/form-data" if with_csv else None
    response = submit(client, "/admin/prices/new", form, content_type=kind)
    page = response.get_data(as_text=True)
    error = page.split('id="effective_date-err"')[1].split("</")[0]
    assert response.status_code == 422 and latest.isoformat() in error
    stored = sa.select(PriceIndexVersion).where(PriceIndexVersion.version == "v-typo")
    assert db.session.scalar(stored) is None
    form["effective_date"] = latest.isoformat()
    if with_csv:
        form["csv"] = (BytesIO(b"key,value\nni,121000\n"), "prices.csv")
    assert submit(client, "/admin/prices/new", form, content_type=kind).status_code == 302


@pytest.mark.parametrize(("today", "days"), [(date(2026, 3, 12), None), (date(2026, 12, 8), 316)])
def test_an_old_index_is_said_to_be_old_on_both_price_pages(
    client, admin, frozen_clock, today, days
):
    effective = price_service.current_index(today).effective_date
    assert effective == date(2026, 1, 26)  # the embedded default's newest source
    frozen_clock(datetime.combine(today, time(4), tzinfo=UTC))
    for path in ("/prices", "/admin/prices"):
        body = client.get(path).get_data(as_text=True)
        notice = re.search(r'<p class="warning"[^>]*id="index-age">(.*?)</p>', body)
        if days is None:
            assert notice is None, path
        else:
            assert notice and f'<span class="nowrap">{days} 天</span>' in notice.group(0), path
