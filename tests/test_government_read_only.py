"""The government partner (the regulator) reads traceability and every pack, and writes
nothing: every route of the trace, passport and dashboard blueprints, with every method it
answers, sent with the government login; each POST refused (403) by its guard (CSRF is off
here, so nothing else stands in the way) and no request sends a single write statement.
Each page it reads offers no form that would post, but the language switcher and log out."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from lithloop.extensions import db
from lithloop.models import PackEvent, Role
from tests.authz_table import TABLE
from tests.sent_sql import first_line, is_write, sent_statements
from tests.test_authz_matrix import IGNORED_METHODS, scopes, seeded_matrix, url_for_rule, values_for

GOV = Role.GOVERNMENT
BLUEPRINTS = ("trace", "passports", "dashboard")
POST_FORM = re.compile(r'<form[^>]*method="post"[^>]*action="([^"]*)"', re.IGNORECASE)
#: The forms every page's header holds: the language switcher and log out.
HEADER_ACTIONS = re.compile(r"^/(lang/[a-z_A-Z-]+|logout)$")


@pytest.fixture(scope="module")
def matrix(tmp_path_factory):
    """The authorisation matrix's world: the demo region (its handovers unreported) and
    other organisations' packs."""
    with seeded_matrix("sqlite", tmp_path_factory, "govread") as seeded:
        yield seeded


def routes(app) -> list[tuple[str, str]]:
    """(method, endpoint) of every route of the blueprints, from the URL map."""
    return sorted(
        (method, rule.endpoint)
        for rule in app.url_map.iter_rules()
        if rule.endpoint.split(".")[0] in BLUEPRINTS
        for method in rule.methods - IGNORED_METHODS
    )


def unreported(app) -> list[int]:
    """Handovers a mark would change: the POSTs below name them."""
    with app.app_context():
        ids = list(
            db.session.scalars(
                sa.select(PackEvent.id)
                .where(PackEvent.report_due.is_not(None), PackEvent.reported_at.is_(None))
                .order_by(PackEvent.id)
                .limit(3)
            )
        )
        db.session.remove()
    return ids


def test_the_government_login_reaches_no_write(matrix):
    app, world = matrix.app, matrix.world
    found = routes(app)
    assert ("POST", "trace.mark") in found and ("GET", "trace.find") in found
    events = unreported(app)
    assert events, "the world holds handovers a mark would change"
    problems = []
    with sent_statements(app, is_write) as statements:
        for method, endpoint in found:
            rule = TABLE[f"{method} {endpoint}"]
            for _scope, owned in scopes(rule, GOV, world):
                url = url_for_rule(app, endpoint, rule, values_for(world, GOV, owned))
                client = matrix.client(GOV)
                statements.clear()
                if method == "GET":
                    response = client.get(url)
                    if response.status_code not in (200, 302):
                        problems.append(f"GET {url}: {response.status_code}")
                    if "/login" in response.headers.get("Location", ""):
                        problems.append(f"GET {url}: sent to log in")
                    html = response.get_data(as_text=True)
                    posts = [a for a in POST_FORM.findall(html) if not HEADER_ACTIONS.match(a)]
                    if posts:
                        problems.append(f"GET {url}: offers forms that post to {posts}")
                else:  # a real body: what the admin's page sends, naming real handovers
                    body = {"event": [str(i) for i in events], "through": str(events[-1])}
                    response = client.post(url, data=body)
                    if response.status_code != 403:
                        problems.append(f"{method} {url}: {response.status_code}, not 403")
                if made := [first_line(s) for s in statements]:
                    problems.append(f"{method} {url}: wrote {made}")
    assert problems == []
    assert unreported(app) == events  # still unreported


def test_the_trace_page_offers_the_admin_its_marks(matrix):
    """The same page to an admin still has its mark buttons: the test above can fail."""
    html = matrix.client(Role.ADMIN).get("/trace/").get_data(as_text=True)
    assert any("/trace/reported" in a for a in POST_FORM.findall(html))
