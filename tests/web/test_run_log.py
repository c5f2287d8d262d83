"""A run's log on the page: lithloop's own lines in words, the engine's notes apart."""

from __future__ import annotations

from flask_babel import force_locale

from lithloop.web.dispatch.run_log import run_log
from tests.web.test_dispatch import day_world  # noqa: F401 (the fixture)

LOG = "\n".join(
    [
        "mode: quick",
        "2026-12-08: 24 bookings (2 carried over), 1 deliveries, 6 trucks, "
        "0 routes kept as they are, 0 under way (their done stops kept)",
        "VROOM (exploration 5) serves 24 in 3.10 s",
        "2026-12-08: solver partial; 3 unassigned",
    ]
)


def test_lithloops_lines_are_told_and_engine_notes_kept_apart(app):
    with app.test_request_context("/"), force_locale("zh_CN"):
        told = run_log(LOG)
    assert told.lines == [
        "搜索：快速",
        "2026-12-08：24 个预约（2 个顺延而来）、1 个送货、6 辆车，0 条路线保持不变，0 条正在执行",
        "2026-12-08：部分站点未能排入；3 个未排入",
    ]
    assert told.engine == ["VROOM (exploration 5) serves 24 in 3.10 s"]


def test_an_empty_log_shows_nothing(app):
    with app.test_request_context("/"), force_locale("en"):
        assert run_log(None).lines == [] and run_log("").engine == []


def _failed_run(world, error: str):
    from lithloop.models import RunStatus
    from tests.factories import PlanRunFactory

    return PlanRunFactory(
        plan_date=world["day"], created_by=world["dispatcher"], status=RunStatus.FAILED, error=error
    )


def _panel(client, run) -> str:
    return client.get(f"/dispatch/runs/{run.id}/progress", headers={"HX-Request": "true"}).get_data(
        as_text=True
    )


def test_a_failed_run_is_told_in_words_and_the_error_kept_for_support(
    client,
    auth,
    day_world,  # noqa: F811
):
    from lithloop.services.dispatch.runs import STALE_ERROR
    from tests.plain_language import untranslated

    auth.login(day_world["dispatcher"].email)
    crashed = _panel(client, _failed_run(day_world, "ValueError: matrix has NaN"))
    alert = crashed[crashed.index('role="alert"') :].split("</p>")[0]
    assert "内部错误" in alert and "ValueError" not in alert and untranslated(alert) == []
    support = crashed[crashed.index("供技术支持") :]
    assert "ValueError: matrix has NaN" in support  # kept, apart, for support
    stale = _panel(client, _failed_run(day_world, STALE_ERROR))
    assert "中途停止" in stale and "heartbeat" not in stale
    down = _panel(client, _failed_run(day_world, "Background workers unreachable (x); run not"))
    assert "无法连接后台进程" in down
    from lithloop.services.dispatch.runs import QUEUED_ERROR

    queued = _panel(client, _failed_run(day_world, QUEUED_ERROR))
    assert "没有后台进程及时接手" in queued and "worker" not in queued.split('role="alert"')[1]


def test_a_run_waiting_for_a_busy_worker_is_not_taken_for_dead(app, day_world):  # noqa: F811
    """Queued runs wait while the workers are busy; only a running run's silence, or a
    queue wait beyond RUN_QUEUED_MAX_S, fails a run."""
    from datetime import timedelta

    from lithloop import clock
    from lithloop.extensions import db
    from lithloop.models import PlanRun, RunStatus
    from lithloop.services.dispatch import runs

    now = clock.now()

    def run(status, created_ago_s, heartbeat_ago_s=None):
        from tests.factories import PlanRunFactory

        beat = None if heartbeat_ago_s is None else now - timedelta(seconds=heartbeat_ago_s)
        return PlanRunFactory(
            plan_date=day_world["day"],
            created_by=day_world["dispatcher"],
            status=status,
            created_at=now - timedelta(seconds=created_ago_s),
            heartbeat_at=beat,
        ).id

    waiting = run(RunStatus.QUEUED, 600)  # ten minutes behind a long run: still waiting
    forgotten = run(RunStatus.QUEUED, 2 * 3600)  # no worker took it in two hours
    silent = run(RunStatus.RUNNING, 700, heartbeat_ago_s=300)  # its worker died
    going = run(RunStatus.RUNNING, 700, heartbeat_ago_s=5)
    assert runs.fail_stale_runs() == 2
    db.session.expire_all()
    status = {i: db.session.get(PlanRun, i) for i in (waiting, forgotten, silent, going)}
    assert status[waiting].status is RunStatus.QUEUED and status[going].status is RunStatus.RUNNING
    assert status[forgotten].error == runs.QUEUED_ERROR
    assert status[silent].error == runs.STALE_ERROR


