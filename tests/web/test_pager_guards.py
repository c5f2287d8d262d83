"""The shared pager shows nothing for a single page by itself: no template keeps a guard of
its own around it, and a list of one page shows no pager while one of two pages does."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from lithloop.models import Role
from lithloop.services.accounts import api_tokens
from lithloop.web.market import catalog_views
from tests.factories import make_user_as
from tests.market.support import list_packs

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
#: `{% if ... %}{{ m.pager(...) }}`: a template's own "more than one page" test around the
#: pager, which says the same (or, with `pages > 1`, hid the way back from past the end).
GUARDED = re.compile(r"\{%-?\s*if\b[^%]*\b(?:page|pages|has_next)\b[^%]*%\}\s*\{\{\s*m\.pager\(")


@pytest.fixture
def backend():
    """SQLite only: the pages' markup, whatever database holds the rows."""
    return "sqlite"


def _pager(page: str) -> str | None:
    found = re.search(r'<nav class="pager".*?</nav>', page, re.S)
    return found.group(0) if found else None


def test_no_template_guards_the_shared_pager_itself():
    guarded = [
        str(path.relative_to(TEMPLATES))
        for path in sorted(TEMPLATES.rglob("*.html"))
        if GUARDED.search(path.read_text(encoding="utf-8"))
    ]
    assert guarded == []


def test_the_check_finds_a_guard():
    assert GUARDED.search("{% if stock.pages > 1 %}{{ m.pager(stock, 'plant.warehouse') }}")
    assert not GUARDED.search("{{ m.pager(stock, 'plant.warehouse') }}")


def test_the_catalog_shows_a_pager_only_for_more_than_one_page(client, login_as, monkeypatch):
    monkeypatch.setattr(catalog_views, "CATALOG_GROUPS", 1)
    list_packs(1, grade="A")
    login_as(Role.BUYER)
    assert _pager(client.get("/market/").get_data(as_text=True)) is None
    list_packs(1, grade="B")  # a second listing: a second page
    pager = _pager(client.get("/market/").get_data(as_text=True))
    assert pager is not None and 'rel="next"' in pager and "1 / 2" in pager
    second = _pager(client.get("/market/?page=2").get_data(as_text=True))
    assert second is not None and 'rel="prev"' in second and 'rel="next"' not in second


def test_past_the_end_of_a_one_page_catalog_the_pager_leads_back(client, login_as, monkeypatch):
    # Before: the catalog's own `pages > 1` guard hid the pager, and its "Previous" link.
    monkeypatch.setattr(catalog_views, "CATALOG_GROUPS", 1)
    list_packs(1)
    login_as(Role.BUYER)
    pager = _pager(client.get("/market/?page=3").get_data(as_text=True))
    assert pager is not None and 'href="/market/?page=2"' in pager


def test_everyones_tokens_show_a_pager_only_for_more_than_one_page(client, login_as, monkeypatch):
    monkeypatch.setattr(api_tokens, "TOKENS_PAGE", 2)
    holder = make_user_as(Role.DEALER_STAFF)
    for n in range(2):
        api_tokens.issue_api_token(holder, name=f"t{n}")
    login_as(Role.ADMIN)
    assert _pager(client.get("/admin/tokens").get_data(as_text=True)) is None
    api_tokens.issue_api_token(holder, name="t2")
    page = client.get("/admin/tokens").get_data(as_text=True)
    pager = _pager(page)
    assert pager is not None and 'rel="next"' in pager
