"""The audit log: admin actions recorded with who, when, what, request id and address."""

from __future__ import annotations

import re

import sqlalchemy as sa

from lithloop.extensions import db
from lithloop.models import AuditEntry, OrgKind, OrgStatus, Role, User
from lithloop.services.accounts import audit
from lithloop.services.booking import prices as price_service
from tests.conftest import submit
from tests.factories import PASSWORD, make_org, make_user


def entries(action: str) -> list[AuditEntry]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            sa.select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)
        )
    )


def admin_logged_in(auth) -> User:
    admin = make_user(make_org(OrgKind.PARK_OPERATOR), role=Role.ADMIN)
    auth.login(admin.email)
    return admin


def test_approval_and_rejection_are_recorded_with_the_request(client, auth):
    admin = admin_logged_in(auth)
    first = make_org(name="待批网点一", status=OrgStatus.PENDING)
    second = make_org(name="待批网点二", status=OrgStatus.PENDING)
    approved = submit(
        client,
        f"/admin/approvals/{first.id}",
        {"decision": "approve"},
        page="/admin/approvals",
        headers={"X-Request-ID": "req-approve-0001"},
    )
    assert approved.status_code == 302
    submit(client, f"/admin/approvals/{second.id}", {"decision": "reject"}, page="/admin/approvals")
    (entry,) = entries("organisation.approve")
    assert (entry.actor_id, entry.actor_email) == (admin.id, admin.email)
    assert (entry.object_type, entry.object_id) == ("organisation", str(first.id))
    assert entry.details == {"name": "待批网点一", "kind": "dealer_branch"}
    assert entry.request_id == "req-approve-0001" and entry.ip == "127.0.0.1"
    assert entry.created_at.utcoffset().total_seconds() == 0
    (rejected,) = entries("organisation.reject")
    assert rejected.object_id == str(second.id)


def test_price_index_version_is_recorded_with_old_and_new_prices(client, auth):
    price_service.ensure_default_index()
    admin_logged_in(auth)
    old = price_service.current_index().prices["li2co3"].value
    response = submit(
        client,
        "/admin/prices/new",
        {
            "version": "audit-1",
            "effective_date": "2026-11-01",
            "note": "SMM",
            "price_li2co3": "250,000",
            "confirmed": "1",
        },
    )
    assert response.status_code == 302
    (entry,) = entries("price_index.add_version")
    assert entry.object_id == "audit-1"
    assert entry.details["changes"] == {"li2co3": "250000"}
    assert entry.details["previous"] == {"li2co3": str(old)}


def test_a_refused_price_version_leaves_no_entry(client, auth):
    price_service.ensure_default_index()
    admin_logged_in(auth)
    form = {"version": "dup", "effective_date": "2026-11-01", "price_ni": "1", "confirmed": "1"}
    assert submit(client, "/admin/prices/new", form).status_code == 302
    assert submit(client, "/admin/prices/new", form).status_code == 409  # version exists
    assert len(entries("price_index.add_version")) == 1


def test_disable_and_enable_a_user(client, auth, app):
    admin = admin_logged_in(auth)
    user = make_user(make_org(), email="to.disable@example.cn")
    other = app.test_client()
    assert submit(other, "/login", {"email": user.email, "password": PASSWORD}).status_code == 302
    response = submit(
        client, f"/admin/users/{user.id}/enabled", {"enabled": "0"}, page="/admin/users"
    )
    assert response.status_code == 302
    assert other.get("/").status_code == 302  # the open session ends at once
    (entry,) = entries("user.disable")
    assert entry.actor_id == admin.id
    assert entry.details == {"email": "to.disable@example.cn", "reason": ""}
    submit(client, f"/admin/users/{user.id}/enabled", {"enabled": "1"}, page="/admin/users")
    assert len(entries("user.enable")) == 1
    assert db.session.get(User, user.id).enabled
    page = client.get("/admin/audit?action=user.sessions_ended").get_data(as_text=True)
    assert "账户已被停用" in page and "account disabled" not in page  # the reason in words


