"""No 5xx on hostile input: every form field, query parameter, string path segment and JSON
property of every endpoint of the URL map gets hostile values (tests/hostile_values.py).

Targets are discovered (tests/hostile_targets.py): the forms on every page, as a role the
authorisation table (tests/authz_table.py) lets see it, the names each view's module reads
from the request, WTForms classes, and the OpenAPI document. A new form or parameter is
covered without anyone listing it. Each field gets the nastiest values (NUL, a lone
surrogate, `²`, a 5,000-digit number, 1e999999) and a stable sample of the others; the rest
of the request keeps the values the page offered, so the hostile one reaches its parser.

Runs on SQLite, and on PostgreSQL (which refuses NUL in text) when TEST_DATABASE_URL is set,
in the matrix's seeded world. TESTING is on, so an unhandled exception is raised in the test
client and reported with its cause, as is any response with a 5xx status.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import time
from dataclasses import dataclass
from urllib.parse import quote, urlsplit

import pytest
from werkzeug.exceptions import HTTPException
from werkzeug.routing import IntegerConverter

from lithloop.models import Role
from tests.authz_table import PUBLIC, TABLE
from tests.conftest import BACKENDS
from tests.hostile_targets import api_inputs, module_reads, parse_page
from tests.hostile_values import ALL, DEEP, NASTIEST, Hostile, shared_out, values_for_field
from tests.test_authz_matrix import (
    IGNORED_METHODS,
    Matrix,
    _fill,
    scopes,
    seeded_matrix,
    url_for_rule,
    values_for,
)

WEBHOOK_SECRET = "whsec_test_hostile"
#: Endpoints whose input is not a form, a query or JSON (files are tested elsewhere).
NOT_FUZZED = {
    "GET static",
    "GET metrics",
    "GET api-docs.openapi_json",
    "GET api_docs.docs",
    "POST webhooks.stripe_webhook",
}  # webhooks: test_signed_malformed_webhooks
#: Short planning runs and solver calls (after seeding, which plans with longer ones).
QUICK_RUNS = {"PLAN_MAX_SECONDS": 1, "ROUTING_API_MAX_SECONDS": 0.2}
FORM = "application/x-www-form-urlencoded"


@dataclass
class Target:
    """One endpoint to fuzz: how to call it and which inputs it has."""

    key: str  # "METHOD endpoint"
    method: str
    path: str
    role: Role | None
    api: bool
    base: dict  # the values the other inputs keep
    fields: set  # form fields (pages) or body properties (API)
    query: set  # query parameters
    path_params: dict  # string path parameters: name -> value in `path`


@pytest.fixture(scope="module", params=BACKENDS)
def world(request, tmp_path_factory):
    """The authorisation matrix's world, one per backend, CSRF and rate limits off."""
    with seeded_matrix(
        request.param, tmp_path_factory, "hostile", STRIPE_WEBHOOK_SECRET=WEBHOOK_SECRET
    ) as matrix:
        matrix.app.config.update(QUICK_RUNS)
        matrix.share = (BACKENDS.index(request.param), len(BACKENDS))
        yield matrix


def pick_role(rule, world) -> Role | None:
    """A role that may use the endpoint, one owning such an object if any; admins first."""
    if rule.who == PUBLIC:
        return None
    roles = (
        sorted(Role, key=lambda r: r.value)
        if rule.who == "anyone"
        else sorted(rule.who, key=lambda r: r.value)
    )
    if rule.owned:
        owners = [r for r in roles if world.own[rule.owned].get(r) is not None]
        roles = owners or roles
    return Role.ADMIN if Role.ADMIN in roles else roles[0]


def request_as(
    matrix: Matrix,
    role,
    method: str,
    path: str,
    *,
    query: str = "",
    body: bytes | None = None,
    content_type: str | None = None,
):
    """One request as the role (Bearer token under /api/, the session cookie elsewhere)."""
    api = path.startswith("/api/")
    client = matrix.client(None if api else role)
    headers = {"Authorization": f"Bearer {matrix.tokens[role]}"} if api and role else {}
    return client.open(
        path,
        method=method,
        query_string=query,
        data=body,
        content_type=content_type,
        headers=headers,
    )


