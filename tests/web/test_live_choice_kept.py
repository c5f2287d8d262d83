"""The live panel's answers to an exception (re-plan, move to a day) are kept as they are
while htmx fetches the panel again every 5 s: the day a dispatcher chose was set back to
the first one before they pressed "move", so the stop went to the wrong day. A new
exception at the stop, or other days to choose from, bring new forms."""

from __future__ import annotations

import re

from lithloop.extensions import db
from lithloop.models import PlanRoute
from tests import worlds
from tests.web.test_driver import post, stops
from tests.web.test_second_exception import _live

world = worlds.published_route


def _actions(panel: str, stop_id: int) -> re.Match:
    found = re.search(
        rf'<div class="exception-actions" id="(act-{stop_id}-[^"]+)" hx-preserve="true">'
        r"(.*?)</div>",
        panel,
        re.S,
    )
    assert found, panel[:3000]
    return found


def test_the_answers_to_an_exception_are_kept_across_the_panels_refresh(client, auth, world):
    auth.login(world["driver"].email)
    stop = stops(world)[1]
    assert (
        post(client, stop, "exception", {"reason": "closed", "note": "门卫说明天再来"}).status_code
        == 302
    )
    plan_id = db.session.get(PlanRoute, world["route_id"]).plan_id
    first = _actions(_live(client, auth, world["dispatcher"], plan_id), stop.id)
    again = _actions(_live(client, auth, world["dispatcher"], plan_id), stop.id)
    assert first.group(1) == again.group(1)  # the same element: the browser keeps its own
    assert 'name="date"' in first.group(2) and "<select" in first.group(2)
    assert "/dispatch/runs" in first.group(2)  # the re-plan is kept too
    auth.logout()
    auth.login(world["driver"].email)
    assert (
        post(client, stop, "exception", {"reason": "refused", "note": "不让装车"}).status_code
        == 302
    )
    later = _actions(_live(client, auth, world["dispatcher"], plan_id), stop.id)
    assert later.group(1) != first.group(1)  # a new exception: its own forms
