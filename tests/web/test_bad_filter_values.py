"""A filter value a page cannot apply (a changed link) is said beside the filter, in both
languages, with what is shown instead, never quietly: the dashboard's year and the audit
log's action (the trace page's organisation: test_government_trace.py). Full-width digits
read as the year. A GET still writes nothing."""

from __future__ import annotations

import pytest

from lithloop.extensions import db
from lithloop.models import Role
from tests.sent_sql import is_write, sent_statements
from tests.web.test_traceability import world  # noqa: F401 - 10 March 2026, handovers


def _get(client, url: str) -> str:
    with sent_statements(client.application, is_write) as writes:
        response = client.get(url)
    assert response.status_code == 200 and writes == []
    return response.get_data(as_text=True)


@pytest.mark.parametrize(
    "year, zh, en",
    [
        ("abc", "abc 不是年份：现显示 2026 年。", "abc is not a year: here is 2026."),
        (
            "99999",
            "数据看板显示 2000 年至 2026 年，没有 99999：现显示 2026 年。",
            "The dashboard shows the years 2000 to 2026, not 99999: here is 2026.",
        ),
        ("1999", "没有 1999", "not 1999: here is 2026"),
    ],
)
def test_a_year_the_dashboard_cannot_show_is_told(client, login_as, world, year, zh, en):  # noqa: F811
    login_as(Role.GOVERNMENT)
    page = _get(client, f"/dashboard/?year={year}")
    assert "<h1>数据看板 2026</h1>" in page and 'id="err-year"' in page and zh in page
    client.get("/lang/en")
    page = _get(client, f"/dashboard/?year={year}")
    assert "<h1>Dashboard 2026</h1>" in page and en in page


def test_full_width_digits_read_as_the_year(client, login_as, world):  # noqa: F811
    login_as(Role.GOVERNMENT)
    page = _get(client, "/dashboard/?year=２０２５")
    assert "<h1>数据看板 2025</h1>" in page and 'id="err-year"' not in page
    assert 'id="err-year"' not in _get(client, "/dashboard/")


def test_an_unknown_audit_action_is_told_and_every_action_shown(client, auth, world):  # noqa: F811
    from lithloop.services.accounts import audit

    audit.record("user.disable", actor=world["admin"], object_type="user", object_id=1)
    db.session.commit()
    auth.login(world["admin"].email)
    page = _get(client, "/admin/audit?action=no.such")
    assert 'id="err-action"' in page and "记录中没有该名称的操作：现显示全部操作。" in page
    assert "尚无记录" not in page  # the entry is listed
    client.get("/lang/en")
    page = _get(client, "/admin/audit?action=no.such")
    assert "No action of that name is on record: showing all actions." in page
    assert 'id="err-action"' not in _get(client, "/admin/audit?action=user.disable")
