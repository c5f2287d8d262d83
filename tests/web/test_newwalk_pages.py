"""Defects found walking the platform as a new organisation and a new buyer: each test
fails without its fix."""

from __future__ import annotations

from tests.conftest import submit
from tests.web.test_auth import confirm, registration


def test_a_buyer_who_registered_is_not_listed_as_invited_on_its_company_page(client):
    """A buyer confirming its address is logged in at once, and its company page listed it
    with the "invited" tag of a colleague who has not chosen a password yet."""
    submit(client, "/register", registration())
    assert confirm(client, "li.ming@example.com").status_code == 302
    page = client.get("/market/company").get_data(as_text=True)
    mine = page.split("li.ming@example.com", 1)[1].split("</li>", 1)[0]
    assert 'class="tag"' not in mine, mine
