"""Fixtures: an app on a clean database per test, on SQLite and (when set) PostgreSQL.

Every test that uses `app` runs once per backend: SQLite always, PostgreSQL too when
TEST_DATABASE_URL is set. Each pytest worker gets its own PostgreSQL database, created
here and dropped at the end, so that runs cannot collide.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import re
import secrets
import shutil
import sqlite3
import tempfile
import uuid
import weakref
from pathlib import Path

import pytest

if "LITHLOOP_INSTANCE" not in os.environ:  # one folder for the run (workers inherit it)
    os.environ["LITHLOOP_INSTANCE"] = tempfile.mkdtemp(prefix="lithloop-test-instance-")
    atexit.register(shutil.rmtree, os.environ["LITHLOOP_INSTANCE"], True)
os.environ.setdefault("SECRET_KEY", secrets.token_hex(32))  # the run's own (check_secret_key)

import sqlalchemy as sa
from flask.testing import FlaskClient
from flask_sqlalchemy import SQLAlchemy
from hypothesis import settings
from jinja2 import BytecodeCache

if "MUTANT_UNDER_TEST" in os.environ:  # make mutate (mutmut): fewer, repeatable examples
    settings.register_profile("mutate", max_examples=10, derandomize=True, database=None)
    settings.load_profile("mutate")

from lithloop import clock, create_app
from lithloop.extensions import db as _db
from tests import sql_shapes, url_builders

PG_URL = os.environ.get("TEST_DATABASE_URL", "")
BACKENDS = ["sqlite"] + (["postgresql"] if PG_URL else [])


def _run_as_of(moment: str) -> None:
    """TEST_NOW=2026-10-02T03:00:00+00:00: the whole run with the platform's clock moved to
    that instant (and on from there), to try the suite on a public holiday, a Sunday or a
    year the holiday calendar does not hold; tests that freeze the clock still do."""
    from datetime import datetime

    real, at = clock.now, datetime.fromisoformat(moment)
    offset = at - real()
    clock.now = lambda: real() + offset


if os.environ.get("TEST_NOW"):
    _run_as_of(os.environ["TEST_NOW"])
CHEAP_HASH = "scrypt:1024:8:1"  # full-strength scrypt costs ~100 ms per hash
DEMO_PASSWORD = "lithloop-demo"


#: The slow groups, by the start of their test ids (a folder, a file or one test), each
#: under its marker (registered in pyproject.toml). `make test-fast` leaves them out; `make
#: test` runs everything. Tests on PostgreSQL are marked `postgres` by themselves as well
#: (pytest_collection_modifyitems below).
SLOW_GROUPS = {
    "browser": ("tests/browser/",),
    "postgres": (  # override `backend` with PostgreSQL only
        "tests/market/test_idempotency_concurrency.py",
        "tests/test_booking_change_race.py",
        "tests/test_plan_concurrency.py",
    ),
    "processes": (  # start worker processes or servers, or stop and hang them (faults)
        "tests/faults/",
        "tests/test_celery_runner.py",
        "tests/services/test_shared_generations.py",
        "tests/web/test_shared_cache.py",
        "tests/routing/test_cli.py",
        "tests/web/test_metrics.py::test_multiprocess_mode_adds_up_the_workers",
    ),
    "slow": (
        "tests/routing/test_large.py",  # long routing: solves with budgets of seconds
        "tests/routing/test_race.py",
        "tests/routing/test_stop.py",
        "tests/routing/test_regional_days.py",
        "tests/routing/test_properties.py",  # hypothesis-heavy
        "tests/pricing/test_properties.py",
        "tests/test_authz_matrix.py",  # every URL x role on the seeded demo region
        "tests/test_hostile_input.py",  # every endpoint x hostile value
        "tests/test_migrations.py",  # every migration up and down
        "tests/test_query_growth.py",  # queries counted at growing data sizes
        "tests/market/test_rollups.py::test_rollups_equal_recomputation_after_the_chain",
        "tests/market/test_rollups.py::test_an_event_written_past_the_rollups_is_noticed",
        "tests/test_demo_seed.py::test_same_seed_same_region_other_seed_other_region",
        "tests/test_demo_seed.py::test_seed_demo_command_prints_the_logins",
        "tests/test_demo_seed.py::test_activity_books_pickups_and_gives_the_driver_todays",
    ),
}


def pytest_collection_modifyitems(config, items):
    """Mark the slow groups (SLOW_GROUPS) and every test that runs on PostgreSQL; leave out
    the PostgreSQL twins of tests outside its covering set (tests/sql_shapes.py)."""
    twins = [i for i in items if i.get_closest_marker("sqlite_only")]
    pg_twins = [i for i in twins if sql_shapes.split_id(i)[1] == "postgresql"]
    if pg_twins:  # about SQLite itself (its locks): nothing to run on PostgreSQL
        config.hook.pytest_deselected(items=pg_twins)
        items[:] = [i for i in items if i not in pg_twins]
    chosen = sql_shapes.selected() if PG_URL else None
    if chosen is not None:
        kept, dropped = [], []
        for item in items:
            base, backend = sql_shapes.split_id(item)
            on_pg = backend != "postgresql" or sql_shapes.runs_on_pg(base, chosen)
            (kept if on_pg else dropped).append(item)
        if dropped:
            config.hook.pytest_deselected(items=dropped)
            items[:] = kept
    for item in items:
        for marker, prefixes in SLOW_GROUPS.items():
            if item.nodeid.startswith(prefixes):
                item.add_marker(marker)
        params = getattr(item, "callspec", None)
        values = params.params.values() if params is not None else ()
        on_pg = any(isinstance(v, str) and v == "postgresql" for v in values)
        if on_pg or "pg_database_url" in item.fixturenames:
            item.add_marker("postgres")


url_builders.install()  # one compiled URL builder per rule, not per rule and app
sql_shapes.install()  # which statements each test sends: PostgreSQL's covering set


@sa.event.listens_for(sa.pool.Pool, "connect")
def _sqlite_commits_skip_the_disk(dbapi_connection, _record) -> None:
    """Tests' SQLite files commit without fsync (what other connections see is the same;
    only a power cut could lose a commit): the suite commits thousands of times."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        dbapi_connection.execute("PRAGMA synchronous=OFF")


