"""The authorisation matrix: every endpoint of the URL map × anonymous and every role × own
versus another organisation's object, against the hand-written table in authz_table.py.

One seeded demo region per backend (module scope): a copy of the world this process built
for the first module that needed it (tests/world_copies.py). CSRF is switched off in the matrix app
(WTF_CSRF_ENABLED=False): what is tested here is who may do what, and a missing token would
answer 400 before any guard ran; CSRF itself is tested in tests/web/test_auth.py and by
every `submit()` elsewhere. Rate limiting is off too (the matrix logs in nine times and asks
for tokens); the limits are tested in tests/web/test_lockout.py. On PostgreSQL as well with
TEST_DATABASE_URL and AUTHZ_MATRIX_PG=1.
"""

from __future__ import annotations

import contextlib
import copy
import json
import os
from functools import partial

import pytest

from lithloop.extensions import db
from lithloop.models import Role, User
from lithloop.payments.localstripe_server import LocalStripe
from tests.authz_table import ANYONE, PUBLIC, REGION, TABLE, Rule
from tests.authz_world import DEMO_PASSWORD, OTHER_MARKER, World, build_world, fingerprint
from tests.conftest import PG_URL, make_app
from tests.demo_copies import DemoCopies, of_process
from tests.world_copies import world_copy

IGNORED_METHODS = {"HEAD", "OPTIONS"}
#: PostgreSQL only on request: there the matrix takes about 90 s on 2 cores (SQLite ~30 s);
#: the guards under test are the same code on both backends.
MATRIX_BACKENDS = ["sqlite"] + (
    ["postgresql"] if PG_URL and os.environ.get("AUTHZ_MATRIX_PG") else []
)
PRINCIPALS = [None, *Role]  # None: anonymous


def endpoint_keys(app) -> set[str]:
    """'METHOD endpoint' for every rule and method of the app's URL map."""
    return {
        f"{method} {rule.endpoint}"
        for rule in app.url_map.iter_rules()
        for method in rule.methods - IGNORED_METHODS
    }


def test_every_endpoint_is_classified():
    """A new endpoint must be added to the table; a removed one taken out of it."""
    app = make_app("sqlite://")
    keys = endpoint_keys(app)
    missing = sorted(keys - TABLE.keys())
    stale = sorted(TABLE.keys() - keys)
    assert not missing, (
        "Endpoints not in the authorisation matrix: classify each in "
        f"tests/authz_table.py (who may use it, what it owns): {missing}"
    )
    assert not stale, f"tests/authz_table.py names endpoints that no longer exist: {stale}"


class Matrix:
    """The app, its world, a session cookie and an API token per role."""

    def __init__(self, app, world):
        self.app, self.world = app, world
        self.cookies: dict[Role, list] = {}
        self.tokens: dict[Role, str] = {}
        for role, user in world.users.items():
            self.log_in(role)
            client = app.test_client()
            response = client.post(
                "/api/v1/auth/token", json={"email": user.email, "password": DEMO_PASSWORD}
            )
            assert response.status_code == 201, (role, response.json)
            self.tokens[role] = response.json["token"]

    def log_in(self, role: Role) -> None:
        """A fresh page session for the role (again after an endpoint that ends it)."""
        client = self.app.test_client()
        response = client.post(
            "/login", data={"email": self.world.users[role].email, "password": DEMO_PASSWORD}
        )
        assert response.status_code == 302, (role, response.status_code)
        self.cookies[role] = [(c.key, c.value, c.domain, c.path) for c in client._cookies.values()]

    def client(self, role: Role | None):
        """A client with the role's session (a fresh copy, so no request changes another)."""
        client = self.app.test_client()
        for key, value, domain, path in self.cookies.get(role, []):
            client.set_cookie(key, value, domain=domain, path=path)
        return client


def _config(name: str, stripe: LocalStripe, **extra) -> dict:
    return {
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        "STRIPE_SECRET_KEY": f"sk_test_{name}",
        "STRIPE_PUBLISHABLE_KEY": f"pk_test_{name}",
        "STRIPE_WEBHOOK_SECRET": f"whsec_test_{name}",
        "STRIPE_API_BASE": stripe.base_url,
        **extra,
    }