def test_disabling_a_user_asks_first_and_enabling_does_not(client, auth):
    """Walk finding: "停用" logged an account out at once at one tap (a driver on the road,
    a dispatcher mid-publish), where rejecting a registration asks first."""
    admin_logged_in(auth)
    active = make_user(make_org(), email="still.active@example.cn")
    stopped = make_user(make_org(), email="already.off@example.cn")
    stopped.enabled = False
    db.session.commit()

    def form_of(user) -> str:
        page = client.get("/admin/users").get_data(as_text=True)
        form = page[page.index(f'action="/admin/users/{user.id}/enabled') :]
        return form[: form.index(">")]

    asked = form_of(active)
    assert "data-confirm=" in asked and "停用 still.active@example.cn？" in asked
    assert "data-confirm=" not in form_of(stopped)


def test_admin_cannot_disable_themself(client, auth):
    admin = admin_logged_in(auth)
    response = submit(
        client,
        f"/admin/users/{admin.id}/enabled",
        {"enabled": "0"},
        page="/admin/users",
        follow_redirects=True,
    )
    assert "不能停用自己的账户" in response.get_data(as_text=True)
    assert db.session.get(User, admin.id).enabled and entries("user.disable") == []


def test_audit_page_filters_and_pages(client, auth):
    admin = admin_logged_in(auth)
    for i in range(audit.PAGE_SIZE + 5):
        audit.record("test.bulk", actor=admin, object_type="thing", object_id=i)
    audit.record(
        "test.other",
        actor=None,
        object_type="thing",
        object_id="solo",
        details={"password": "never-shown", "note": "kept"},
    )
    db.session.commit()
    first = client.get("/admin/audit?action=test.bulk").get_data(as_text=True)
    assert first.count("<td>test.bulk</td>") == audit.PAGE_SIZE
    assert "<td>test.other</td>" not in first and "page=2" in first
    second = client.get("/admin/audit?action=test.bulk&page=2").get_data(as_text=True)
    assert second.count("<td>test.bulk</td>") == 5
    everything = client.get("/admin/audit").get_data(as_text=True)
    assert "<td>test.other</td>" in everything and "never-shown" not in everything
    (other,) = entries("test.other")
    assert other.details == {"note": "kept"}


def test_only_admins_read_the_audit_log_and_users(client, auth):
    dispatcher = make_user(make_org(OrgKind.PARK_OPERATOR), role=Role.DISPATCHER)
    auth.login(dispatcher.email)
    assert client.get("/admin/audit").status_code == 403
    assert client.get("/admin/users").status_code == 403
    target = make_user(make_org())
    response = submit(client, f"/admin/users/{target.id}/enabled", {"enabled": "0"}, page="/")
    assert response.status_code == 403


def test_the_log_names_an_organisations_kind_and_a_calendar_year_in_words(client, auth):
    """Walk finding: a bus company's approval showed "类型 bus_company" and "姓名" (a person's
    name) for the organisation's name; a calendar upload showed the code holiday_year."""
    admin = admin_logged_in(auth)
    org = make_org(name="待批公交公司", kind=OrgKind.BUS_COMPANY, status=OrgStatus.PENDING)
    submit(client, f"/admin/approvals/{org.id}", {"decision": "approve"}, page="/admin/approvals")
    audit.record("holiday_calendar.upload", actor=admin, object_type="holiday_year", object_id=2027)
    db.session.commit()
    page = client.get("/admin/audit").get_data(as_text=True)
    assert "bus_company" not in page and "holiday_year" not in page
    assert "公交公司" in page and "机构名称" in page and "节假日日历" in page


