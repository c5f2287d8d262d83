"""Admins list organisations and suspend or reactivate one with a reason: a suspended
organisation cannot sign in or use its API tokens, its bookings are held from planning,
nothing is deleted, and reactivating restores it."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask_babel import force_locale

from lithloop.extensions import db
from lithloop.models import AuditEntry, Booking, Organisation, OrgKind, OrgStatus, Plan, Role
from lithloop.services.accounts import org_admin
from lithloop.services.dispatch import day_work, plan_edit, publishing
from lithloop.services.errors import Conflict
from tests.conftest import Auth, api_headers, submit
from tests.factories import make_org, make_user
from tests.web.test_dispatch import book_late, day_world, run_to_end  # noqa: F401 (the fixture)

LIST = "/admin/organisations"


def _admin(auth):
    admin = make_user(make_org(OrgKind.PARK_OPERATOR, name="园区运营方"), role=Role.ADMIN)
    auth.login(admin.email)
    auth.client.get("/lang/zh_CN")
    return admin


def _post(client, org_id: int, action: str, reason: str | None):
    data = {"confirmed": "1"} if reason is None else {"confirmed": "1", "reason": reason}
    return submit(client, f"{LIST}/{org_id}/{action}", data, page=LIST)


def _status(org_id: int) -> OrgStatus:
    db.session.expire_all()
    return db.session.get(Organisation, org_id).status


def test_the_page_lists_organisations_with_counts_and_searches(client, auth):
    _admin(auth)
    bus = make_org(OrgKind.BUS_COMPANY, name="牡丹江公交集团")
    make_user(bus), make_user(bus)
    make_org(OrgKind.BUYER, name="储能买家", status=OrgStatus.PENDING)
    page = client.get(LIST).get_data(as_text=True)
    row = page.split("牡丹江公交集团")[1].split("</tr>")[0]
    cells = [c.split("</td>")[0].strip() for c in row.split("<td>")[1:]]
    assert cells[:6] == ["公交公司", "正常", "牡丹江", "2", "0", "0"], cells
    assert "储能买家" in page and "待审核" in page and "已付款的订单也不取消" in page
    found = client.get(LIST, query_string={"q": "公交"}).get_data(as_text=True)
    assert "牡丹江公交集团" in found and "储能买家" not in found
    none = client.get(LIST, query_string={"q": "不存在的机构"}).get_data(as_text=True)
    assert "没有符合条件的机构。" in none


def _full_width(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


@pytest.mark.parametrize(
    ("list_url", "typed"),
    [
        (LIST, lambda admin: "牡丹江\u200b公交"),  # a zero-width space pasted with it
        (LIST, lambda admin: "\u202e公交"),  # a direction mark
        ("/admin/users", lambda admin: _full_width(admin.email) + "\u200d"),  # full-width
    ],
)
def test_a_search_pasted_with_invisible_or_full_width_characters_finds_the_same(
    client, auth, list_url, typed
):
    """Walk finding: a name pasted with a zero-width space, or an e-mail typed in full-width
    letters, found nothing, though the same visible text typed plainly finds it."""
    admin = _admin(auth)
    make_org(OrgKind.BUS_COMPANY, name="牡丹江公交集团")
    page = client.get(list_url, query_string={"q": typed(admin)}).get_data(as_text=True)
    listed = page.split('name="q"')[1]
    assert "没有符合条件的" not in listed
    assert ("牡丹江公交集团" if list_url == LIST else admin.email) in listed


def test_suspending_asks_for_a_reason(client, auth):
    _admin(auth)
    org = make_org(name="无理由网点")
    asked = submit(client, f"{LIST}/{org.id}/suspend", {}, page=LIST)
    assert asked.status_code == 200 and 'name="reason"' in asked.get_data(as_text=True)
    refused = _post(client, org.id, "suspend", "  ")
    body = refused.get_data(as_text=True)
    assert refused.status_code == 422 and 'id="reason-err"' in body and "请填写原因。" in body
    assert _status(org.id) is OrgStatus.ACTIVE
    assert not db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.action == "organisation.suspend")
    ).all()


def test_a_suspended_organisation_cannot_sign_in_or_use_tokens_until_reactivated(client, app):
    org = make_org(name="被暂停的网点")
    user = make_user(org)
    headers = api_headers(client, user)
    assert client.get("/api/v1/bookings", headers=headers).status_code == 200
    admin_client = app.test_client()
    _admin(Auth(admin_client))
    done = _post(admin_client, org.id, "suspend", "合同到期未续")
    assert done.status_code == 302 and _status(org.id) is OrgStatus.SUSPENDED
    (entry,) = db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.action == "organisation.suspend")
    )
    assert entry.details["reason"] == "合同到期未续" and entry.object_id == str(org.id)
    assert client.get("/api/v1/bookings", headers=headers).status_code == 401
    client.get("/lang/zh_CN")
    login = Auth(client).login(user.email)
    assert login.status_code == 401
    assert "您的机构已被产业园暂停" in login.get_data(as_text=True)
    assert _post(admin_client, org.id, "reactivate", "").status_code == 422
    assert _post(admin_client, org.id, "reactivate", "已续签").status_code == 302
    assert _status(org.id) is OrgStatus.ACTIVE
    assert client.get("/api/v1/bookings", headers=headers).status_code == 200
    assert Auth(client).login(user.email).status_code == 302


def test_a_suspended_organisations_bookings_are_held_from_a_run(client, day_world):  # noqa: F811
    admin = make_user(make_org(OrgKind.PARK_OPERATOR, name="园区运营方"), role=Role.ADMIN)
    held = book_late(day_world, "暂停的网点", (44.59, 129.62), "300")
    org_admin.set_suspended(admin, held.organisation_id, suspend=True, reason="审计中")
    assert held.id not in {b.id for b in day_work.due_bookings(day_world["day"])}
    plan = db.session.get(Plan, run_to_end(client, day_world)["plan_id"])
    planned = {s.booking_id for r in plan.routes for s in r.stops}
    planned |= {u.booking_id for u in plan.unassigned}
    assert held.id not in planned and set(day_world["bookings"]) <= planned
    Auth(client).login(day_world["dispatcher"].email)
    client.get("/lang/zh_CN")
    page = client.get(f"/dispatch/?date={day_world['day'].isoformat()}").get_data(as_text=True)
    listed = page.split('id="held-bookings">')[1].split("</ul>")[0]
    assert f"#{held.id} " in listed and "暂停的网点" in listed and "已暂停" in listed
    publishing.publish_plan(day_world["dispatcher"], plan.id, allow_unmanned=True)
    with pytest.raises(Conflict) as refused:
        plan_edit.insert_urgent(day_world["dispatcher"], plan.id, held.id)
    assert refused.value.code == "org_not_approved"
    with force_locale("zh_CN"):
        assert "已被产业园暂停" in str(refused.value.message)
    org_admin.set_suspended(admin, held.organisation_id, suspend=False, reason="审计结束")
    assert held.id in {b.id for b in day_work.due_bookings(day_world["day"])}
    assert db.session.get(Booking, held.id).status.value == "requested"  # nothing was changed


def test_only_admins_list_or_suspend(client, login_as):
    org = make_org(name="他人的网点")
    login_as(Role.DISPATCHER)
    assert client.get(LIST).status_code == 403
    token = client.get("/").get_data(as_text=True).split('name="csrf_token" value="')[1]
    token = token.split('"')[0]
    post = {"confirmed": "1", "reason": "x", "csrf_token": token}
    assert client.post(f"{LIST}/{org.id}/suspend", data=post).status_code == 403
    assert _status(org.id) is OrgStatus.ACTIVE


@pytest.mark.parametrize("reason", ["\u202e付款逾期", "\u200b\u200b", "\u2067原因\u2069"])
def test_a_reason_that_reads_wrongly_or_looks_empty_is_refused_beside_it(client, auth, reason):
    _admin(auth)
    org = make_org(name="方向控制网点")
    refused = _post(client, org.id, "suspend", reason)
    body = refused.get_data(as_text=True)
    assert refused.status_code == 422 and 'id="reason-err"' in body
    assert _status(org.id) is OrgStatus.ACTIVE
    assert not db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.action == "organisation.suspend")
    ).all()


def test_the_city_reads_in_english_on_an_english_page(client, auth):
    """Walk finding: the organisations list, the suspend page and the approvals list showed
    the city as stored ("七台河市") on English pages, where the rest of the platform says
    "Qitaihe"."""
    _admin(auth)
    client.get("/lang/en")
    org = make_org(name="Qitaihe branch")
    waiting = make_org(OrgKind.DEALER_BRANCH, name="Waiting branch", status=OrgStatus.PENDING)
    org.city = waiting.city = "七台河市"
    db.session.commit()
    listed = client.get(LIST, query_string={"q": "branch"}).get_data(as_text=True)
    asked = submit(client, f"{LIST}/{org.id}/suspend", {}, page=LIST).get_data(as_text=True)
    approvals = client.get("/admin/approvals").get_data(as_text=True)
    for page in (listed, asked, approvals):
        assert "Qitaihe" in page.split("<main")[-1] and "七台河" not in page


def test_a_waiting_registration_shows_the_phone_it_gave(client, auth):
    """Walk finding: the approvals page showed the kind, the city and the people of a
    registration, not the phone number it gave: the admin deciding had no number to call."""
    _admin(auth)
    org = make_org(OrgKind.BUS_COMPANY, name="待审公交", status=OrgStatus.PENDING)
    org.phone = "0453-6123456"
    db.session.commit()
    page = client.get("/admin/approvals").get_data(as_text=True)
    assert '<a href="tel:0453-6123456">0453-6123456</a>' in page.split("待审公交")[1]


def test_a_search_reads_underscore_and_percent_as_typed(client, auth):
    """Walk finding: the admin's searches put the typed text into LIKE as it was: "_" matched
    any character and "%" anything, so searching "li_wei" listed "lixwei" too and "%" listed
    every organisation and user."""
    _admin(auth)
    make_org(name="Li_Wei recycling")
    make_org(name="Lixwei recycling")
    make_user(make_org(name="Other branch"), email="li_wei@example.com")
    make_user(make_org(name="Third branch"), email="lixwei@example.com")
    orgs = client.get(LIST, query_string={"q": "li_wei"}).get_data(as_text=True)
    assert "Li_Wei recycling" in orgs and "Lixwei recycling" not in orgs
    percent = client.get(LIST, query_string={"q": "%"}).get_data(as_text=True)
    assert "没有符合条件的机构。" in percent
    users = client.get("/admin/users", query_string={"q": "li_wei"}).get_data(as_text=True)
    assert "li_wei@example.com" in users and "lixwei@example.com" not in users


def _waiting(name: str):
    org = make_org(OrgKind.DEALER_BRANCH, name=name, status=OrgStatus.PENDING)
    user = make_user(org, email=f"{org.id}@waiting.example.com")
    user.locale = "zh_CN"
    db.session.commit()
    return org, user


def _mail_to(email: str) -> str:
    from lithloop.models import OutboxMessage

    query = sa.select(OutboxMessage.body).where(OutboxMessage.recipient == email)
    return db.session.scalars(query.order_by(OutboxMessage.id.desc())).first()


def test_a_rejection_tells_the_reason_the_admin_gave(client, auth):
    """Walk finding: a registration could only be rejected bare: its people were mailed "not
    approved … register again with the details corrected", never which details."""
    _admin(auth)
    org, user = _waiting("缺执照网点")
    why = "缺少营业执照，请补充后重新注册。"
    done = submit(client, f"/admin/approvals/{org.id}", {"decision": "reject", "reason": why})
    assert done.status_code == 302 and _status(org.id) is OrgStatus.REJECTED
    assert f"原因：{why}" in _mail_to(user.email)
    entry = db.session.scalar(
        sa.select(AuditEntry).where(AuditEntry.action == "organisation.reject")
    )
    assert entry.details["reason"] == why
    bare, bare_user = _waiting("第二网点")
    submit(client, f"/admin/approvals/{bare.id}", {"decision": "reject"})
    assert _status(bare.id) is OrgStatus.REJECTED and "原因：" not in _mail_to(bare_user.email)


def test_a_rejection_reason_that_reads_wrongly_is_refused_beside_it(client, auth):
    _admin(auth)
    org, user = _waiting("方向网点")
    typed = "\u202e资料不全"
    refused = submit(client, f"/admin/approvals/{org.id}", {"decision": "reject", "reason": typed})
    page = refused.get_data(as_text=True)
    assert refused.status_code == 422 and f'id="reason-{org.id}-err"' in page
    assert typed in page.split(f'id="reason-{org.id}"')[1].split("</textarea>")[0]  # as typed
    assert _status(org.id) is OrgStatus.PENDING and _mail_to(user.email) is None