def _admin_url(url: str) -> sa.URL:
    return sa.make_url(url).set(drivername="postgresql+psycopg")


@contextlib.contextmanager
def fresh_pg_database(prefix: str, template: str | None = None):
    """Create an empty PostgreSQL database on TEST_DATABASE_URL's server (a copy of the
    database `template` when given, which nothing may be connected to); drop it after."""
    base = _admin_url(PG_URL)
    name = f"{prefix}_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    admin = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        copying = f' TEMPLATE "{template}"' if template else ""
        conn.execute(sa.text(f'CREATE DATABASE "{name}"{copying}'))
        # A commit returns before its WAL reaches the disk (visible to every other
        # connection at once, as always; only a crash of the server could lose it).
        conn.execute(sa.text(f'ALTER DATABASE "{name}" SET synchronous_commit TO OFF'))
    try:
        yield base.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def pg_database_url():
    """A fresh PostgreSQL database for this pytest process, dropped afterwards."""
    if not PG_URL:
        pytest.skip("TEST_DATABASE_URL is not set")
    with fresh_pg_database("lithloop_t") as url:
        yield url


_pg_schema_ready: set[str] = set()


class ReadWholeClient(FlaskClient):
    """The test client, reading every response body whole and closing it, as a WSGI server
    does once it has sent the body. Left half-read, a streamed body keeps its generator
    suspended inside the app context it opened, on this thread, until garbage collection
    closes it in some later test (which then pops the wrong context)."""

    def open(self, *args, **kwargs):
        kwargs.setdefault("buffered", True)
        return super().open(*args, **kwargs)


class _TemplateCodeOfTheProcess(BytecodeCache):
    """Compiled templates shared by every app of this pytest process: each test makes its
    own app, and each app's Jinja environment compiled every template it rendered again
    (about 50 ms a template). Jinja checks each entry against its source's checksum."""

    def __init__(self):
        self.code: dict[str, bytes] = {}

    def load_bytecode(self, bucket) -> None:
        if (code := self.code.get(bucket.key)) is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket) -> None:
        self.code[bucket.key] = bucket.bytecode_to_string()