def test_the_request_id_is_labelled_in_its_own_column(client, auth):
    """Not an unlabelled hex string under the address: a column 请求编号 (a phone's card
    labels the cell with it)."""
    admin = admin_logged_in(auth)
    pending = make_org(name="待批网点三", status=OrgStatus.PENDING)
    submit(
        client,
        f"/admin/approvals/{pending.id}",
        {"decision": "approve"},
        page="/admin/approvals",
        headers={"X-Request-ID": "0f3a9c0e5b7d4e2a9c1b8d7e6f5a4b3c"},
    )
    body = client.get("/admin/audit").get_data(as_text=True)
    heads = re.findall(r"<th>([^<]*)</th>", body.split("<thead>", 1)[1].split("</thead>", 1)[0])
    assert heads[-2:] == ["来源", "请求编号"]
    row = body.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    assert re.search(
        r"<td>127\.0\.0\.1</td>\s*<td><span [^>]*>0f3a9c0e5b7d4e2a9c1b8d7e6f5a4b3c</span></td>",
        row,
    )  # the last two cells of the row: the address, then the id under its own heading
    assert admin.email in body


def test_disabling_a_user_on_a_later_page_comes_back_to_that_page(client, auth, monkeypatch):
    """Admin walk: disabling someone listed on page 2 went back to page 1, where the admin
    could not see the account just disabled; the list keeps its page (and its search)."""
    from lithloop.services.accounts import user_admin

    monkeypatch.setattr(user_admin, "PAGE_SIZE", 2)
    admin_logged_in(auth)
    org = make_org()
    for n in range(4):
        make_user(org, email=f"user{n}@example.cn")
    page = client.get("/admin/users?q=example.cn&page=2").get_data(as_text=True)
    action = re.search(r'action="(/admin/users/(\d+)/enabled[^"]*)"', page)
    assert action and "page=2" in action.group(1), action
    url = action.group(1).replace("&amp;", "&")
    response = submit(client, url, {"enabled": "0"}, page="/admin/users?q=example.cn&page=2")
    assert response.status_code == 302
    location = response.headers["Location"]
    assert "page=2" in location and "q=example.cn" in location, location
    assert not db.session.get(User, int(action.group(2))).enabled


def test_roles_statuses_and_codes_in_details_read_as_words_in_both_languages(client, auth):
    """Walk finding: a role change read "角色 plant_operator", a colleague's removal "by
    colleague", a failed refund "status failed / failure_reason lost_or_stolen_card" and a
    lockout its UTC ISO time, codes on a Chinese page."""
    from lithloop.services.accounts import park_people

    admin = admin_logged_in(auth)
    person = make_user(admin.organisation, role=Role.DISPATCHER, email="li@park.example")
    park_people.change_role(admin, person.id, "plant_operator")
    removed = make_user(make_org(), email="gone@example.cn")
    audit.record(
        "user.disable",
        actor=admin,
        obj=removed,
        details={"email": removed.email, "by": "colleague", "reason": ""},
    )
    audit.record(
        "order.refund_failed",
        actor=None,
        object_type="order",
        object_id=7,
        details={"status": "failed", "failure_reason": "lost_or_stolen_card", "amount_fen": 100},
    )
    until = "2026-12-07T02:30:00+00:00"
    audit.record("user.locked", actor=None, obj=removed, details={"until": until, "lock": 2})
    db.session.commit()
    zh = client.get("/admin/audit").get_data(as_text=True)
    codes = ("plant_operator", ">dispatcher<", ">colleague<", "lost_or_stolen_card", until)
    for code in (*codes, "<td>order.refund_failed</td>", ">failed<"):
        assert code not in zh, code
    for words in ("工厂操作员", "调度员", "原角色", "同一机构的同事", "退款未成功", "未成功"):
        assert words in zh, words
    assert "该卡已挂失或被盗" in zh and "2026-12-07 10:30" in zh and "锁定至" in zh
    client.get("/lang/en")
    en = client.get("/admin/audit").get_data(as_text=True)
    for code in codes:
        assert code not in en, code
    for words in ("Plant operator", "Dispatcher", "a colleague in the same organisation"):
        assert words in en, words
    assert "Refund did not go through" in en and "the card was reported lost or stolen" in en