def test_a_cancelled_run_shows_where_it_stopped_and_no_run_more_than_its_limit(
    app,
    day_world,  # noqa: F811
):
    from datetime import timedelta

    from lithloop import clock
    from lithloop.models import PlanRun, RunStatus
    from lithloop.services.dispatch import run_report

    start = clock.now()

    def ended(status, seconds):
        return PlanRun(
            status=status,
            time_limit_s=60,
            started_at=start,
            finished_at=start + timedelta(seconds=seconds),
        )

    assert run_report.percent(ended(RunStatus.CANCELLED, 15)) == 25  # not 100 %
    assert run_report.percent(ended(RunStatus.SUCCEEDED, 15)) == 100  # a quick run's end
    assert run_report.percent(ended(RunStatus.FAILED, 200)) == 100
    assert run_report.shown_elapsed_s(ended(RunStatus.SUCCEEDED, 61.2)) == 60  # not 61 / 60 s


def test_an_urgent_insertion_is_told_in_words_on_its_run_page(client, auth, day_world):  # noqa: F811
    """The run of an urgent insertion showed its one line, "urgent booking #6 inserted by
    hand", in English among the routing engine's notes on a Chinese page (and its search
    as 充分, thorough): lithloop's own line is told in words, the engine's notes kept apart."""
    import sqlalchemy as sa

    from lithloop.extensions import db
    from lithloop.models import Plan, PlanRun, PlanStatus
    from lithloop.services.dispatch import plan_edit, publishing
    from tests.plain_language import untranslated
    from tests.web.test_dispatch import book_late, run_to_end

    plan = db.session.get(Plan, run_to_end(client, day_world)["plan_id"])
    publishing.publish_plan(day_world["dispatcher"], plan.id, allow_unmanned=True)
    urgent = book_late(day_world, "急件网点", (44.59, 129.62), "300")
    draft = plan_edit.insert_urgent(day_world["dispatcher"], plan.id, urgent.id)
    run = db.session.scalar(sa.select(PlanRun).join(Plan).where(Plan.id == draft.id))
    assert db.session.get(Plan, draft.id).status is PlanStatus.DRAFT
    auth.login(day_world["dispatcher"].email)
    panel = _panel(client, run)
    log = panel.split('<ul class="run-log">')[1].split("</ul>")[0]
    assert f"预约 #{urgent.id} 已手工插入已发布的计划" in log, log
    assert untranslated(log) == [] and "inserted by hand" not in panel
    assert "手工编排" in panel.split("</h2>")[0] and "充分" not in panel.split("</h2>")[0]
    with app_locale(client, "en"):
        english = _panel(client, run)
    assert f"Booking #{urgent.id} inserted by hand into the published plan" in english


class app_locale:
    """The client reads pages in `lang` inside the block (the language switcher's cookie)."""

    def __init__(self, client, lang: str):
        self.client, self.lang = client, lang

    def __enter__(self):
        self.client.get(f"/lang/{self.lang}")

    def __exit__(self, *exc):
        self.client.get("/lang/zh_CN")


def test_an_urgent_line_and_the_notes_after_it_are_told_apart(app):
    with app.test_request_context("/"), force_locale("en"):
        told = run_log("urgent booking #6 inserted by hand\nOSRM unavailable, used haversine")
    assert told.lines == [
        "Booking #6 inserted by hand into the published plan, at its cheapest place; "
        "no other stop moved"
    ]
    assert told.engine == ["OSRM unavailable, used haversine"]
