"""schemathesis over /api/v1/openapi.json: every operation, fuzzed with authenticated calls.

Runs against the WSGI app on the seeded demo region (with its activity), once per database
backend. Each case must pass: no 5xx, every status code documented, the body matching the
documented schema and content type. Generation is deterministic (a fixed seed, derandomised
Hypothesis, no example database), so CI sees the same cases every time.
"""

from __future__ import annotations

import re
import time
from collections import Counter
from datetime import timedelta

import hypothesis
import pytest
import schemathesis
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.core.failures import FailureGroup

from lithloop import clock
from tests.conftest import BACKENDS, DEMO_PASSWORD

MIN_TOTAL_CASES = 1000
EXAMPLES_ON_KNOWN_OBJECTS = 20
EXAMPLES_PER_OPERATION = {GenerationMode.POSITIVE: 30, GenerationMode.NEGATIVE: 20}
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
# Whose token calls an operation, by its tag: a role that may use it (None: no token).
ROLE_BY_TAG = {
    "api_auth": None,
    "api_passports": None,
    "api_sites": "dealer",
    "api_quotes": "dealer",
    "api_bookings": "dealer",
    "api_routing": "dispatcher",
    "api_plans": "dispatcher",
    "api_trucks": "dispatcher",
    "api_market": "buyer",
    "api_rfqs": "buyer",
    "api_reports": "admin",
}
# Under /api/v1/ but not for API clients: a page for people, and Stripe's signed callback
# (tests/market/test_webhooks.py).
NOT_API_OPERATIONS = {"/api/v1/openapi.json", "/api/v1/docs", "/api/v1/webhooks/stripe"}
FUZZ_CONFIG = {
    # short background planning runs and solver calls, so that fuzzing stays quick
    "PLAN_MAX_SECONDS": 1,
    "ROUTING_API_MAX_SECONDS": 0.2,
}


@pytest.fixture
def fuzzed_app(database_url, backend, localstripe, demo_copies):
    """The app on a demo region with bookings and plans, configured for quick runs."""
    from lithloop.extensions import db
    from tests.conftest import _pg_schema_ready, empty_pg_tables, make_app

    served = make_app(database_url)
    with served.app_context():
        if backend == "sqlite" or database_url not in _pg_schema_ready:
            db.create_all()
            _pg_schema_ready.add(database_url)
        demo_copies.seed(served, backend, seed=7, password=DEMO_PASSWORD, activity=True)
        db.session.remove()
    served.config.update(FUZZ_CONFIG)
    yield served
    with served.app_context():
        db.session.remove()
        if backend == "postgresql":
            empty_pg_tables(db.engine)
        db.engine.dispose()


@pytest.fixture
def tokens(fuzzed_app):
    """A bearer token per demo role that the fuzzing uses."""
    client = fuzzed_app.test_client()
    out = {}
    for role in {r for r in ROLE_BY_TAG.values() if r}:
        response = client.post(
            "/api/v1/auth/token",
            json={"email": f"{role}@demo.lithloop", "password": DEMO_PASSWORD, "name": "fuzz"},
        )
        assert response.status_code == 201, response.json
        out[role] = response.json["token"]
    return out


