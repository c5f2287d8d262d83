"""Adding and editing sites through the form, with errors beside the fields."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

import pytest
import sqlalchemy as sa

from lithloop.extensions import db
from lithloop.models import Role, Site
from tests import worlds
from tests.conftest import submit
from tests.factories import make_org, make_site

GOOD = {
    "name": "海林服务站",
    "address": "海林市长安街5号",
    "city": "海林市",
    "district": "",
    "lat": "44.5940",
    "lon": "129.3800",
    "contact_name": "王伟",
    "contact_phone": "13800000000",
    "opens_at": "08:00",
    "closes_at": "17:30",
}


dealer = worlds.logged_in_dealer


def site_count() -> int:
    return db.session.scalar(sa.select(sa.func.count(Site.id)))


def test_add_a_site(client, dealer):
    response = submit(client, "/sites/new", GOOD)
    assert response.status_code == 302
    site = db.session.scalar(sa.select(Site))
    assert site.name == "海林服务站" and site.organisation_id == dealer.organisation_id
    assert round(site.lat, 4) == 44.594
    assert "海林服务站" in client.get(response.location).get_data(as_text=True)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("lat", "91", "纬度必须在 -90 到 90 之间"),
        ("lat", "-90.5", "纬度必须在 -90 到 90 之间"),
        ("lon", "181", "经度必须在 -180 到 180 之间"),
        ("lon", "abc", "不是有效的小数"),
        ("closes_at", "07:00", "关门时间必须晚于开门时间"),
        ("contact_phone", "abc", "请输入电话号码：7 至 15 位数字"),
        ("contact_phone", "139", "请输入电话号码：7 至 15 位数字"),
        # walk finding: a time that is not one read "this field is required"
        ("opens_at", "25:00", "不是有效的时间"),
        ("closes_at", "5pm", "不是有效的时间"),
        ("opens_at", "", "该字段是必填字段"),
        # trace walk: a right-to-left override showed the name backwards on every page
        ("address", "\u202e路江丹牡", "文字方向控制字符"),
        ("contact_name", "王\u2067伟", "文字方向控制字符"),
        # a city of emoji or symbols alone names no place (registration refuses it too)
        ("city", "\U0001f3d9\ufe0f", "请用文字填写城市名称"),
        ("city", "---", "请用文字填写城市名称"),
    ],
)
def test_bad_site_is_explained_beside_the_field(client, dealer, field, value, message):
    response = submit(client, "/sites/new", {**GOOD, field: value})
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert f'id="{field}-err"' in body
    assert message in body
    assert GOOD["name"] in body  # what was typed is kept
    assert site_count() == 0


def test_every_refused_field_of_a_site_is_told_at_once(client, dealer):
    """Walk finding: a point too far from the park hid "closing time must be after opening
    time" until the next try."""
    typed = {**GOOD, "lat": "39.9", "lon": "116.4", "closes_at": "07:00"}
    response = submit(client, "/sites/new", typed)
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    for field in ("lat", "closes_at"):
        assert f'id="{field}-err"' in body, field
    assert "关门时间必须晚于开门时间" in body and "公里" in body
    assert site_count() == 0


def test_a_refused_phone_number_and_a_position_beyond_the_region_are_told_at_once(client, dealer):
    """Walk finding: a mistyped phone number (the form's own check) hid the position beyond
    the region and the closing time before the opening time (the service's) until the next
    try. A field the form refused keeps its one reason."""
    typed = {**GOOD, "lat": "39.9", "lon": "116.4", "closes_at": "07:00", "contact_phone": "12"}
    response = submit(client, "/sites/new", typed)
    assert response.status_code == 422 and site_count() == 0
    body = response.get_data(as_text=True)
    for field in ("contact_phone", "lat", "closes_at"):
        told = re.findall(rf'<p class="error" id="{field}-err">(.*?)</p>', body, re.S)
        assert len(told) == 1, (field, told)
    assert "关门时间必须晚于开门时间" in body and "公里" in body
    hours_bad = submit(client, "/sites/new", {**GOOD, "opens_at": "25:00", "closes_at": "07:00"})
    body = hours_bad.get_data(as_text=True)  # a time the form refused: no order to check
    assert 'id="opens_at-err"' in body and 'id="closes_at-err"' not in body
    assert site_count() == 0