def build_template(url: str, stripe: LocalStripe, demos: DemoCopies | None = None) -> dict:
    """The matrix world built into the empty database `url` (every connection closed after):
    its ids, the users' included (world_copies.py keeps it as a template). `demos`: on
    SQLite, the demo region is a copy of this process's seeding (demo_copies.py)."""
    app = make_app(url, **_config("world", stripe))
    with app.app_context():
        db.create_all()
        seed = None
        if demos is not None and url.startswith("sqlite:"):
            seed = lambda **kwargs: demos.seed(app, "sqlite", **kwargs)  # noqa: E731
        world = build_world(seed)
        ids = {
            "users": {role: user.id for role, user in world.users.items()},
            "own": world.own,
            "other": world.other,
            "values": world.values,
        }
        db.session.remove()
        db.engine.dispose()
    return ids


def world_of(ids: dict) -> World:
    """The world of a copy, its users read in the current app context."""
    ids = copy.deepcopy(ids)
    users = {role: db.session.get(User, user_id) for role, user_id in ids.pop("users").items()}
    return World(users=users, **ids)


@contextlib.contextmanager
def seeded_matrix(backend: str, tmp_path_factory, name: str, *, url=None, load_world=None, **extra):
    """The demo region and the other organisations on a fresh database of `backend` (a copy
    of the world this process built, world_copies.py), with CSRF and rate limits off and
    payments through a localstripe of its own (holding the world's payments). `url`: an
    existing database instead (kept), the world built there; `load_world`: reads its world
    instead of building it."""
    with contextlib.ExitStack() as stack:
        if url is None:
            folder = tmp_path_factory.mktemp(name)
            build = partial(build_template, demos=of_process(tmp_path_factory))
            made = stack.enter_context(world_copy("authz", backend, folder, build))
            url, stripe, load_world = made.url, made.stripe, lambda: world_of(made.value)
        else:
            stripe = LocalStripe().start()
            stack.callback(stripe.stop)
        config = _config(name, stripe, **extra)
        served, twin = make_app(url, **config), make_app(url, **config)
        with twin.app_context():
            if load_world is None:
                db.create_all()
            yield Matrix(served, build_world() if load_world is None else load_world())
            db.session.remove()
            db.engine.dispose()
        with served.app_context():
            db.engine.dispose()


@pytest.fixture(scope="module", params=MATRIX_BACKENDS)
def matrix(request, tmp_path_factory):
    """The demo region and the other organisations, seeded once per backend."""
    with seeded_matrix(request.param, tmp_path_factory, "authz") as seeded:
        yield seeded


def _fill(template, values: dict):
    if isinstance(template, str) and template.startswith("{") and template.endswith("}"):
        return values[template[1:-1]]
    if isinstance(template, dict):
        return {k: _fill(v, values) for k, v in template.items()}
    if isinstance(template, list):
        return [_fill(v, values) for v in template]
    return template


def scopes(rule: Rule, role: Role | None, world) -> list[tuple[str, object]]:
    """('own', value) when the role owns such an object, and ('other', value)."""
    if rule.owned is None:
        return [("any", None)]
    own = world.own[rule.owned].get(role) if role else None
    return ([("own", own)] if own is not None else []) + [("other", world.other[rule.owned])]


def values_for(world, role: Role | None, owned) -> dict:
    """The placeholders' values for one role and scope."""
    own_site = world.own["site"].get(role) or world.other["site"]
    return {
        **world.values,
        "owned": owned,
        "own_site": own_site,
        "own_route": world.own["route"][Role.DRIVER],
        "any_settled": world.own["settlement"][Role.FLEET_MANAGER],
    }


def url_for_rule(app, endpoint: str, rule: Rule, values: dict) -> str:
    """The URL with its parameters filled from the table."""
    with app.test_request_context():
        from flask import url_for

        return url_for(
            endpoint,
            **{k: _fill(v, values) for k, v in rule.params.items()},
            **{k: _fill(v, values) for k, v in rule.query.items()},
        )


def send(matrix: Matrix, method: str, url: str, rule: Rule, role, values: dict):
    """One request as the role: Bearer token under /api/, the session cookie elsewhere."""
    body = _fill(rule.body, values) if rule.body is not None else None
    client = matrix.client(role if not url.startswith("/api/") else None)
    headers = {}
    if url.startswith("/api/") and role is not None:
        headers["Authorization"] = f"Bearer {matrix.tokens[role]}"
    if method == "GET":
        return client.get(url, headers=headers)
    if url.startswith("/api/"):
        return client.post(url, json=body or {}, headers=headers)
    return client.post(url, data=body or {}, headers=headers)