@pytest.fixture
def known_ids(fuzzed_app, tokens):
    """Path parameter values that name real objects each role may see, besides random ones."""
    import sqlalchemy as sa

    from lithloop.extensions import db
    from lithloop.models import Pack, Plan, PlanRun, Truck, User
    from lithloop.services.booking import booking_list, sites
    from lithloop.services.dispatch import truck_form
    from lithloop.services.market import catalog as market_catalog

    client = fuzzed_app.test_client()
    with fuzzed_app.app_context():
        dealer = db.session.scalar(sa.select(User).where(User.email == "dealer@demo.lithloop"))
        found = {
            "site_id": [s.id for s in db.session.scalars(sites.visible_sites(dealer))],
            "booking_id": [b.id for b in booking_list.booking_page(dealer, 1, 20)[0]],
            "run_id": list(db.session.scalars(sa.select(PlanRun.id).limit(20))),
            "plan_id": list(db.session.scalars(sa.select(Plan.id).limit(20))),
            "truck_id": list(db.session.scalars(sa.select(Truck.id).limit(20))),
            "depot_site_id": [s.id for s in truck_form.park_depots()],
            "code": list(db.session.scalars(sa.select(Pack.code).order_by(Pack.id).limit(40))),
            "pack_id": [p.id for p in db.session.scalars(market_catalog.for_sale().limit(20))],
            "next_days": [(clock.today() + timedelta(days=n)).isoformat() for n in range(1, 15)],
        }
        db.session.remove()
    order = client.post(
        "/api/v1/orders",
        json={"lines": [{"pack_id": found["pack_id"][-1]}]},
        headers={"Authorization": f"Bearer {tokens['buyer']}"},
    )
    assert order.status_code == 201, order.json
    found["order_id"] = [order.json["id"]]
    wanted_by = (clock.today() + timedelta(days=30)).isoformat()
    rfq = client.post(
        "/api/v1/rfqs",
        json={"quantity": 2, "wanted_by": wanted_by},
        headers={"Authorization": f"Bearer {tokens['buyer']}"},
    )
    assert rfq.status_code == 201, rfq.json
    found["rfq_id"] = [rfq.json["id"]]
    assert all(found.values()), found
    return found


def _api_routes(app) -> set[str]:
    """'METHOD /path' of every route the app serves under /api/v1/ for API clients."""
    routes = set()
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1/") and rule.rule not in NOT_API_OPERATIONS:
            path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule)
            routes |= {f"{m} {path}" for m in rule.methods - {"HEAD", "OPTIONS"}}
    return routes


def _describe(exc: BaseException) -> str:
    """A failure's message, with those of the failures it groups."""
    if isinstance(exc, BaseExceptionGroup) and not isinstance(exc, FailureGroup):
        return "\n".join(_describe(e) for e in exc.exceptions)
    return f"{type(exc).__name__}: {exc}"


def _valid_fields(known: dict) -> dict[str, dict]:
    """Body fields that make a generated body name known objects and plausible values."""
    days = st.sampled_from(known["next_days"])
    return {
        "POST /api/v1/bookings": {
            "site_id": st.sampled_from(known["site_id"]),
            "date": days,
            "window": st.just(["10:00", "12:00"]),
            "lots": st.lists(
                st.fixed_dictionaries(
                    {
                        "chemistry": st.sampled_from(["LFP", "NCM523", "NCM811"]),
                        "form": st.sampled_from(["pack", "module"]),
                        "count": st.integers(1, 50),
                        "mass_kg": st.decimals(1, 3000, places=2).map(str),
                    }
                ),
                min_size=1,
                max_size=3,
            ),
        },
        "POST /api/v1/quotes/scrap": {
            "site_id": st.sampled_from(known["site_id"]),
            "distance_km": st.just(DROP),
        },
        "POST /api/v1/plans/runs": {
            "date": days,
            "time_limit_s": st.just(1),
            "horizon_days": st.integers(1, 3),
        },
        "POST /api/v1/trucks": {
            "plate": st.from_regex(r"黑C·F[0-9]{5}", fullmatch=True),
            "depot_site_id": st.sampled_from(known["depot_site_id"]),
            "shift_start": st.just("07:00"),
            "shift_end": st.just("19:00"),
            "max_work_h": st.integers(1, 16),
            "driver_id": st.just(None),
        },
        "POST /api/v1/orders": {
            "lines": st.lists(
                st.fixed_dictionaries({"pack_id": st.sampled_from(known["pack_id"])}),
                min_size=1,
                max_size=3,
                unique_by=lambda line: line["pack_id"],
            )
        },
    }


DROP = object()  # a body field to leave out


def _with_fields(case, values: dict):
    if isinstance(case.body, dict):
        case.body = {k: v for k, v in {**case.body, **values}.items() if v is not DROP}
    return case