TEMPLATE_CODE = _TemplateCodeOfTheProcess()


# This process's own instance folder (stored uploads, demo state): a test that empties the
# uploads folder must never remove a file another pytest worker's test has just stored (a
# fleet import between its preview and its confirm read "the uploaded file has expired").
PROCESS_INSTANCE = Path(os.environ["LITHLOOP_INSTANCE"]) / (
    "process-" + os.environ.get("PYTEST_XDIST_WORKER", "main")
)


def make_app(database_url: str, **extra):
    """An app for tests on the given database (cheap hashing, CSRF on)."""
    PROCESS_INSTANCE.mkdir(parents=True, exist_ok=True)
    config = {
        "TESTING": True,
        "INSTANCE_PATH": str(PROCESS_INSTANCE),
        "SQLALCHEMY_DATABASE_URI": database_url,
        "PASSWORD_HASH_METHOD": CHEAP_HASH,
        "SERVER_NAME": "lithloop.test",
        "RATELIMIT_STORAGE_URI": "memory://",
        # This process's own writes only: tests of several processes' counters
        # (test_shared_cache.py) choose them, and other pytest workers' writes never
        # clear this one's cache (a query count must not depend on them).
        "CACHE_COUNTERS": "none",
        # A quick run on a test's day of a few stops ends this long after its last
        # improvement, not 3 s (tests of the stop itself choose their own).
        "PLAN_QUICK_NO_IMPROVEMENT_S": 0.5,
    }
    config.update(extra)
    made = create_app(config)
    made.test_client_class = ReadWholeClient
    made.jinja_env.bytecode_cache = TEMPLATE_CODE
    return made


@contextlib.contextmanager
def app_on_own_pg_database(prefix: str, seed, **extra):
    """An app on a fresh PostgreSQL database of its own (its threads commit for real,
    nothing to roll back), with what `seed()` stored and returned: yields (app, seeded)."""
    with fresh_pg_database(prefix) as url:
        app = make_app(url, **extra)
        with app.app_context():
            _db.create_all()
            seeded = seed()
        try:
            yield app, seeded
        finally:
            with app.app_context():
                _db.session.remove()
                _db.engine.dispose()


@pytest.fixture(params=BACKENDS)
def backend(request):
    """The database backend of this test run: 'sqlite' or 'postgresql'."""
    return request.param


#: The database URLs every test of this process uses (its SQLite file, its PostgreSQL
#: database): their apps share one engine each (_shared_engine).
_SHARED_URLS: set[str] = set()
_ENGINES: dict[tuple, sa.Engine] = {}
_make_engine = SQLAlchemy._make_engine


def _shared_engine(self, bind_key, options, app):
    """One engine per test database of this process, whichever app asks: a new engine
    compiles every statement again (the compiled cache is the engine's), and the suite
    makes two apps a test. Each test disposes its connections (the app fixture)."""
    url = str(options.get("url"))
    if url not in _SHARED_URLS:
        return _make_engine(self, bind_key, options, app)
    key = (url, repr(sorted(options.items(), key=str)))
    if key not in _ENGINES:
        _ENGINES[key] = _make_engine(self, bind_key, options, app)
    return _ENGINES[key]


SQLAlchemy._make_engine = _shared_engine


@pytest.fixture(scope="session")
def sqlite_test_file(tmp_path_factory) -> Path:
    """The SQLite file of every test of this process, made anew for each test."""
    return tmp_path_factory.mktemp("database") / "test.sqlite3"


@pytest.fixture
def database_url(backend, request):
    """A database URL for one test with an empty schema (SQLite: no file yet)."""
    if backend == "sqlite":
        path = request.getfixturevalue("sqlite_test_file")
        url = f"sqlite:///{path}"
        for engine in [e for (u, _), e in _ENGINES.items() if u == url]:
            engine.dispose()
        for suffix in ("", "-journal", "-wal", "-shm"):  # an earlier test's, whole
            path.with_name(path.name + suffix).unlink(missing_ok=True)
        _SHARED_URLS.add(url)
        return url
    url = request.getfixturevalue("pg_database_url")
    _SHARED_URLS.add(url)
    return url