def allowed(rule: Rule, role: Role | None) -> bool:
    """Whether the role may use the endpoint at all."""
    if rule.who == PUBLIC:
        return True
    if role is None:
        return False
    return rule.who == ANYONE or role in rule.who


def expected(rule: Rule, role: Role | None, scope: str, api: bool) -> tuple[str, set[int]]:
    """('allow', _) or ('refuse', the statuses that refuse) for one combination."""
    if not allowed(rule, role):
        if role is None:
            return "refuse", {401} if api else {302}
        denied = {404} if rule.hide else {403}
        return "refuse", denied | ({404} if scope == "other" else set())
    if scope == "other" and role not in rule.sees_all:
        in_url = "{owned}" in {*rule.params.values(), *rule.query.values()}
        return "refuse", {404} if in_url else {404, 422}
    return "allow", set()


def text_of(response) -> str:
    """The body as text; JSON decoded (Flask escapes non-ASCII characters in JSON)."""
    if response.is_json:
        return json.dumps(response.get_json(silent=True), ensure_ascii=False)
    return response.get_data(as_text=True)


def judge(rule: Rule, role, scope: str, api: bool, response) -> str | None:
    """What is wrong with the response, or None."""
    status = response.status_code
    if status >= 500:
        return f"{status} server error"
    verdict, statuses = expected(rule, role, scope, api)
    location = response.headers.get("Location", "")
    if verdict == "allow":
        if status in (401, 403, 404):
            return f"allowed but answered {status}"
        if (
            status == 302
            and "/login" in location
            and rule.who != PUBLIC
            and (not rule.ends_session or "next=" in location)
        ):  # log out everywhere: /login
            return f"allowed but sent to the login page ({location})"
        # the park's office staff see every organisation's; a rule's `sees_all` may add the
        # regulator (every organisation's packs, read-only)
        if role not in REGION | rule.sees_all and OTHER_MARKER in text_of(response):
            return "another organisation's data in the answer"  # e.g. in a list
        return None
    if status not in statuses:
        return f"expected {sorted(statuses)}, got {status} {location}"
    if role is None and not api and "/login" not in location:
        return f"anonymous sent to {location!r}, not the login page"
    if scope == "other" and OTHER_MARKER in text_of(response):
        return "another organisation's data in the refusal"
    return None


def test_authorisation_matrix(matrix):
    """Every endpoint × anonymous and each role × own/other: the expected answer, no writes
    on refusals, no 5xx."""
    app, world = matrix.app, matrix.world
    problems, checked, refused_writes = [], 0, 0
    known = None
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: (r.rule, r.endpoint)):
        for method in sorted(rule.methods - IGNORED_METHODS):
            key = f"{method} {rule.endpoint}"
            spec = TABLE[key]
            for role in PRINCIPALS:
                for scope, owned in scopes(spec, role, world):
                    values = values_for(world, role, owned)
                    url = url_for_rule(app, rule.endpoint, spec, values)
                    api = url.startswith("/api/")
                    verdict, _statuses = expected(spec, role, scope, api)
                    watch = method == "POST" and verdict == "refuse"
                    if watch and known is None:
                        known = fingerprint()
                    response = send(matrix, method, url, spec, role, values)
                    if spec.ends_session and role is not None:
                        matrix.log_in(role)
                    checked += 1
                    who = role.value if role else "anonymous"
                    problem = judge(spec, role, scope, api, response)
                    if problem:
                        problems.append(f"{key} as {who} ({scope}) {url}: {problem}")
                    if watch:
                        refused_writes += 1
                        after = fingerprint()
                        changed = sorted(k for k in after if after[k] != known.get(k))
                        if changed:
                            problems.append(
                                f"{key} as {who} ({scope}) {url}: refused but changed {changed}"
                            )
                        known = after
                    else:
                        known = None
    print(
        f"authorisation matrix: {checked} combinations, {refused_writes} refused writes "
        f"checked for changes"
    )
    assert checked > 900
    assert not problems, f"{len(problems)} of {checked} combinations wrong:\n" + "\n".join(problems)
