"""The approvals page (organisations waiting) is paged like /admin/organisations: a pager,
a bad page number read as page 1, past the end a link to the last page, and a decision
taken on page 2 returns to page 2."""

from __future__ import annotations

import pytest

from lithloop.models import OrgKind, OrgStatus, Role
from lithloop.services.accounts import approvals
from tests.conftest import submit
from tests.factories import PASSWORD, make_org, make_user
from tests.web.test_page_past_last import past_last

URL = "/admin/approvals"


@pytest.fixture
def three_waiting(client, auth, monkeypatch):
    """Three organisations waiting (two a page), an admin signed in, in Chinese."""
    monkeypatch.setattr(approvals, "PAGE_SIZE", 2)
    waiting = [
        make_org(OrgKind.BUYER, name=f"待审核机构{n}", status=OrgStatus.PENDING) for n in (1, 2, 3)
    ]
    for org in waiting:
        make_user(org, email=f"waiting{org.id}@example.com")
    admin = make_user(make_org(OrgKind.PARK_OPERATOR), role=Role.ADMIN)
    auth.login(admin.email, PASSWORD)
    client.get("/lang/zh_CN")
    return waiting


def test_page_two_shows_the_rest_with_a_link_back(client, three_waiting):
    first = client.get(URL).get_data(as_text=True)
    assert "待审核机构1" in first and "待审核机构2" in first and "待审核机构3" not in first
    assert f'href="{URL}?page=2" rel="next"' in first and 'rel="prev"' not in first
    second = client.get(URL, query_string={"page": "2"}).get_data(as_text=True)
    assert "待审核机构3" in second and "待审核机构1" not in second
    assert f"waiting{three_waiting[2].id}@example.com" in second  # its users are listed
    assert f'href="{URL}?page=1" rel="prev"' in second
    assert 'rel="next"' not in second and past_last(second) is None


@pytest.mark.parametrize("page", ["abc", "0", "-3", "²", "9" * 30])
def test_a_bad_page_number_is_read_as_the_first_page(client, three_waiting, page):
    response = client.get(URL, query_string={"page": page})
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "待审核机构1" in body and "待审核机构3" not in body


def test_past_the_end_links_to_the_last_page(client, three_waiting):
    body = client.get(URL, query_string={"page": "7"}).get_data(as_text=True)
    assert "第 7 页超出了最后一页。" in body and "前往最后一页（第 2 页）" in body
    assert past_last(body) == f"{URL}?page=2" and "没有待审核的机构。" not in body


def test_a_decision_on_page_two_returns_to_page_two(client, three_waiting):
    org = three_waiting[2]
    decided = submit(
        client, f"{URL}/{org.id}?page=2", {"decision": "approve"}, page=f"{URL}?page=2"
    )
    assert decided.status_code == 302 and decided.headers["Location"].endswith(f"{URL}?page=2")


def test_one_page_of_organisations_waiting_has_no_pager(client, three_waiting, monkeypatch):
    """Walk finding: a lone "1" pager under the approvals page's only page."""
    monkeypatch.setattr(approvals, "PAGE_SIZE", 10)
    page = client.get(URL).get_data(as_text=True)
    assert "待审核机构3" in page and 'class="pager"' not in page