def _string_path_params(app, endpoint: str, path: str) -> dict:
    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
    names = {n for n, conv in rule._converters.items() if not isinstance(conv, IntegerConverter)}
    _, args = app.url_map.bind("lithloop.test").match(
        path, method="GET" if "GET" in rule.methods else "POST"
    )
    return {n: str(args[n]) for n in names}


def discover(matrix: Matrix) -> tuple[list[Target], list[str]]:
    """Every endpoint's inputs (page forms, module reads, WTForms, the OpenAPI document), and
    the page forms whose action matched no endpoint."""
    app, world = matrix.app, matrix.world
    spec = app.test_client().get("/api/v1/openapi.json").get_json()
    adapter = app.url_map.bind("lithloop.test")
    targets: dict[str, Target] = {}
    page_forms, link_params = [], {}
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: (r.rule, r.endpoint)):
        for method in sorted(rule.methods - IGNORED_METHODS):
            key = f"{method} {rule.endpoint}"
            spec_rule = TABLE[key]
            if key in NOT_FUZZED:
                continue
            role = pick_role(spec_rule, world)
            owned = dict(scopes(spec_rule, role, world)).get(
                "own", dict(scopes(spec_rule, role, world)).get("other")
            )
            values = values_for(world, role, owned)
            url = url_for_rule(app, rule.endpoint, spec_rule, values)
            path, query = urlsplit(url).path, urlsplit(url).query
            api = path.startswith("/api/")
            base = _fill(spec_rule.body, values) if spec_rule.body else {}
            reads = module_reads(app.view_functions[rule.endpoint])
            if api:
                oa_path = rule.rule.replace("<int:", "<").replace("<", "{").replace(">", "}")
                q, props = api_inputs(spec, oa_path, method)
                fields, query_names = set(props) | set(base), set(q)
            else:
                query_names = reads.get("args", set()) | reads.get("values", set())
                fields = (
                    reads.get("form", set()) | reads.get("values", set()) | set(base)
                    if method == "POST"
                    else set()
                )
            if query:
                query_names |= {p.split("=")[0] for p in query.split("&")}
            targets[key] = Target(
                key,
                method,
                path,
                role,
                api,
                base,
                fields,
                query_names,
                _string_path_params(app, rule.endpoint, path),
            )
            if method == "GET" and not api:
                response = request_as(matrix, role, "GET", path, query=query)
                if response.status_code == 200 and response.mimetype == "text/html":
                    parsed = parse_page(path, response.get_data(as_text=True))
                    page_forms += [(role, f) for f in parsed.forms]
                    for p, names in parsed.link_params.items():
                        link_params.setdefault(p, set()).update(names)
    unmatched = []
    for role, form in page_forms:
        action = urlsplit(form.action)
        try:
            endpoint, _ = adapter.match(action.path, method=form.method)
        except HTTPException:
            unmatched.append(f"{form.method} {form.action}")
            continue
        target = targets.get(f"{form.method} {endpoint}")
        if target is not None:
            if form.method == "GET":
                target.query |= set(form.fields)
            else:
                target.fields |= set(form.fields)
                target.base = {**target.base, **form.fields}
                target.path, target.role = action.path, target.role or role
    for path, names in link_params.items():
        with contextlib.suppress(HTTPException):
            endpoint, _ = adapter.match(path, method="GET")
            if f"GET {endpoint}" in targets:
                targets[f"GET {endpoint}"].query |= names
    return list(targets.values()), unmatched


def _form_body(base: dict, name: str, value: Hostile) -> bytes:
    parts = []
    for key, default in base.items():
        if key == name:
            continue
        for item in default if isinstance(default, list) else [default]:
            parts.append(f"{quote(str(key), safe='')}={quote(str(item), safe='')}")
    parts.append(f"{quote(name, safe='')}={value.form}")
    return "&".join(parts).encode()


MARK = "__HOSTILE_VALUE__"