@pytest.fixture(scope="session")
def sqlite_schema(tmp_path_factory):
    """An SQLite file with the empty schema, built once per session (per pytest worker)."""
    path = tmp_path_factory.mktemp("schema") / "schema.sqlite3"
    builder = make_app(f"sqlite:///{path}")
    with builder.app_context():
        _db.create_all()
        _db.session.remove()
        _db.engine.dispose()  # closes every connection: the file is complete on its own
    return path


#: Every sequence of the public schema back at its start (serial ids and the park serials).
RESTART_SEQUENCES = """
SELECT setval(s.seqrelid, s.seqstart, false)
FROM pg_sequence s JOIN pg_class c ON c.oid = s.seqrelid
JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public'
"""


def empty_pg_tables(engine: sa.Engine) -> None:
    """Delete every row of every table and restart the sequences, as TRUNCATE ... RESTART
    IDENTITY would. DELETE on the few rows a test leaves is much faster than TRUNCATE, which
    makes new files for every table and index; the replica role skips the triggers (foreign
    keys in any order, the append-only guards) for this cleanup only."""
    with engine.begin() as conn:
        conn.execute(sa.text("SET LOCAL session_replication_role = replica"))
        for table in _db.metadata.sorted_tables:
            conn.execute(table.delete())
        conn.execute(sa.text(RESTART_SEQUENCES))


@contextlib.contextmanager
def _without_api_document():
    """Apps made inside the block route the API as always but skip writing its OpenAPI
    document (half the cost of create_app): for the twin app, which serves no request."""
    from flask_smorest import Api, Blueprint

    saved = Blueprint.register_views_in_doc, Api._register_responses
    Blueprint.register_views_in_doc = lambda *args, **kwargs: None
    Api._register_responses = lambda self: None  # the document's error responses: 40 %
    try:
        yield
    finally:
        Blueprint.register_views_in_doc, Api._register_responses = saved


#: The OpenAPI document of the app, built once per pytest process (config keys that shape it).
_API_DOCUMENTS: dict[tuple, object] = {}


def make_documented_app(database_url: str, **extra):
    """make_app, with the OpenAPI document built by the first such app of this process and
    handed to the later ones: the document depends only on the code and the API_/OPENAPI_
    settings, and building it is three quarters of create_app."""
    from lithloop.web.api import api

    shaping = ("API_", "OPENAPI_")
    key = tuple(sorted((k, repr(v)) for k, v in extra.items() if k.startswith(shaping)))
    if key not in _API_DOCUMENTS:
        made = make_app(database_url, **extra)
        _API_DOCUMENTS[key] = api.spec
        return made
    with _without_api_document():
        made = make_app(database_url, **extra)
    api.spec = _API_DOCUMENTS[key]
    return made


@pytest.fixture
def app(database_url, backend, request):
    """The app under test, on a clean database.

    The test body runs inside the app context of a twin app on the same database, so
    that each request the test client makes gets its own app context, session and `g`,
    exactly as in production (a shared context would hide missing commits). The twin has
    every route but no OpenAPI document; the served app, made last, documents the API (the
    process's one document: make_documented_app). On SQLite the
    empty schema is a copy of the session's file, not built again for every test.
    """
    copied = False
    if backend == "sqlite" and database_url.startswith("sqlite:///"):
        sqlite_file = Path(database_url.removeprefix("sqlite:///"))
        if not sqlite_file.exists():
            shutil.copyfile(request.getfixturevalue("sqlite_schema"), sqlite_file)
            copied = True
    with _without_api_document():
        twin = make_app(database_url)  # first: `api` keeps the served app's full document
    served = make_documented_app(database_url)
    with twin.app_context():
        if not copied and (backend == "sqlite" or database_url not in _pg_schema_ready):
            _db.create_all()
            _pg_schema_ready.add(database_url)
        yield served
        _db.session.remove()
        if backend == "postgresql":
            empty_pg_tables(_db.engine)
        _db.engine.dispose()
    with served.app_context():
        _db.engine.dispose()


