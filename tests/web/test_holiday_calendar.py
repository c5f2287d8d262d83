"""The holiday calendar kept by an admin: upload checks, warnings, provisional deadlines."""

from __future__ import annotations

import csv
import html
import io
import json
import re
from datetime import date

import pytest
import sqlalchemy as sa

from lithloop.extensions import db
from lithloop.models import HolidayYear, PackEvent, Role
from lithloop.services.packs import holiday_calendar, traceability
from tests.conftest import api_headers, freeze_clock, submit
from tests.factories import make_park, make_user
from tests.pack_builders import make_pack, utc

# A made-up 2027 schedule for the tests (NOT the State Council's: not published yet).
TEST_2027 = {
    "_source": "test schedule",
    "2027": {
        "off": ["2027-01-01", "2027-02-05/2027-02-11", "2027-10-01/2027-10-07"],
        "work": ["2027-02-13"],
    },
}


def _json(data: dict) -> tuple[io.BytesIO, str]:
    return io.BytesIO(json.dumps(data).encode()), "2027.json"


@pytest.fixture
def world(app, monkeypatch):
    freeze_clock(monkeypatch, utc(2026, 12, 20, 2))  # Sunday 20 December 2026, Beijing
    park = make_park()
    admin = make_user(park, role=Role.ADMIN)
    plant = make_user(park, role=Role.PLANT_OPERATOR)
    # received Fri 18 Dec 2026: 15 working days end in January 2027, not covered yet
    pack = make_pack(plant, received_at=utc(2026, 12, 18, 2))
    early = make_pack(plant, received_at=utc(2026, 11, 2, 2))  # due in November: covered
    return {"admin": admin, "plant": plant, "event": pack.events[0].id, "early": early.events[0].id}


def _upload(client, auth, world, data=None, **form):
    auth.login(world["admin"].email)
    client.get("/lang/en")
    fields = {"year": "2027", "source": "", "file": _json(TEST_2027 if data is None else data)}
    fields.update(
        {k: (io.BytesIO(v[0]), v[1]) if isinstance(v, tuple) else v for k, v in form.items()}
    )  # a fresh stream per request
    return submit(client, "/admin/calendar/", fields, content_type="multipart/form-data")


def test_a_deadline_across_an_uncovered_year_is_provisional_everywhere(client, auth, world):
    event = db.session.get(PackEvent, world["event"])
    assert event.report_due == date(2027, 1, 8)  # Mon-Fri only: 1 Jan 2027 not known as off
    assert holiday_calendar.event_provisional(event)
    assert not holiday_calendar.event_provisional(db.session.get(PackEvent, world["early"]))
    auth.login(world["admin"].email)
    client.get("/lang/en")
    page = client.get("/trace/").get_data(as_text=True)
    assert page.count("badge provisional") == 1
    rows = list(
        csv.reader(
            io.StringIO(client.get("/trace/handovers.csv").get_data(as_text=True).lstrip("\ufeff"))
        )
    )
    status = {r[-2]: r[-1] for r in rows[1:]}
    assert rows[0][-1] == "report_due_status" and status["2027-01-08"] == "暂定 provisional"
    assert set(status.values()) == {"暂定 provisional", ""}
    passport = client.get(f"/plant/packs/{event.pack_id}").get_data(as_text=True)
    assert "badge provisional" in passport
    body = client.get(
        "/api/v1/traceability/due", headers=api_headers(client, world["admin"])
    ).get_json()
    flags = {
        h["report_due"]: h["report_due_provisional"]
        for group in ("overdue", "due_soon", "later")
        for h in body[group]
    }
    assert flags == {"2027-01-08": True, "2026-11-23": False}


def test_uploading_next_year_stores_it_with_its_source_and_recounts_deadlines(client, auth, world):
    response = _upload(client, auth, world, source="国务院办公厅 test notice")
    assert response.status_code == 302
    row = db.session.get(HolidayYear, 2027)
    assert row.source == "国务院办公厅 test notice" and row.uploaded_by_id == world["admin"].id
    event = db.session.get(PackEvent, world["event"])
    db.session.refresh(event)
    assert event.report_due == date(2027, 1, 11)  # 1 January 2027 is now a day off
    assert not holiday_calendar.event_provisional(event)
    page = client.get("/trace/").get_data(as_text=True)
    assert "badge provisional" not in page


@pytest.mark.parametrize(
    ("data", "form", "field", "message"),
    [
        (
            {"2027": {"off": ["2027-02-05/2027-02-11", "2028-01-01"]}},
            {},
            "file",
            "2028-01-01 is not in the chosen year",
        ),
        (
            {"2027": {"off": ["2027-02-05/2027-02-11"], "work": ["2027-02-06"]}},
            {},
            "file",
            "2027-02-06 is listed both as a day off and as a working day",
        ),
        (
            {"2027": {"off": ["2027-01-01", "2027-10-01/2027-10-07"]}},
            {},
            "file",
            "No Spring Festival",
        ),
        ({"2026": TEST_2027["2027"]}, {}, "file", "must hold exactly the chosen year"),
        ({"2027": {"off": ["2027-02-05/2027-02-11"]}}, {}, "source", "Name the source"),
        (None, {"year": "2031"}, "year", "The year must be between"),
        (  # walk finding: a longer source was stored cut to 500 characters
            None,
            {"source": "国" * 501},
            "source",
            "at most 500 characters; this has 501",
        ),
        (
            None,
            {"file": (b"day,what\n2027-02-05,off\n", "x.csv")},
            "file",
            "header line: date,kind",
        ),
        (  # walk finding: the limit read "65536 bytes", ungrouped
            None,
            {"file": (b"date,kind\n" + b" " * 70_000, "x.csv")},
            "file",
            "larger than 65,536 bytes",
        ),
    ],
)
def test_a_bad_schedule_is_refused_beside_its_field_and_nothing_is_stored(
    client, auth, world, data, form, field, message
):
    before = db.session.get(PackEvent, world["event"]).report_due
    response = _upload(client, auth, world, data, **form)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f'id="{field}-err"' in page and message in page
    assert db.session.scalar(sa.select(HolidayYear).where(HolidayYear.year == 2027)) is None
    db.session.expire_all()
    assert db.session.get(PackEvent, world["event"]).report_due == before