def _on_known_objects(operation, known: dict):
    """Valid cases of an operation that name known objects, in its path or its body."""
    names = [p.name for p in operation.path_parameters]
    if names:
        return st.sampled_from(known[names[0]]).flatmap(
            lambda value: operation.as_strategy(path_parameters={names[0]: value})
        )
    fields = _valid_fields(known).get(operation.label)
    if fields is None:
        return None
    return st.tuples(operation.as_strategy(), st.fixed_dictionaries(fields)).map(
        lambda pair: _with_fields(*pair)
    )


def _fuzz(
    operation, strategy, label: str, examples: int, headers: dict | None
) -> tuple[Counter, str | None]:
    """Run up to `examples` generated cases of one operation: (statuses seen, failure)."""
    statuses: Counter[int] = Counter()

    @hypothesis.given(case=strategy)
    @hypothesis.settings(
        max_examples=examples,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=list(hypothesis.HealthCheck),
        phases=[hypothesis.Phase.generate, hypothesis.Phase.shrink],
        print_blob=False,
    )
    def run(case):
        response = case.call(headers=headers)
        statuses[response.status_code] += 1
        case.validate_response(response, checks=CHECKS, headers=headers)

    try:
        run()
    except hypothesis.errors.Unsatisfiable:  # e.g. no invalid value exists for the inputs
        return statuses, None
    except (Exception, FailureGroup) as exc:
        return statuses, f"{label}: {_describe(exc)}"
    return statuses, None


@pytest.mark.slow
def test_every_api_operation_survives_fuzzing(fuzzed_app, tokens, known_ids, backend):
    """Generated requests to every operation: no 5xx, documented statuses, bodies, types.
    With two backends each takes every other batch of cases (positive, negative, on known
    objects), each operation's from another start: every batch runs once, every operation
    on both (the hostile-input matrix sends the values databases differ on to both)."""
    share, backends = BACKENDS.index(backend), len(BACKENDS)
    schema = schemathesis.openapi.from_wsgi(
        "/api/v1/openapi.json", fuzzed_app, config=schemathesis.Config.from_dict({"seed": 7})
    )
    statuses: dict[str, Counter[int]] = {}
    seconds: dict[str, float] = {}
    failures = []
    for number, result in enumerate(schema.get_all_operations()):
        operation = result.ok()
        role = ROLE_BY_TAG[operation.tags[0]]
        headers = {"Authorization": f"Bearer {tokens[role]}"} if role else None
        seen = statuses.setdefault(operation.label, Counter())
        started = time.monotonic()
        batches = [
            (
                f"{operation.label} [{mode.value}]",
                operation.as_strategy(generation_mode=mode),
                mode,
                n,
            )
            for mode, n in EXAMPLES_PER_OPERATION.items()
        ]
        known = _on_known_objects(operation, known_ids)
        if known is not None:
            batches.append(
                (
                    f"{operation.label} [known objects]",
                    known,
                    GenerationMode.POSITIVE,
                    EXAMPLES_ON_KNOWN_OBJECTS,
                )
            )
        batches = [b for i, b in enumerate(batches) if (number + i) % backends == share]
        for label, strategy, mode, examples in batches:
            got, failure = _fuzz(operation, strategy, label, examples, headers)
            seen.update(got)
            if failure:
                failures.append(failure)
            if role and mode is GenerationMode.POSITIVE:  # (negative cases may drop the token)
                assert 401 not in got, f"{operation.label} answered 401 to {role}'s token"
        seconds[operation.label] = time.monotonic() - started
    total = sum(sum(c.values()) for c in statuses.values())
    print(f"\nAPI fuzzing: {len(statuses)} operations, {total} cases")
    for label, seen in statuses.items():
        print(f"  {label}: {dict(sorted(seen.items()))} {seconds[label]:.1f} s")
    assert not failures, "\n\n".join(failures)
    assert set(statuses) == _api_routes(fuzzed_app)
    assert total >= MIN_TOTAL_CASES / backends, statuses