def _json_body(base: dict, path: tuple, value: Hostile) -> bytes:
    """The base body with the value at `path` (keys and list indexes), as raw JSON."""
    body = json.loads(json.dumps(base))
    node = body
    for step in path[:-1]:
        node = node[step]
    node[path[-1]] = MARK
    return json.dumps(body).replace(json.dumps(MARK), value.json).encode()


def _leaf_paths(node, prefix=()) -> list[tuple]:
    if isinstance(node, dict):
        return [p for k, v in node.items() for p in _leaf_paths(v, (*prefix, k))] or [prefix]
    if isinstance(node, list) and node and isinstance(node[0], dict):
        return _leaf_paths(node[0], (*prefix, 0))
    return [prefix] if prefix else []


def requests_for(target: Target, share: tuple[int, int] = (0, 1)):
    """(input, value, method, path, query, body, content type) for every hostile request
    of this backend's share (values_for_field)."""
    for name in sorted(target.query):
        for value in values_for_field(f"{target.key} ?{name}", share):
            yield (
                f"?{name}",
                value,
                target.method,
                target.path,
                f"{quote(name)}={value.form}",
                None,
                None,
            )
    for name, current in sorted(target.path_params.items()):
        for value in values_for_field(f"{target.key} /{name}", share):
            path = target.path.replace(f"/{quote(current, safe='')}", f"/{value.form}", 1)
            if value.form:
                yield (f"/{name}", value, target.method, path, "", None, None)
    if target.method != "POST":
        return
    if not target.api:
        for name in sorted(target.fields):
            for value in values_for_field(f"{target.key} {name}", share):
                yield (
                    name,
                    value,
                    "POST",
                    target.path,
                    "",
                    _form_body(target.base, name, value),
                    FORM,
                )
        return
    base = dict(target.base)
    paths = {p for p in _leaf_paths(base) if p} | {(name,) for name in target.fields}
    for path in sorted(paths, key=str):
        for value in values_for_field(f"{target.key} {path}", share):
            holder = {**base} if path[0] in base else {**base, path[0]: None}
            yield (
                ".".join(map(str, path)),
                value,
                "POST",
                target.path,
                "",
                _json_body(holder, path, value),
                "application/json",
            )
    for value in shared_out(ALL, share):  # the whole body hostile, e.g. 100,000 deep (parsed
        # before any database is asked: each value on one backend)
        yield ("<body>", value, "POST", target.path, "", value.json.encode(), "application/json")


def _cause(exc: BaseException) -> str:
    """The exception that escaped (not what it was raised while handling), and its cause."""
    text = f"{type(exc).__name__}: {str(exc)[:160]}"
    if exc.__cause__ is not None:
        text += f" (from {type(exc.__cause__).__name__}: {str(exc.__cause__)[:120]})"
    return text


def test_no_server_error_on_hostile_input(world):
    """Every input of every endpoint, hostile values: never a 5xx, never an exception."""
    started = time.monotonic()
    targets, unmatched = discover(world)
    assert not unmatched, f"page forms posting to no endpoint: {unmatched}"
    keys = {
        f"{m} {r.endpoint}"
        for r in world.app.url_map.iter_rules()
        for m in r.methods - IGNORED_METHODS
    }
    assert {t.key for t in targets} == keys - NOT_FUZZED
    problems, sent, fields, slowest = [], 0, 0, {}
    for target in targets:
        fields += len(target.fields) + len(target.query) + len(target.path_params)
        target_started = time.monotonic()
        for one in requests_for(target, world.share):
            name, value, method, path, query, body, content_type = one
            sent += 1
            who = target.role.value if target.role else "anonymous"
            where = f"{target.key} as {who} [{name}={value.name}]"
            try:
                response = request_as(
                    world,
                    target.role,
                    method,
                    path,
                    query=query,
                    body=body,
                    content_type=content_type,
                )
            except Exception as exc:
                problems.append(f"{where}: {_cause(exc)}")
                continue
            if response.status_code >= 500:
                problems.append(f"{where}: {response.status_code}")
        slowest[target.key] = time.monotonic() - target_started
    seconds = time.monotonic() - started
    print(
        f"\nhostile input: {len(targets)} endpoints, {fields} inputs, {sent} requests, "
        f"{seconds:.1f} s; slowest: "
        + ", ".join(f"{k} {v:.1f} s" for k, v in sorted(slowest.items(), key=lambda kv: -kv[1])[:6])
    )
    assert fields > 300 and sent > 3000
    assert not problems, f"{len(problems)} of {sent} requests failed:\n" + "\n".join(problems)


