"""A wrong configuration value stops start-up with one line naming the variable."""

from __future__ import annotations

import pytest

from lithloop import create_app
from lithloop.config import load_settings
from lithloop.settings_values import ConfigError

WRONG_AT_LOAD = [
    ("PLAN_MAX_SECONDS", "5m"),
    ("PLAN_MAX_SECONDS", "0"),
    ("PARK_WORKING_DAYS_PER_YEAR", "0"),
    ("READ_CACHE_S", "nan"),
    ("PROXY_FIX_COUNT", "-1"),
    ("SESSION_COOKIE_SECURE", "ture"),
    ("RUN_FALLBACK_TO_THREAD", "enabled"),
    ("PARK_CLOSED_WEEKDAYS", "7"),
    ("PARK_CLOSED_WEEKDAYS", "sun"),
    ("GRADE_MIN_SOH", "A=80,B=60"),
    ("GRADE_MIN_SOH", "A=60,B=80,C=40"),
    ("GRADE_MIN_SOH", "A80"),
    ("RECYCLING_LINES_T_PER_DAY", "12;12;10"),
    ("CO2_KG_PER_KG_RECYCLED", "one"),
    ("INVITATION_MAX_AGE_S", "7d"),
    ("INVITATION_MAX_AGE_S", "60"),  # an invitation lives at least an hour
    ("INVITATION_MAX_AGE_S", "31536000"),  # and at most 30 days (a year was taken)
    ("PASSWORD_RESET_MAX_AGE_S", "30"),  # the letter would say "0 minutes"
    ("PASSWORD_RESET_MAX_AGE_S", "604800"),  # a reset link lives at most a day
    ("REGISTRATION_LINK_MAX_AGE_S", "0"),
    ("REGISTRATION_LINK_MAX_AGE_S", "2592000"),
]

WRONG_AT_CHECK = [
    ("PARK_CLOSED_WEEKDAYS", "0,1,2,3,4,5,6"),
    ("LOG_FORMAT", "jsno"),
    ("LOG_LEVEL", "LOUD"),
    ("GEOCODER", "google"),
    ("PAYMENTS_MODE", "live"),
    ("PARK_TIMEZONE", "Asia/Mudanjiang"),
    ("DISPLAY_TIMEZONE", "CST+8"),
    ("PARK_CODE_LINE", "10"),
    ("PUBLIC_BASE_URL", "lithloop.example.cn"),
    ("STRIPE_WALLETS", "paypal"),
    ("LOGIN_RATE_LIMIT", "ten a minute"),
    ("CACHE_COUNTERS", "memcached://cache:11211"),
    ("REDIS_URL", "localhost:6379"),
    ("RATELIMIT_STORAGE_URI", "foo"),
    ("CELERY_BROKER_URL", "cache:6379"),
    ("OSRM_URL", "osrm:5000"),
    ("MAP_TILE_URL", "tiles"),
    ("STRIPE_API_BASE", "127.0.0.1:8420"),
    ("STRIPE_JS_URL", "js.stripe.com/v3/"),
    ("MAIL_FROM", "lithloop"),
    ("MAIL_FROM", "lithloop <noreply at lithloop.cn>"),
    ("MAP_TILE_URL", "https://tiles.example/tiles.png"),
    ("TRACE_HOLIDAYS_FILE", "/nonexistent/cn_holidays.json"),
]


@pytest.mark.parametrize(("name", "value"), WRONG_AT_LOAD)
def test_a_wrong_value_is_refused_naming_the_variable(monkeypatch, name, value):
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError) as refused:
        load_settings()
    assert f"{name}={value!r}" in str(refused.value)
    assert "expected" in str(refused.value)


@pytest.mark.parametrize(("name", "value"), WRONG_AT_CHECK)
def test_the_app_does_not_start_with_a_value_it_cannot_use(monkeypatch, tmp_path, name, value):
    monkeypatch.setenv(name, value)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'x.sqlite3'}")
    with pytest.raises(ConfigError) as refused:
        create_app({"HOUSEKEEPING_INTERVAL_S": 0})
    assert f"{name}={value!r}" in str(refused.value)


def test_a_holiday_file_that_is_not_a_calendar_is_refused(monkeypatch, tmp_path):
    bad = tmp_path / "holidays.json"
    bad.write_text("{not json", encoding="utf-8")
    monkeypatch.setenv("TRACE_HOLIDAYS_FILE", str(bad))
    with pytest.raises(ConfigError, match="TRACE_HOLIDAYS_FILE"):
        create_app({"HOUSEKEEPING_INTERVAL_S": 0})


def test_nominatim_without_a_domain_is_refused(monkeypatch):
    monkeypatch.setenv("GEOCODER", "nominatim")
    monkeypatch.delenv("NOMINATIM_DOMAIN", raising=False)
    with pytest.raises(ConfigError, match="NOMINATIM_DOMAIN"):
        create_app({"HOUSEKEEPING_INTERVAL_S": 0})