def test_a_truck_change_reads_as_the_forms_labels_and_values(client, auth):
    """Walk finding: a truck's change read "payload_kg 8000; tail_lift True; cost_per_km_fen
    350; max_work_s 32400": field names, fen, seconds and True on a Chinese page."""
    admin = admin_logged_in(auth)
    changed = {
        "payload_kg": "8000",
        "tail_lift": "True",
        "cost_per_km_fen": "350",
        "max_work_s": "32400",
        "shift_start": "07:00:00",
        "driver_id": "None",
    }
    details = {"plate": "黑C·12345", "changed": changed}
    audit.record("truck.change", actor=admin, object_type="truck", object_id=3, details=details)
    db.session.commit()
    zh = client.get("/admin/audit").get_data(as_text=True)
    for code in ("payload_kg", "tail_lift", "cost_per_km_fen", "max_work_s", "True", "32400"):
        assert code not in zh, code
    assert "¥3.50" in zh and "07:00" in zh and "07:00:00" not in zh
    client.get("/lang/en")
    en = client.get("/admin/audit").get_data(as_text=True)
    assert "Payload (kg) 8000; Tail lift yes; Per km (yuan) ¥3.50" in en
    assert "Most working hours a day 9; Shift starts 07:00; Regular driver — nobody —" in en


def test_a_truck_change_names_its_driver_and_depot_read_once_for_the_page(client, auth, app):
    """Walk finding: a truck's change showed its driver and depot as #12 and #3."""
    from lithloop.models import Site
    from tests.factories import make_site
    from tests.sent_sql import sent_statements

    admin = admin_logged_in(auth)
    park = admin.organisation
    depots = [make_site(park, name=f"园区{n}号库") for n in range(3)]
    drivers = [make_user(park, role=Role.DRIVER, email=f"d{n}@park.example") for n in range(3)]
    for n, (driver, depot) in enumerate(zip(drivers, depots, strict=True)):
        driver.name = f"司机{n}号"
        changed = {"driver_id": str(driver.id), "depot_site_id": str(depot.id)}
        audit.record(
            "truck.change",
            actor=admin,
            object_type="truck",
            object_id=n,
            details={"changed": changed},
        )
    gone = db.session.get(Site, depots[2].id).id + 1000  # a depot no longer on record
    audit.record(
        "truck.change",
        actor=admin,
        object_type="truck",
        object_id=9,
        details={"changed": {"depot_site_id": str(gone)}},
    )
    db.session.commit()
    client.get("/lang/en")
    with sent_statements(app) as sent:
        en = client.get("/admin/audit").get_data(as_text=True)
    for n in range(3):
        assert f"Regular driver 司机{n}号; Depot 园区{n}号库" in en
    assert "Regular driver #" not in en and en.count("Depot #") == 1
    assert f"Depot #{gone}<" in en  # a gone depot keeps its id rather than nothing
    # the names' statement (the logged-in user's and the actors' loads read "user".name too,
    # quoted as "user" on PostgreSQL only)
    named = [s for s in sent if "nullif(" in s.lower() or re.search(r"\bFROM site\b", s)]
    assert len(named) == 1, named  # one query for every name on the page, not one per row


def test_a_fleet_pack_change_reads_as_its_columns_before_and_after(client, auth):
    """Review finding: a pack's change named only its fields, with the plate and code as
    changed: what it was before appeared nowhere."""
    admin = admin_logged_in(auth)
    values = {"pack_code": ["0Q5PB3AMDJ09918650000634", ""], "soh_pct": ["88.00", "79.50"]}
    details = {"plate": "黑C·12345", "pack_code": "0Q5PB3AMDJ09918650000634", "values": values}
    audit.record(
        "fleet_pack.change", actor=admin, object_type="bus_pack", object_id=3, details=details
    )
    db.session.commit()
    zh = client.get("/admin/audit").get_data(as_text=True)
    assert "车队电池包已修改" in zh and "soh_pct" not in zh and "pack_code" not in zh
    assert "88.00 → 79.50" in zh and "0Q5PB3AMDJ09918650000634 → —" in zh
    client.get("/lang/en")
    en = client.get("/admin/audit").get_data(as_text=True)
    assert "Pack code: 0Q5PB3AMDJ09918650000634 → —; SoH: 88.00 → 79.50" in en