def _signed(payload: bytes, secret: str = WEBHOOK_SECRET) -> str:
    at = int(time.time())
    mac = hmac.new(secret.encode(), f"{at}.".encode() + payload, hashlib.sha256).hexdigest()
    return f"t={at},v1={mac}"


MALFORMED_EVENTS = [
    b"not json",
    b"[]",
    b'"\\ud800"',
    b"1e999999",
    b"[" * DEEP + b"]" * DEEP,
    b'{"id": 12, "type": "payment_intent.succeeded"}',
    b'{"id": "evt_h1", "type": ["x"], "data": {"object": {}}}',
    b'{"id": "evt_h2", "type": "payment_intent.succeeded", "data": []}',
    b'{"id": "evt_h3", "type": "payment_intent.succeeded", "data": {"object": []}}',
    b'{"id": "evt_h4", "type": "payment_intent.succeeded", "data": {"object": {"id": ["pi"]}}}',
    b'{"id": "evt_h5", "type": "charge.refunded", "data": {"object": {"payment_intent": 7,'
    b' "amount_refunded": "lots"}}}',
    b'{"id": "evt_\\u0000", "type": "payment_intent.succeeded", "data": {"object": {}}}',
    b'{"id": "evt_\\ud800", "type": "charge.refunded", "data": {"object": {}}}',
    b'{"id": "' + b"e" * 5000 + b'", "type": "charge.refunded", "data": {"object": {}}}',
]


@pytest.mark.parametrize("payload", MALFORMED_EVENTS, ids=lambda p: p[:30].decode("latin-1"))
def test_signed_malformed_webhooks_are_refused(world, payload):
    """A correctly signed event Stripe could never send: 400 (Stripe stops retrying), or 200
    if it is harmless; never a 5xx, which Stripe would retry for days."""
    response = world.app.test_client().post(
        "/api/v1/webhooks/stripe",
        data=payload,
        content_type="application/json",
        headers={"Stripe-Signature": _signed(payload)},
    )
    assert response.status_code in (200, 400), (response.status_code, response.get_data()[:300])
    assert response.is_json


def test_hostile_values_cover_the_named_classes():
    """The issue's hostile values are all there, and every field gets the nastiest."""
    names = {v.name for v in ALL}
    assert {
        "nul",
        "lone surrogate",
        "superscript two",
        "arabic-indic three",
        "NaN",
        "inf",
        "1e999999",
        "20 digits",
        "5000 digits",
        "2**63",
        "year 9999",
        "year 9999 datetime",
        "aware time",
        "long",
        "json nested deep",
        "negative",
        "empty",
    } <= names
    assert all(set(NASTIEST) <= set(values_for_field(f"field {i}")) for i in range(20))


def test_two_backends_share_the_sample_and_both_get_the_nastiest_and_named_values():
    """Split between SQLite and PostgreSQL, each field still gets every value it gets on one
    backend alone, and the nastiest and its name's values on both."""
    keys = [f"POST x field_{i}" for i in range(40)] + ["GET y ?page", "POST z wanted_by"]
    split = [k for k in keys if values_for_field(k, (0, 2)) != values_for_field(k, (1, 2))]
    assert len(split) > 20  # the samples are shared out, each field's on one backend
    for key in keys:
        shares = [set(values_for_field(key, (i, 2))) for i in range(2)]
        assert shares[0] | shares[1] == set(values_for_field(key))
        assert all(set(NASTIEST) <= share for share in shares)
    for i in range(2):
        assert "2**63" in {v.name for v in values_for_field("GET y ?page", (i, 2))}
        assert "year 1" in {v.name for v in values_for_field("POST z wanted_by", (i, 2))}
    assert sorted(shared_out(ALL, (0, 2)) + shared_out(ALL, (1, 2)), key=ALL.index) == ALL