def test_right_values_and_empty_ones_are_read(monkeypatch):
    monkeypatch.setenv("PLAN_MAX_SECONDS", " 120 ")
    monkeypatch.setenv("SESSION_COOKIE_SECURE", "TRUE")
    monkeypatch.setenv("PARK_CLOSED_WEEKDAYS", "5,6")
    monkeypatch.setenv("GRADE_MIN_SOH", "A=85,B=65,C=45")
    monkeypatch.setenv("READ_CACHE_S", "")
    settings = load_settings()
    assert settings["PLAN_MAX_SECONDS"] == 120
    assert settings["SESSION_COOKIE_SECURE"] is True
    assert settings["PARK_CLOSED_WEEKDAYS"] == [5, 6]
    assert settings["GRADE_MIN_SOH"] == {"A": 85, "B": 65, "C": 45}
    assert settings["READ_CACHE_S"] == 5.0


def test_defaults_are_the_readmes(monkeypatch):
    for name in ("PLAN_MAX_SECONDS", "SESSION_COOKIE_SECURE", "GRADE_MIN_SOH", "LOG_FORMAT"):
        monkeypatch.delenv(name, raising=False)
    settings = load_settings()
    assert settings["PLAN_MAX_SECONDS"] == 300
    assert settings["SESSION_COOKIE_SECURE"] is False
    assert settings["GRADE_MIN_SOH"] == {"A": 80, "B": 60, "C": 40}
    assert settings["RECYCLING_LINES_T_PER_DAY"] == [12.0, 12.0, 10.0]
    assert settings["LOG_FORMAT"] == "json"
    assert settings["INVITATION_MAX_AGE_S"] == 7 * 86400
    assert settings["PASSWORD_RESET_MAX_AGE_S"] == 3600


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("bogus!", "'bogus!'"),
        ("mysql://app:s3cret@db/lithloop", "'mysql://app:***@db/lithloop'"),
        ("postgresql+psycopg2://app:s3cret@db/lithloop", "'postgresql+psycopg2://app:***@db/"),
    ],
)
def test_a_database_url_lithloop_cannot_use_is_refused_without_its_password(
    monkeypatch, value, shown
):
    """Not SQLAlchemy's traceback (ArgumentError, or MySQLdb not installed) on `flask db
    upgrade`: one line naming DATABASE_URL, never the password in it."""
    monkeypatch.setenv("DATABASE_URL", value)
    with pytest.raises(ConfigError) as refused:
        create_app({"HOUSEKEEPING_INTERVAL_S": 0})
    message = str(refused.value)
    assert f"DATABASE_URL={shown}" in message and "s3cret" not in message
    assert "postgresql+psycopg://user@host/db" in message


@pytest.mark.parametrize("value", ["postgres://app@db/lithloop", "sqlite:////tmp/x.sqlite3"])
def test_the_database_urls_lithloop_runs_on_are_accepted(monkeypatch, value):
    monkeypatch.setenv("DATABASE_URL", value)
    from lithloop.settings_values import check_services

    check_services(load_settings())


def test_a_cache_counters_file_that_cannot_be_made_is_refused_naming_it(monkeypatch, tmp_path):
    """Not a bare FileNotFoundError from mkdir when gunicorn or `flask` starts."""
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'x.sqlite3'}")
    with pytest.raises(ConfigError) as refused:
        create_app({"HOUSEKEEPING_INTERVAL_S": 0, "CACHE_COUNTERS": "/proc/nope/counters"})
    assert "CACHE_COUNTERS='/proc/nope/counters'" in str(refused.value)


def test_an_instance_folder_that_cannot_be_made_is_refused_naming_it(monkeypatch, tmp_path):
    import lithloop.config

    monkeypatch.setattr(lithloop.config, "INSTANCE", lithloop.config.Path("/proc/nope"))
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(ConfigError, match="LITHLOOP_INSTANCE='/proc/nope'"):
        load_settings()
    # the key is given: the counters' file is next
    monkeypatch.setenv("SECRET_KEY", "0123456789abcdef" * 3)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'x.sqlite3'}")
    for name in ("REDIS_URL", "CACHE_COUNTERS"):
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(ConfigError, match="LITHLOOP_INSTANCE='/proc/nope'"):
        create_app({"HOUSEKEEPING_INTERVAL_S": 0, "RATELIMIT_STORAGE_URI": "memory://"})


WRONG_HOSTS_AND_QUEUES = [
    ("TRUSTED_HOSTS", "https://lithloop.example.cn"),
    ("TRUSTED_HOSTS", "*.example.cn"),
    ("TRUSTED_HOSTS", "lithloop.example.cn/admin"),
    ("TRUSTED_HOSTS", "lithloop.example.cn:99999"),
    ("MAIL_SERVER", "smtp://mail.example.cn"),
    ("MAIL_SERVER", "mail.example.cn:587"),
    ("MAIL_SERVER", "mail example.cn"),
    ("MAIL_PORT", "70000"),
    ("CELERY_QUEUE", "lith loop"),
    ("CELERY_QUEUE", "-x"),
    ("CELERY_HOUSEKEEPING_QUEUE", "lithloop"),  # the runs' queue: it would wait behind them
    ("CELERY_HOUSEKEEPING_QUEUE", "house keeping"),
]


