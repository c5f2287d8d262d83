"""The booking form's list of sites: by name, as a person looks for one."""

from __future__ import annotations

import re

from lithloop.extensions import db
from tests import worlds
from tests.factories import make_site

world = worlds.dealer_at_site


def test_the_sites_to_book_from_are_listed_by_name_not_newest_first(client, auth, world):
    """A site added without a city (or with its city in Latin letters) came first in the
    list and was the form's default; the list is by name, case ignored, Chinese by its
    pinyin among the Latin names (name_order), and the first by name is the default."""
    org = world["site"].organisation
    added = make_site(org, name="Zhan 新站")
    added.city = ""
    make_site(org, name="beta 站").city = "Hailin"
    make_site(org, name="Alpha 站").city = "海林市"
    db.session.commit()
    auth.login(world["dealer"].email)
    page = client.get("/bookings/new").get_data(as_text=True)
    names = re.findall(r'<option value="\d+" data-opens="[^"]*"[^>]*>([^<]+)</option>', page)
    assert names == ["Alpha 站", "beta 站", "东安网点", "Zhan 新站"], names  # 东 read dong
    assert re.search(r'<option value="\d+"[^>]* selected>Alpha 站', page)


def test_a_sites_hours_are_beside_the_choice_with_the_languages_colon(client, auth, world):
    """Walk findings: the site choice read "东安网点 (08:00–17:00)" (half-width brackets on a
    Chinese page), then was cut at 390 px ("(07:00–17"); the option is the name alone and the
    chosen site's hours are a hint under it, with the page's colon."""
    site = world["site"]
    hours = f"{site.opens_at:%H:%M}–{site.closes_at:%H:%M}"
    auth.login(world["dealer"].email)
    client.get("/lang/zh_CN")
    chinese = client.get("/bookings/new").get_data(as_text=True)
    option = rf'<option value="{site.id}"[^>]*>东安网点</option>'
    assert re.search(option, chinese)
    assert re.search(rf'id="site-hours"[^>]*>营业时间：{hours}</small>', chinese), chinese
    client.get("/lang/en")
    english = client.get("/bookings/new").get_data(as_text=True)
    assert re.search(option, english)
    assert re.search(rf'id="site-hours"[^>]*>Opening hours: {hours}</small>', english)