def coming_open_morning():
    """09:30 in Mudanjiang (aware UTC) of the first open day after today: a test's "today"
    when the real one is closed (a Sunday or a holiday in Beijing)."""
    from datetime import UTC, datetime, time

    from lithloop.demo.activity import next_open_day

    return datetime.combine(next_open_day(clock.today()), time(1, 30), tzinfo=UTC)


def freeze_clock(patch: pytest.MonkeyPatch, moment):
    """Stop lithloop's one clock at an aware UTC moment (undone with the patch)."""
    patch.setattr(clock, "now", lambda: moment)
    return moment


@pytest.fixture
def frozen_clock(monkeypatch):
    """Freeze the clock: `frozen_clock(moment)` sets it (call again to move it on)."""
    return lambda moment: freeze_clock(monkeypatch, moment)


@pytest.fixture
def client(app):
    """A test client of the app."""
    return app.test_client()


CSRF_RE = re.compile(
    r'name="csrf_token" type="hidden" value="([^"]+)"|'
    r'name="csrf_token" value="([^"]+)"'
)


def csrf_token(client, url: str) -> str:
    """Open a page and return the CSRF token of its form."""
    page = client.get(url, follow_redirects=True)  # as a browser would
    match = CSRF_RE.search(page.get_data(as_text=True))
    assert match, f"no CSRF token on {url} (status {page.status_code})"
    return match.group(1) or match.group(2)


#: The signed CSRF token a client last read from a page, by client, with the session's raw
#: token it was signed from: while the session keeps that raw token, the signed one stays valid
#: (WTF_CSRF_TIME_LIMIT is None), as a browser's open tab keeps its form's token.
_SIGNED_TOKENS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _session_raw_token(client) -> str | None:
    """The raw CSRF token in the client's session cookie, if it has a session."""
    if client.get_cookie("session") is None:
        return None
    with client.session_transaction() as session:
        return session.get("csrf_token")


def submit(client, url: str, data: dict, *, page: str | None = None, **kwargs):
    """Post a form the way a browser does: with the CSRF token from the page. The page is
    opened the first time and whenever the session's raw token changed (a new session, a
    log-in or log-out); otherwise the token read last is sent again, saving a page's render
    (a third of a form test's time)."""
    raw = _session_raw_token(client)
    known = _SIGNED_TOKENS.get(client)
    if raw is not None and known is not None and known[0] == raw:
        token = known[1]
    else:
        token = csrf_token(client, page or url)
        _SIGNED_TOKENS[client] = (_session_raw_token(client), token)
    return client.post(url, data={**data, "csrf_token": token}, **kwargs)


def api_headers(client, user, password: str | None = None) -> dict:
    """`Authorization: Bearer …` for a user, with a token from the real token endpoint."""
    from tests.factories import PASSWORD

    response = client.post(
        "/api/v1/auth/token",
        json={"email": user.email, "password": PASSWORD if password is None else password},
    )
    assert response.status_code == 201, response.json
    return {"Authorization": f"Bearer {response.json['token']}"}


class Auth:
    """Log in and out through the real login form."""

    def __init__(self, client):
        self.client = client

    def login(self, email: str, password: str | None = None):
        from tests.factories import PASSWORD

        password = PASSWORD if password is None else password
        return submit(self.client, "/login", {"email": email, "password": password})

    def login_demo(self, role: str):
        """Log in as <role>@demo.lithloop with the demo password."""
        return self.login(f"{role}@demo.lithloop", DEMO_PASSWORD)

    def logout(self):
        return submit(self.client, "/logout", {}, page="/")


@pytest.fixture
def auth(client):
    """Helper to log the test client in as someone."""
    return Auth(client)


@pytest.fixture
def login_as(client):
    """login_as(role) -> a new user with that role, logged in through the real form."""
    from tests.factories import make_user_as

    def log_in(role, **kwargs):
        user = make_user_as(role, **kwargs)
        response = Auth(client).login(user.email)
        assert response.status_code == 302, response.status_code
        return user

    return log_in


