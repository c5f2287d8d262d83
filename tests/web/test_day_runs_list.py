"""The day's runs on the dispatch page read as one line of text each ("#4 · Finished ·
07:06 · plan · Draft"): in a plain `.rows` list (a flex column) each link and text piece
stood on a line of its own, lines starting with "·", at every width."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.factories import PlanFactory

CSS = Path(__file__).parents[2] / "static" / "css" / "app.css"


@pytest.mark.parametrize("backend", ["sqlite"])  # the page's markup: one backend
def test_each_run_of_the_day_is_one_line_of_text(client, auth):
    plan = PlanFactory()
    run = plan.run
    auth.login(run.created_by.email)
    page = client.get(f"/dispatch/?date={run.plan_date.isoformat()}").get_data(as_text=True)
    first_run = r'<ul class="([^"]*)"[^>]*>\s*<li><a (?:class="[^"]*" )?href="/dispatch/runs/'
    listed = re.search(first_run, page)
    assert listed, page
    classes = listed.group(1).split()
    assert "rows" in classes and "flow" in classes, classes
    css = CSS.read_text()
    assert re.search(r"\.rows\.flow li\s*\{[^}]*display:\s*block", css)  # text, not a column