@pytest.mark.parametrize("field", ["lat", "lon"])
def test_a_coordinate_that_is_not_a_number_gets_one_message(client, dealer, field):
    """A comma for the decimal point ("44,59") got two errors beside the field: "not a valid
    decimal" and "must be between -90 and 90", as if the number were out of range."""
    response = submit(client, "/sites/new", {**GOOD, field: "44,59"})
    assert response.status_code == 422 and site_count() == 0
    body = response.get_data(as_text=True)
    told = re.findall(rf'<p class="error" id="{field}-err">(.*?)</p>', body, re.S)
    assert len(told) == 1 and "不是有效的小数" in told[0] and "之间" not in told[0], told


def test_edit_keeps_the_site_when_input_is_bad(client, dealer):
    submit(client, "/sites/new", GOOD)
    site = db.session.scalar(sa.select(Site))
    response = submit(client, f"/sites/{site.id}/edit", {**GOOD, "name": "新名字", "lat": "100"})
    assert response.status_code == 422
    db.session.refresh(site)
    assert site.name == "海林服务站"
    ok = submit(client, f"/sites/{site.id}/edit", {**GOOD, "name": "新名字"})
    assert ok.status_code == 302
    db.session.refresh(site)
    assert site.name == "新名字"


@pytest.mark.parametrize(
    ("lang", "told"),
    [
        ("zh_CN", "请确定网点位置：点击“在地图上定位地址”，或在地图上点击网点所在位置。"),
        ("en", "Place the site: press “Locate the address on the map” or click the map"),
    ],
)
def test_a_site_without_coordinates_is_told_how_to_place_it(client, dealer, lang, told):
    """Nobody knows their latitude: "this field is required" beside it did not help."""
    client.get(f"/lang/{lang}")
    response = submit(client, "/sites/new", {**GOOD, "lat": "", "lon": ""})
    assert response.status_code == 422 and site_count() == 0
    body = response.get_data(as_text=True)
    for field in ("lat", "lon"):
        said = body.split(f'id="{field}-err">', 1)[1].split("</p>", 1)[0]
        assert told in said, said


def _picker_names(body: str) -> list[str]:
    svg = body.split('id="site-picker"', 1)[1].split("</svg>", 1)[0]
    return [html.unescape(t) for t in re.findall(r'class="place"><title>([^<]*)</title>', svg)]


@pytest.mark.parametrize(
    ("lang", "named", "script"),
    [
        (
            "en",
            ["Dong'an District", "Mudanjiang Economic and Technological Development Zone"],
            r"^[A-Za-z' .-]+$",
        ),
        ("zh_CN", ["东安区", "牡丹江经济技术开发区"], r"^[\u4e00-\u9fff·]+$"),
    ],
)
def test_the_site_maps_places_are_named_in_the_pages_language(client, dealer, lang, named, script):
    """The picker's places were named in Chinese on English pages too."""
    client.get(f"/lang/{lang}")
    names = _picker_names(client.get("/sites/new").get_data(as_text=True))
    assert len(names) > 50 and all(n in names for n in named), names
    assert all(re.match(script, n) for n in names), names


def test_a_site_too_far_for_a_shift_is_warned_once_after_saving(client, dealer):
    """Saving a site no truck can reach and come back from in a shift showed the same
    warning twice, as a message and on the page."""
    from tests.factories import make_park

    make_park()  # its trucks' shifts say how far is too far
    # Harbin: within the service region (a shift's return trip), beyond a 10-hour working
    # day (Shanghai was used before; it is now refused: test_site_reach.py)
    far = {**GOOD, "lat": "45.8030", "lon": "126.5351"}
    response = submit(client, "/sites/new", far, follow_redirects=True)
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "网点已保存" in body
    assert body.count("没有车辆能在一个班次内往返此网点") == 1, body
    assert 'id="reach-warning"' in body


@pytest.mark.parametrize(
    ("lang", "city", "shown", "hidden"),
    [
        ("en", "东宁市", "Dongning", "东宁"),
        ("en", "东宁", "Dongning", "东宁"),  # typed without 市
        ("zh_CN", "东宁市", "东宁市", "Dongning"),
        ("en", "某某镇", "某某镇", None),  # not a place of the region: as typed
    ],
)
def test_a_sites_city_is_named_in_the_pages_language(client, dealer, lang, city, shown, hidden):
    """Walk finding: a site's city (typed in Chinese) stayed Chinese on English pages, where
    the cart and the dashboard name the region's places in English."""
    from tests.factories import make_site

    site = make_site(dealer.organisation)
    site.city, site.district = city, ""
    db.session.commit()
    client.get(f"/lang/{lang}")
    for page in (client.get("/sites/"), client.get(f"/sites/{site.id}")):
        cells = re.findall(r"<td>([^<]*)</td>|<dd>([^<]*)</dd>", page.get_data(as_text=True))
        text = " ".join(a or b for a, b in cells)
        assert page.status_code == 200 and shown in text, text
        assert hidden is None or hidden not in text, text


