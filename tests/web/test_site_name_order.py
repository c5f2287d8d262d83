"""Site names are listed as a reader looks one up: by pinyin on Chinese pages (爱民 before
东安 before 西安 before 阳明, which code points put 东 爱 西 阳), by letters with case
ignored on English ones (alpha before Zeta); the booking form's site select and the sites
list use the one key (name_order.name_key)."""

from __future__ import annotations

import re

import pytest

from lithloop.models import Role
from lithloop.name_order import name_key
from tests.factories import make_org, make_site, make_user

#: In pinyin order: ai, dong, xi, yang; by code point 东 (4E1C) 爱 (7231) 西 (897F) 阳 (9633).
PINYIN = ["爱民网点", "东安网点", "西安网点", "阳明网点"]
#: Case ignored: alpha, beta, Zeta; by code point "Zeta" came first.
LETTERS = ["alpha", "Beta", "Zeta"]


def test_the_key_orders_chinese_by_pinyin_and_english_by_letters(app):
    assert sorted(PINYIN) != PINYIN and sorted(LETTERS) != LETTERS  # code points differ
    with app.test_request_context(headers={"Cookie": "lang=zh_CN"}):
        assert sorted(reversed(PINYIN), key=name_key) == PINYIN
        assert sorted(["重庆", "长春", "成都"], key=name_key) == ["长春", "成都", "重庆"]  # chóng
    with app.test_request_context(headers={"Cookie": "lang=en"}):
        assert sorted(reversed(LETTERS), key=name_key) == LETTERS
        assert sorted(["ｂeta", "Alpha"], key=name_key) == ["Alpha", "ｂeta"]  # full width


@pytest.fixture
def owner(auth):
    """A dealer with sites named out of order, logged in."""
    org = make_org()
    for name in [PINYIN[2], LETTERS[2], PINYIN[0], LETTERS[0], PINYIN[3], LETTERS[1], PINYIN[1]]:
        make_site(org, name=name)
    user = make_user(org, role=Role.DEALER_STAFF)
    auth.login(user.email)
    return user


def _select_names(page: str) -> list[str]:
    select = page.split('id="site_id"', 1)[1].split("</select>", 1)[0]
    options = re.findall(r"<option[^>]*>([^<]*)</option>", select)
    return [re.sub(r" \(.*|（.*", "", n) for n in options]  # the hours: （…） in Chinese


def _list_names(page: str) -> list[str]:
    table = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return re.findall(r'<a href="/sites/\d+">([^<]*)</a>', table)


def test_the_booking_form_and_the_sites_list_order_by_pinyin_in_chinese(client, owner):
    # Latin names among the pinyin of the Chinese ones: ai, alpha, beta, dong, xi, yang, zeta
    expected = [PINYIN[0], *LETTERS[:2], *PINYIN[1:], LETTERS[2]]
    assert _select_names(client.get("/bookings/new").get_data(as_text=True)) == expected
    assert _list_names(client.get("/sites/").get_data(as_text=True)) == expected


def test_the_booking_form_and_the_sites_list_order_by_letters_in_english(client, owner):
    client.get("/lang/en")
    expected = LETTERS + sorted(PINYIN)  # Chinese names after the letters, as stored
    assert _select_names(client.get("/bookings/new").get_data(as_text=True)) == expected
    assert _list_names(client.get("/sites/").get_data(as_text=True)) == expected
