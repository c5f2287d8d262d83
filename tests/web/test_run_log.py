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
    from lithloop.extensions import db
    from lithloop.models import PlanRun, RunStatus

    run = PlanRun(
        plan_date=world["day"],
        time_limit_s=5,
        created_by=world["dispatcher"],
        horizon_days=1,
        runner="thread",
        progress=[],
        log="",
        status=RunStatus.FAILED,
        error=error,
    )
    db.session.add(run)
    db.session.commit()
    return run


def _panel(client, run) -> str:
    return client.get(f"/dispatch/runs/{run.id}/progress").get_data(as_text=True)


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