def test_a_city_of_symbols_is_told_with_the_missing_position_at_once(client, dealer):
    """Walk finding: a city of emoji was told only after the site had been placed on the
    map: the first try named the position alone, the second the city."""
    response = submit(client, "/sites/new", {**GOOD, "city": "\U0001f50b", "lat": "", "lon": ""})
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="city-err"' in body and "请用文字填写城市名称" in body
    assert 'id="lat-err"' in body
    assert site_count() == 0


def test_a_new_site_offers_booking_a_pickup_there(client, dealer):
    """New-user walk: the page a first site lands on after saving offered only "Edit", a dead
    end; it offers booking a pickup there, the booking form opening with that site chosen."""
    response = submit(client, "/sites/new", GOOD, follow_redirects=True)
    body = response.get_data(as_text=True)
    site = db.session.scalar(sa.select(Site).where(Site.name == GOOD["name"]))
    link = f"/bookings/new?site_id={site.id}"
    assert response.status_code == 200 and "在此预约取货" in body
    assert f'href="{link}"' in body
    form = client.get(link).get_data(as_text=True)
    assert re.search(rf'<option value="{site.id}"[^>]*selected', form), form


def test_a_site_beyond_reach_offers_no_booking(client, dealer):
    """A site stored beyond the park's reach takes no bookings: its page offers none."""
    site = make_site(dealer.organisation, lat=39.9042, lon=116.4074)  # Beijing
    db.session.commit()
    body = client.get(f"/sites/{site.id}").get_data(as_text=True)
    assert "/bookings/new" not in body and "在此预约取货" not in body


def test_the_parks_staff_are_not_offered_booking_at_a_site(client, login_as):
    """A dispatcher reading a site (the park's own) books nothing there."""
    login_as(Role.DISPATCHER)
    site = make_site(make_org())
    db.session.commit()
    response = client.get(f"/sites/{site.id}")
    assert response.status_code == 200
    assert "/bookings/new" not in response.get_data(as_text=True)


class _Forms(HTMLParser):
    """The page's forms: for each, its field names and its submit buttons in tree order."""

    def __init__(self) -> None:
        super().__init__()
        self.forms, self.current = [], None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.current = {"fields": set(), "buttons": []}
            self.forms.append(self.current)
        elif self.current is None:
            return
        elif (tag == "button" and a.get("type", "submit") == "submit") or (
            tag == "input" and a.get("type") in ("submit", "image")
        ):
            self.current["buttons"].append((a.get("name"), a.get("value")))
        elif tag in ("input", "select", "textarea") and a.get("name"):
            self.current["fields"].add(a["name"])

    def handle_endtag(self, tag):
        if tag == "form":
            self.current = None


def _default_button(body: str) -> tuple:
    """The site form's default button (the first submit button: the one Enter presses)."""
    scan = _Forms()
    scan.feed(body)
    (form,) = [f for f in scan.forms if {"name", "address", "lat"} <= f["fields"]]
    return form["buttons"][0]


def test_enter_in_a_field_saves_the_site_not_locates_it(client, dealer):
    # first-journey walk: Enter pressed the "Locate" button, which only said "Found…"
    name, value = _default_button(client.get("/sites/new").get_data(as_text=True))
    assert name != "locate"
    pressed = {**GOOD, **({name: value} if name else {})}
    response = submit(client, "/sites/new", pressed)
    assert response.status_code == 302 and site_count() == 1
    site = db.session.scalar(sa.select(Site))
    body = client.get(f"/sites/{site.id}/edit").get_data(as_text=True)
    assert _default_button(body)[0] != "locate"
    # the locate button is still there and still locates without JavaScript
    assert 'name="locate"' in body
    located = submit(client, "/sites/new", {**GOOD, "lat": "", "lon": "", "locate": "1"})
    assert located.status_code == 200 and site_count() == 1
