"""A page number past the last page says so and links to the last page; it never claims
the list is empty beside a count of its rows."""

from __future__ import annotations

import re

from lithloop.extensions import db
from lithloop.models import OrgKind, Role
from lithloop.services.accounts import audit
from tests.factories import PASSWORD, make_org, make_site, make_user


def past_last(body: str) -> str | None:
    """The link of the 'past the last page' notice, or None."""
    match = re.search(r'<p class="empty past-last">.*?href="([^"]+)"', body, re.S)
    return match.group(1).replace("&amp;", "&") if match else None


def test_users_past_the_last_page_link_to_it(client, auth):
    park = make_org(OrgKind.PARK_OPERATOR)
    admin = make_user(park, role=Role.ADMIN)
    for _ in range(42):
        make_user(park, role=Role.DISPATCHER)
    auth.login(admin.email, PASSWORD)
    body = client.get("/admin/users?page=99999").get_data(as_text=True)
    assert "没有符合条件的用户" not in body and "43" in body
    assert "第 99999 页超出了最后一页" in body
    assert re.fullmatch(r"/admin/users\?page=1(&q=)?", past_last(body))
    searched = client.get("/admin/users?page=7&q=nobody-at-all").get_data(as_text=True)
    assert "没有符合条件的用户" in searched and past_last(searched) is None  # truly none


def test_sites_and_the_audit_log_share_it(client, auth):
    dealer_org = make_org()
    make_site(dealer_org)
    dealer = make_user(dealer_org)
    auth.login(dealer.email, PASSWORD)
    body = client.get("/sites/?page=5").get_data(as_text=True)
    assert past_last(body) == "/sites/?page=1" and "还没有网点" not in body
    auth.logout()
    admin = make_user(make_org(OrgKind.PARK_OPERATOR), role=Role.ADMIN)
    audit.record("user.disable", actor=admin, object_type="user", object_id=dealer.id)
    db.session.commit()
    auth.login(admin.email, PASSWORD)
    log = client.get("/admin/audit?page=40").get_data(as_text=True)
    assert re.fullmatch(r"/admin/audit\?page=1(&action=)?", past_last(log))
    assert "第 40 页超出了最后一页" in log and "尚无记录" not in log
    first = client.get("/admin/audit").get_data(as_text=True)
    assert past_last(first) is None


def test_uncounted_lists_link_past_the_end_to_their_last_page(client, auth, monkeypatch):
    """The audit log, the admins' token review and the settlements read one row more than a
    page instead of counting; past their end they count once and link to their last page,
    as the counted lists do, not to the first."""
    from lithloop.services.accounts import api_tokens

    monkeypatch.setattr(audit, "PAGE_SIZE", 2)
    monkeypatch.setattr(api_tokens, "TOKENS_PAGE", 2)
    admin = make_user(make_org(OrgKind.PARK_OPERATOR), role=Role.ADMIN)
    for n in range(5):  # 10 entries (each issue is one too): 5 pages; 3 pages of tokens
        audit.record("user.disable", actor=admin, object_type="user", object_id=n)
        api_tokens.issue_api_token(admin, f"t{n}")
    db.session.commit()
    auth.login(admin.email, PASSWORD)
    log = client.get("/admin/audit?page=40").get_data(as_text=True)
    assert re.fullmatch(r"/admin/audit\?page=5(&action=)?", past_last(log))
    assert "第 40 页超出了最后一页" in log and "前往最后一页（第 5 页）" in log
    assert past_last(client.get("/admin/audit?page=5").get_data(as_text=True)) is None
    filtered = client.get("/admin/audit?page=9&action=api_token.issue").get_data(as_text=True)
    assert past_last(filtered) == "/admin/audit?page=3&action=api_token.issue"
    tokens = client.get("/admin/tokens?page=7").get_data(as_text=True)
    assert past_last(tokens) == "/admin/tokens?page=3"
    # an action none is recorded under (a changed link) is said beside the filter, and the
    # list is every action's, its last page linked as above
    unknown = client.get("/admin/audit?page=40&action=no.such").get_data(as_text=True)
    assert re.fullmatch(r"/admin/audit\?page=5(&action=)?", past_last(unknown))
    assert 'id="err-action"' in unknown and "记录中没有该名称的操作" in unknown
    settlements = client.get("/settlements/?page=6").get_data(as_text=True)
    assert past_last(settlements) is None and "尚无结算" in settlements


def test_a_warehouse_past_its_last_page_links_to_it_and_an_empty_one_says_so(client, auth):
    """The warehouse list counts its packs for its totals: its page is paging.counted, so a
    page past the end links to the last page and an empty warehouse says it is empty."""
    from lithloop.models import PackState
    from tests.plant_world import make_pack, plant_world

    world = plant_world()
    make_pack(world["plant"], PackState.RAW)
    auth.login(world["plant"].email, PASSWORD)
    past = client.get("/plant/warehouses/raw?page=3").get_data(as_text=True)
    assert "第 3 页超出了最后一页" in past
    assert past_last(past).startswith("/plant/warehouses/raw?page=1")
    first = client.get("/plant/warehouses/raw").get_data(as_text=True)
    assert past_last(first) is None and 'class="pager"' not in first
    empty = client.get("/plant/warehouses/finished?page=2").get_data(as_text=True)
    assert past_last(empty) is None and '<p class="empty">' in empty