@pytest.fixture
def bearer_as(client):
    """bearer_as(role) -> (a new user with that role, its Authorization header)."""
    from tests.factories import make_user_as

    def headers(role, **kwargs):
        user = make_user_as(role, **kwargs)
        return user, api_headers(client, user)

    return headers


@pytest.fixture(scope="session")
def demo_copies(tmp_path_factory):
    """The demos this pytest process seeded, copied into each test that asks (demo_copies.py)."""
    from tests.demo_copies import of_process

    return of_process(tmp_path_factory)


@pytest.fixture
def demo(app, backend, demo_copies):
    """The demo region seeded into the test database (seed 7): seed_demo's summary."""
    return demo_copies.seed(app, backend, seed=7, password=DEMO_PASSWORD)


@pytest.fixture
def demo_activity(app, backend, demo_copies):
    """The demo region with its activity (history, bookings, today's published plan)."""
    return demo_copies.seed(app, backend, seed=7, password=DEMO_PASSWORD, activity=True)


STRIPE_WEBHOOK_SECRET = "whsec_test_lithloop_market"
STRIPE_ENV = {
    "STRIPE_SECRET_KEY": "sk_test_lithloop_market",
    "STRIPE_PUBLISHABLE_KEY": "pk_test_lithloop_market",
    "STRIPE_WEBHOOK_SECRET": STRIPE_WEBHOOK_SECRET,
}


@pytest.fixture(scope="session")
def localstripe():
    """localstripe started once per test process; every app built meanwhile points at it."""
    from lithloop.payments.localstripe_server import LocalStripe

    server = LocalStripe().start()
    saved = {k: os.environ.get(k) for k in [*STRIPE_ENV, "STRIPE_API_BASE"]}
    os.environ.update(STRIPE_ENV, STRIPE_API_BASE=server.base_url)
    yield server
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value
    server.stop()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item, nextitem):
    """Record the SQL statement shapes the test sends (tests/sql_shapes.py)."""
    with sql_shapes.Recording(item):
        yield


SHAPES_FOLDER = Path(os.environ["LITHLOOP_INSTANCE"]) / "sql-shapes"


def pytest_sessionfinish(session, exitstatus):
    """Drop the PostgreSQL templates of the worlds this process built (world_copies.py);
    leave this process's SQL shapes for the controller."""
    from tests import world_copies

    world_copies.drop_templates()
    if sql_shapes.record:
        sql_shapes.write_part(SHAPES_FOLDER, os.environ.get("PYTEST_XDIST_WORKER", "main"))


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    """Say which statement shapes this run sent on SQLite and by no test on PostgreSQL."""
    if not PG_URL or not SHAPES_FOLDER.exists() or hasattr(config, "workerinput"):
        return
    merged = sql_shapes.merge(SHAPES_FOLDER)
    if out := os.environ.get("LITHLOOP_SQL_SHAPES"):
        Path(out).write_text(json.dumps(merged), encoding="utf-8")
    missing = sql_shapes.uncovered(merged, frozenset(sql_shapes.sqlite_only()))
    shapes = {s for row in merged["rows"] for s in row[2]}
    write = terminalreporter.write_line
    terminalreporter.section("SQL statements on PostgreSQL (tests/sql_shapes.py)")
    write(
        f"{len(shapes)} statement shapes; {len(missing)} sent on SQLite "
        "by no test run here on PostgreSQL"
    )
    for shape, tests in sorted(missing.items(), key=lambda kv: kv[1][0])[:20]:
        write(f"  {merged['texts'].get(shape, shape)[:140]}")
        write(f"    sent by {tests[0]}" + (f" and {len(tests) - 1} more" if len(tests) > 1 else ""))


def pytest_collection_finish(session):
    """Freeze what import and collection made into the garbage collector's permanent
    generation: no full collection walks those objects again (each test makes two apps of
    thousands of objects, and full collections walked the whole heap many times a test).
    The collection thresholds stay Python's: collecting at other moments let a finalizer
    run in the depth of test_hostile_input's 100,000-deep JSON body and fail there."""
    import gc

    gc.collect()
    gc.freeze()
