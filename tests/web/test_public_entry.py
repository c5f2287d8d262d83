"""Walk finding (a first visitor, Chinese phone): the home page asked to log in and the login
page linked only "forgot your password" and "register": nothing led to the public prices."""

from __future__ import annotations

import re


def test_the_login_page_leads_a_visitor_to_the_public_prices(client):
    page = client.get("/login").get_data(as_text=True)
    link = re.search(r'<a href="(/prices)">([^<]+)</a>', page)
    assert link and link.group(2) == "废旧电池回收价格", page[-1500:]
    public = client.get(link.group(1))
    assert public.status_code == 200 and "/login" not in (public.location or "")