@pytest.mark.parametrize(("name", "value"), WRONG_HOSTS_AND_QUEUES)
def test_hosts_and_queues_that_cannot_work_stop_start_up(monkeypatch, tmp_path, name, value):
    """Free text once read as it was: a scheme in MAIL_SERVER failed the first mail, a URL in
    TRUSTED_HOSTS answered 400 to every request for that host, a space split a queue."""
    monkeypatch.setenv("PUBLIC_BASE_URL", "https://lithloop.example.cn")
    monkeypatch.setenv("CELERY_QUEUE", "lithloop")
    monkeypatch.setenv(name, value)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'x.sqlite3'}")
    with pytest.raises(ConfigError) as refused:
        create_app({"HOUSEKEEPING_INTERVAL_S": 0})
    assert f"{name}={value!r}" in str(refused.value)


def test_right_hosts_and_queues_start(monkeypatch, tmp_path):
    monkeypatch.setenv("PUBLIC_BASE_URL", "https://lithloop.example.cn")
    monkeypatch.setenv("TRUSTED_HOSTS", "lithloop.example.cn:8443, .example.cn,10.0.0.5,[::1]")
    monkeypatch.setenv("MAIL_SERVER", "smtp.example.cn")
    monkeypatch.setenv("MAIL_PORT", "587")
    monkeypatch.setenv("CELERY_QUEUE", "lithloop.runs")
    monkeypatch.setenv("CELERY_HOUSEKEEPING_QUEUE", "lithloop-housekeeping")
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'x.sqlite3'}")
    app = create_app({"HOUSEKEEPING_INTERVAL_S": 0})
    assert app.config["TRUSTED_HOSTS_EXTRA"][1] == ".example.cn"


def test_trusted_hosts_without_a_public_base_url_is_refused(monkeypatch, tmp_path):
    """Without PUBLIC_BASE_URL no host is refused: TRUSTED_HOSTS alone would do nothing."""
    monkeypatch.delenv("PUBLIC_BASE_URL", raising=False)
    monkeypatch.setenv("TRUSTED_HOSTS", "lithloop.example.cn")
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'x.sqlite3'}")
    with pytest.raises(ConfigError, match="TRUSTED_HOSTS=.*PUBLIC_BASE_URL"):
        create_app({"HOUSEKEEPING_INTERVAL_S": 0})


@pytest.mark.parametrize(
    ("key", "why"),
    [
        ("dev", "3 bytes"),
        ("s3cr3t-k3y-2026-mudanjiang", "26 bytes"),
        ("change-me-change-me-change-me-change-me", "placeholder"),
        ("test-secret-key-not-for-production", "placeholder"),
        ("your-secret-key-here-0123456789abcdef", "placeholder"),
        ("a" * 64, "placeholder"),
    ],
)
def test_a_short_or_placeholder_secret_key_stops_start_up(monkeypatch, tmp_path, key, why):
    """A configured key that is short or copied from an example signs sessions, reset links
    and invitations anyone could forge: start-up stops, saying how to make one, never showing
    the key."""
    monkeypatch.setenv("SECRET_KEY", key)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'x.sqlite3'}")
    with pytest.raises(ConfigError) as refused:
        create_app({"HOUSEKEEPING_INTERVAL_S": 0})
    message = str(refused.value)
    assert message.startswith("configuration: SECRET_KEY is not valid") and why in message
    assert "python -c 'import secrets; print(secrets.token_hex(32))'" in message
    assert key not in message


def test_a_random_key_and_the_generated_default_start(monkeypatch, tmp_path):
    import secrets

    import lithloop.config

    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'x.sqlite3'}")
    monkeypatch.setenv("SECRET_KEY", secrets.token_hex(32))
    create_app({"HOUSEKEEPING_INTERVAL_S": 0})
    monkeypatch.delenv("SECRET_KEY")  # `make run`: the key generated into the instance folder
    monkeypatch.setattr(lithloop.config, "INSTANCE", tmp_path / "instance")
    app = create_app({"HOUSEKEEPING_INTERVAL_S": 0, "RATELIMIT_STORAGE_URI": "memory://"})
    assert app.config["SECRET_KEY"] == (tmp_path / "instance" / "secret_key").read_text().strip()


def test_a_link_lifetime_is_refused_above_its_ceiling_and_taken_at_it(monkeypatch):
    monkeypatch.setenv("INVITATION_MAX_AGE_S", str(30 * 86400 + 1))
    with pytest.raises(ConfigError) as refused:
        load_settings()
    assert "from 3600 to 2592000" in str(refused.value)
    monkeypatch.setenv("INVITATION_MAX_AGE_S", str(30 * 86400))
    assert load_settings()["INVITATION_MAX_AGE_S"] == 30 * 86400
