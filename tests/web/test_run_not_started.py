"""A run that never recorded a start time says so on its page and its live panel, in both
languages, instead of "0 of N s" as if it had searched for no time at all."""

from __future__ import annotations

from datetime import timedelta

import pytest

from lithloop import clock
from lithloop.models import RunStatus
from tests.factories import PlanRunFactory

PANEL = {"HX-Request": "true"}


def _texts(client, run_id: int) -> list[str]:
    """The run page and the live panel, in Chinese then in English."""
    pages = []
    for lang in ("zh", "en"):
        client.set_cookie("lang", lang, domain="lithloop.test")
        base = f"/dispatch/runs/{run_id}"
        for url, headers in ((base, {}), (f"{base}/progress", PANEL)):
            response = client.get(url, headers=headers)
            assert response.status_code == 200
            pages.append(response.get_data(as_text=True))
    return pages


@pytest.mark.parametrize("backend", ["sqlite"])  # the page's words: one backend
def test_a_queued_run_says_it_has_not_started(client, auth):
    run = PlanRunFactory(status=RunStatus.QUEUED, time_limit_s=30, started_at=None)
    auth.login(run.created_by.email)
    zh_page, zh_panel, en_page, en_panel = _texts(client, run.id)
    for page in (zh_page, zh_panel):
        assert "尚未开始（限时 30 秒）" in page
        assert "0 / 30 秒" not in page
    for page in (en_page, en_panel):
        assert "Not started yet, 30 s allowed" in page
        assert "0 of 30 s" not in page


@pytest.mark.parametrize("backend", ["sqlite"])  # the page's words: one backend
def test_a_run_that_ended_without_starting_says_so(client, auth):
    """Cancelled while queued, or a queued run no worker took (shown failed)."""
    cancelled = PlanRunFactory(
        status=RunStatus.CANCELLED, time_limit_s=30, started_at=None, finished_at=clock.now()
    )
    never_taken = PlanRunFactory(
        status=RunStatus.QUEUED,
        time_limit_s=30,
        started_at=None,
        created_at=clock.now() - timedelta(days=1),
    )
    auth.login(cancelled.created_by.email)
    for run in (cancelled, never_taken):
        zh_page, zh_panel, en_page, en_panel = _texts(client, run.id)
        for page in (zh_page, zh_panel):
            assert "未开始即已结束（限时 30 秒）" in page
            assert "0 / 30 秒" not in page and "不到 1 秒即结束" not in page
        for page in (en_page, en_panel):
            assert "Ended without starting, 30 s allowed" in page
            assert "0 of 30 s" not in page and "under a second" not in page


@pytest.mark.parametrize("backend", ["sqlite"])  # the page's words: one backend
def test_a_started_run_still_shows_its_seconds(client, auth):
    run = PlanRunFactory(
        status=RunStatus.RUNNING,
        time_limit_s=30,
        started_at=clock.now() - timedelta(seconds=5),
        heartbeat_at=clock.now(),
    )
    auth.login(run.created_by.email)
    zh_page, _zh_panel, en_page, _en_panel = _texts(client, run.id)
    assert "5 / 30 秒" in zh_page and "尚未开始" not in zh_page
    assert "5 of 30 s" in en_page and "Not started" not in en_page
