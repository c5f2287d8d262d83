"""The site form's map names where things are (dealer walk: it drew sixty unnamed grey dots,
their names only in hover titles a phone never shows, with no park and no boundaries):
cities named in the page's language, the park marked, boundaries and a scale drawn."""

from __future__ import annotations

import re

from tests import worlds

dealer = worlds.logged_in_dealer


def _picker(client) -> str:
    page = client.get("/sites/new").get_data(as_text=True)
    found = re.search(r'(?s)<svg id="site-picker".*?</svg>', page)
    assert found, page
    return found.group(0)


def test_the_site_map_names_the_cities_and_marks_the_park(client, dealer):
    svg = _picker(client)
    labels = re.findall(r'<text[^>]*class="place[^"]*"[^>]*>([^<]+)</text>', svg)
    assert "哈尔滨市" in labels and "鸡西市" in labels, labels
    assert 'class="park-mark"' in svg
    assert 'class="boundary' in svg and 'class="scale-bar"' in svg
    client.get("/lang/en")
    english = re.findall(r'<text[^>]*class="place[^"]*"[^>]*>([^<]+)</text>', _picker(client))
    assert "Harbin" in english and "哈尔滨市" not in english, english
