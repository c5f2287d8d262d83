"""An unnamed API token on the account page and the administrator's review: no space after
（未命名） (full-width brackets carry their own), and its revoke question names no （未命名）
in brackets beside the prefix's brackets; English keeps its space."""

from __future__ import annotations

import re

from lithloop.models import OrgKind, Role
from lithloop.services.accounts import api_tokens
from tests.conftest import Auth
from tests.factories import make_org, make_user


def spaced_after(page: str) -> list[str]:
    """Each space (or line break) right after a full-width closing bracket, in text."""
    text = re.sub(r"<[^>]+>", "", page)
    return [text[m.start() - 15 : m.end() + 15] for m in re.finditer(r"）\s", text)]


def _unnamed_token_pages(client) -> tuple[str, dict[str, str]]:
    holder = make_user(make_org())
    token = api_tokens.issue_api_token(holder, name="")
    admin = make_user(make_org(OrgKind.PARK_OPERATOR), role=Role.ADMIN)
    pages = {}
    for user, url in ((holder, "/account"), (admin, "/admin/tokens")):
        Auth(client).login(user.email)
        pages[url] = client.get(url).get_data(as_text=True)
        Auth(client).logout()
    return token[:8], pages


def test_no_space_after_the_unnamed_tokens_bracket(app, client):
    _prefix, pages = _unnamed_token_pages(client)
    for url, page in pages.items():
        assert "（未命名）<code>" in page.replace("<strong>", "").replace("</strong>", ""), url
        assert spaced_after(page) == [], (url, spaced_after(page))
        assert "吊销未命名的 API 令牌（" in page and "令牌 （未命名）" not in page, url


def test_english_keeps_the_space_after_no_name(app, client):
    client.get("/lang/en")
    _prefix, pages = _unnamed_token_pages(client)
    for url, page in pages.items():
        text = page.replace("<strong>", "").replace("</strong>", "")
        assert "(no name) <code>" in text, url
        assert "Revoke the unnamed API token (" in page, url
