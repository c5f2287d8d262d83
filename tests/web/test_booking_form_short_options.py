"""The booking form's selects read on a 390 px phone: a site's option is its name (its hours
in a hint under the select, "(07:00–17" was cut), the condition's options are short (the
thermal event in a hint, "Swollen, leaking or after a therm…" was cut)."""

from __future__ import annotations

import re
from html import unescape

from tests import worlds

world = worlds.dealer_at_site


def _options(html: str, select: str) -> list[str]:
    found = html[html.index(f'<select id="{select}"') :].split("</select>")[0]
    return [unescape(t).strip() for t in re.findall(r"<option[^>]*>([^<]*)</option>", found)]


def test_the_site_and_condition_options_are_short_with_the_detail_in_a_hint(client, auth, world):
    client.get("/lang/en")
    auth.login(world["dealer"].email)
    html = unescape(client.get("/bookings/new").get_data(as_text=True))
    site = world["site"]
    assert site.name in _options(html, "site_id")
    assert all(":" not in option for option in _options(html, "site_id"))
    hours = f"{site.opens_at:%H:%M}–{site.closes_at:%H:%M}"
    assert 'id="site-hours"' in html and f"Opening hours: {hours}" in html
    conditions = _options(html, "lots-0-condition")
    assert "Swollen or leaking" in conditions, conditions
    assert max(map(len, conditions)) < 30, conditions  # 33 characters were cut
    assert "after a thermal event" in html  # the detail, in the hint