def test_several_problems_are_joined_the_chinese_way_on_a_chinese_page(client, auth, world):
    """Walk finding: two problems of one file were joined by "; " after each sentence's full
    stop ("…work。; 第 3 行…", "…work.; Line 3…")."""
    auth.login(world["admin"].email)
    text = b"date,kind\n2027-01-01,x\n2027-01-02,y\n"
    fields = {"year": "2027", "source": "test", "file": (io.BytesIO(text), "2027.csv")}
    page = submit(client, "/admin/calendar/", fields, content_type="multipart/form-data")
    error = re.search(r'<p class="error" id="file-err">(.*?)</p>', page.get_data(as_text=True))
    assert page.status_code == 422
    assert error.group(1) == "第 2 行：kind 必须为 off 或 work。第 3 行：kind 必须为 off 或 work。"


def test_a_csv_schedule_is_accepted(client, auth, world):
    text = "date,kind\n2027-01-01,off\n2027-02-05/2027-02-11,放假\n2027-02-13,work\n"
    response = _upload(client, auth, world, source="test notice", file=(text.encode(), "2027.csv"))
    assert response.status_code == 302
    row = db.session.get(HolidayYear, 2027)
    assert row.off == ["2027-01-01", "2027-02-05/2027-02-11"] and row.work == ["2027-02-13"]


def test_only_an_admin_uploads(client, auth, world):
    auth.login(world["plant"].email)
    assert client.get("/admin/calendar/").status_code == 403


@pytest.mark.parametrize(
    ("moment", "warned"),
    [
        (utc(2026, 10, 31, 12), None),  # 31 October, 20:00 in Beijing
        (utc(2026, 10, 31, 16), 2027),  # 1 November, 00:00 in Beijing
    ],
)
def test_dashboard_warns_from_the_first_of_november(
    client, auth, world, monkeypatch, moment, warned
):
    freeze_clock(monkeypatch, moment)
    assert holiday_calendar.missing_year() == warned
    auth.login(world["admin"].email)
    client.get("/lang/en")
    page = client.get("/dashboard/").get_data(as_text=True)
    assert ('id="warn-calendar"' in page) is (warned is not None)


def test_the_warning_ends_when_the_year_is_uploaded(client, auth, world):
    assert _upload(client, auth, world, source="test").status_code == 302
    assert holiday_calendar.missing_year() is None
    assert 'id="warn-calendar"' not in client.get("/dashboard/").get_data(as_text=True)


def test_due_groups_still_work_with_a_provisional_deadline(world):
    assert traceability.due_groups().total == 2


def test_a_source_of_500_characters_is_stored_whole(client, auth, world):
    assert _upload(client, auth, world, source="国" * 500).status_code == 302
    assert db.session.get(HolidayYear, 2027).source == "国" * 500


@pytest.mark.parametrize(
    ("content", "said"),
    [
        (b"[" * 5000, '{"2027": {"off": ["2027-01-01"'),  # was a 500 (the parser's recursion)
        (b'{"2027": [1]}', '{"2027": {"off": ["2027-01-01"'),  # was "2027 is not an object"
        (b'{"2027":\n {"off": [,]}}', "第 2 行第 11 列"),  # was "Expecting value: line 2 ..."
    ],
)
def test_an_unreadable_json_schedule_is_explained_in_the_readers_language(
    client, auth, world, content, said
):
    auth.login(world["admin"].email)
    fields = {"year": "2027", "source": "test", "file": (io.BytesIO(content), "2027.json")}
    page = submit(client, "/admin/calendar/", fields, content_type="multipart/form-data")
    error = re.search(r'<p class="error" id="file-err">(.*?)</p>', page.get_data(as_text=True))
    assert page.status_code == 422 and said in html.unescape(error.group(1))
    assert not re.search(r"Expecting|not an object|not a list|line|column", error.group(1))
    assert db.session.scalar(sa.select(HolidayYear).where(HolidayYear.year == 2027)) is None


def test_the_upload_form_shows_the_formats_not_a_file_of_the_source_tree(client, auth, world):
    """Walk finding: the form's hint read "JSON as lithloop/data/cn_holidays.json", a path in
    the platform's source that an admin in a browser cannot open."""
    auth.login(world["admin"].email)
    client.get("/lang/zh_CN")
    page = html.unescape(client.get("/admin/calendar/").get_data(as_text=True))
    assert "lithloop/data" not in page and "cn_holidays.json" not in page
    assert "2027-10-01/2027-10-07,off" in page and '{"2027": {"off": [' in page
    assert "调休上班" in page
