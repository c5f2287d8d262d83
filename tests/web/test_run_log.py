"""A run's log on the page: lithloop's own lines in words, the engine's notes apart."""

from __future__ import annotations

from flask_babel import force_locale

from lithloop.web.dispatch.run_log import run_log

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
