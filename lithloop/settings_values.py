"""Environment values read strictly: a wrong one stops start-up naming the variable.

An operator who types `PLAN_MAX_SECONDS=5m`, `SESSION_COOKIE_SECURE=ture` or
`LOG_FORMAT=jsno` gets one line saying which variable, what it holds and what it takes,
when the app is built (gunicorn, `flask db upgrade`, the Celery worker), never a bare
`ValueError` from `int()` nor a value quietly read as something else.
"""

from __future__ import annotations

import logging
import math
import os
import re
from decimal import Decimal, InvalidOperation
from urllib.parse import urlsplit

from flask.cli import NoAppException

TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off", ""}
LOG_FORMATS = ("json", "text", "none")
GEOCODERS = ("gazetteer", "nominatim")
PAYMENTS_MODES = ("", "demo")
WALLETS = ("alipay", "wechat_pay")
#: (backend, driver) pairs lithloop runs on: psycopg 3 and the standard library's sqlite3.
DATABASES = {("postgresql", "psycopg"), ("sqlite", "pysqlite")}


class ConfigError(NoAppException, ValueError):
    """A configuration variable holds a value lithloop cannot use.

    A ClickException too: where a command line builds the app (`flask run`, `flask db
    upgrade`, any flask command) click shows it as one "Error: ..." line and exits 1, not
    as a traceback; Flask's own "the app could not be loaded" kind, so that `flask` alone or
    `flask --help` print that line above the help, not a traceback. gunicorn and Celery
    check before building it (check_environment, lithloop.jobs.worker)."""

    exit_code = 1  # a setting to correct, not a usage error (click's 2)


def refuse(name: str, value: object, expected: str) -> ConfigError:
    """The error naming the variable, the value it holds and what it takes."""
    return ConfigError(f"configuration: {name}={value!r} is not valid: expected {expected}")


def _raw(name: str, default: str) -> str:
    value = os.environ.get(name)
    return default if value is None or not value.strip() else value.strip()


def env_int(name: str, default: str, minimum: int = 0, maximum: int | None = None) -> int:
    """The variable as a whole number of at least `minimum` and at most `maximum` (unset or
    empty: the default)."""
    text = _raw(name, default)
    try:
        value = int(text)
    except ValueError:
        raise refuse(name, text, f"a whole number (default {default})") from None
    if maximum is not None and not minimum <= value <= maximum:
        raise refuse(name, text, f"a whole number from {minimum} to {maximum} (default {default})")
    if value < minimum:
        raise refuse(name, text, f"a whole number of at least {minimum} (default {default})")
    return value


def env_float(name: str, default: str, minimum: float = 0.0) -> float:
    """The variable as a finite number of at least `minimum` (unset or empty: the default)."""
    text = _raw(name, default)
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        raise refuse(name, text, f"a number (default {default})")
    if value < minimum:
        raise refuse(name, text, f"a number of at least {minimum:g} (default {default})")
    return value


def env_bool(name: str, default: bool) -> bool:
    """The variable as true (1/true/yes/on) or false (0/false/no/off); anything else stops."""
    value = os.environ.get(name)
    if value is None:
        return default
    word = value.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise refuse(name, value, "true or false (also 1/0, yes/no, on/off)")


def env_int_list(name: str, default: str, minimum: int = 0, maximum: int | None = None) -> list:
    """A comma-separated list of whole numbers within bounds."""
    text = _raw(name, default)
    try:
        values = [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        values = []
    top = math.inf if maximum is None else maximum
    if not values or any(not minimum <= v <= top for v in values):
        bounds = f"{minimum}-{maximum}" if maximum is not None else f"at least {minimum}"
        raise refuse(name, text, f"whole numbers {bounds}, comma-separated (default {default})")
    return values


def env_float_list(name: str, default: str) -> list:
    """A comma-separated list of positive numbers."""
    text = _raw(name, default)
    try:
        values = [float(part) for part in text.split(",")]
    except ValueError:
        values = []
    if not values or any(not (math.isfinite(v) and v > 0) for v in values):
        raise refuse(name, text, f"positive numbers, comma-separated (default {default})")
    return values


def env_grades(name: str, default: str) -> dict:
    """GRADE_MIN_SOH: A=..,B=..,C=.. state-of-health floors (%), each below the one before."""
    text = _raw(name, default)
    expected = f"A=..,B=..,C=.. with 100 >= A > B > C >= 0 (default {default})"
    try:
        pairs = [part.split("=") for part in text.split(",")]
        grades = {k.strip().upper(): int(v) for k, v in pairs}
    except ValueError:
        raise refuse(name, text, expected) from None
    if set(grades) != {"A", "B", "C"}:
        raise refuse(name, text, expected)
    if not 100 >= grades["A"] > grades["B"] > grades["C"] >= 0:
        raise refuse(name, text, expected)
    return grades


def env_decimal(name: str, default: str) -> str:
    """A non-negative decimal kept as text (the dashboard's CO2 factors)."""
    text = _raw(name, default)
    try:
        value = Decimal(text)
    except InvalidOperation:
        value = Decimal("NaN")
    if not value.is_finite() or value < 0:
        raise refuse(name, text, f"a non-negative number (default {default})")
    return text


def _choice(config: dict, name: str, choices: tuple, shown: str | None = None) -> None:
    value = config.get(name)
    if value not in choices:
        raise refuse(shown or name, value, "one of " + ", ".join(repr(c) for c in choices))


def _zone(name: str, value: str) -> None:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise refuse(name, value, "an IANA time zone such as 'Asia/Shanghai'") from None


def _origin(name: str, value: str) -> None:
    parts = urlsplit(value)
    if parts.scheme not in {"http", "https"} or not parts.hostname or parts.path not in {"", "/"}:
        raise refuse(name, value, "an origin such as 'https://lithloop.example.cn'")


def _mail_from(value: str) -> None:
    """MAIL_FROM: an address (with a name or not) that mail servers take as the sender."""
    from email.utils import parseaddr

    local, _, domain = parseaddr(value)[1].rpartition("@")
    if not (local and domain) or any(c.isspace() for c in local + domain):
        raise refuse("MAIL_FROM", value, "an address such as 'lithloop <noreply@example.cn>'")


def _scheme(name: str, value: str, schemes: set, example: str) -> None:
    scheme = value.split("://", 1)[0].lower() if "://" in value else ""
    if value and scheme not in schemes:
        raise refuse(name, value, f"a URL such as {example!r}")


def _web_url(name: str, value: str, example: str) -> None:
    parts = urlsplit(value)
    if value and (parts.scheme not in {"http", "https"} or not parts.hostname):
        raise refuse(name, value, f"an http(s) URL such as {example!r}")


def _database(url: str) -> None:
    """DATABASE_URL: a URL SQLAlchemy reads, for PostgreSQL (psycopg) or SQLite."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    expected = "a URL such as 'postgresql+psycopg://user@host/db' or 'sqlite:///path'"
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise refuse("DATABASE_URL", re.sub(r":[^:/@]*@", ":***@", url), expected) from None
    if (parsed.get_backend_name(), parsed.get_driver_name()) not in DATABASES:
        shown = parsed.render_as_string(hide_password=True)
        raise refuse("DATABASE_URL", shown, expected)


def check_services(config: dict) -> None:
    """Refuse URLs of outside services and files that cannot work, naming the variable."""
    import limits.storage
    from kombu.transport import TRANSPORT_ALIASES

    _database(str(config.get("SQLALCHEMY_DATABASE_URI") or ""))
    redis = {"redis", "rediss", "unix"}
    _scheme("REDIS_URL", config.get("REDIS_URL") or "", redis, "redis://cache:6379/0")
    broker = config.get("CELERY_BROKER_URL") or ""
    _scheme("CELERY_BROKER_URL", broker, set(TRANSPORT_ALIASES), "redis://cache:6379/1")
    stores = set(limits.storage.SCHEMES) | {"sqlitefile"}
    uri = config.get("RATELIMIT_STORAGE_URI") or ""
    _scheme("RATELIMIT_STORAGE_URI", uri, stores, "redis://cache:6379/0")
    _web_url("OSRM_URL", config.get("OSRM_URL") or "", "http://osrm:5000")
    _web_url("STRIPE_API_BASE", config.get("STRIPE_API_BASE") or "", "http://127.0.0.1:8420")
    stripe_js = config.get("STRIPE_JS_URL") or ""
    _web_url("STRIPE_JS_URL", stripe_js, "https://js.stripe.com/v3/")
    tiles = config.get("MAP_TILE_URL") or ""
    example = "https://tiles.example/{z}/{x}/{y}.png"
    _web_url("MAP_TILE_URL", tiles, example)
    if tiles and not all(part in tiles for part in ("{z}", "{x}", "{y}")):
        raise refuse(
            "MAP_TILE_URL", tiles, f"a URL with {{z}}, {{x}} and {{y}}, such as {example!r}"
        )
    holidays = config.get("TRACE_HOLIDAYS_FILE") or ""
    if holidays:
        from lithloop.batteries.working_days import load_calendar

        try:
            load_calendar(holidays)
        except (OSError, ValueError, KeyError, TypeError) as error:
            raise refuse(
                "TRACE_HOLIDAYS_FILE", holidays, f"a readable holiday JSON ({error})"
            ) from None


def check_settings(config: dict) -> None:
    """Refuse, naming the variable, settings whose values the app cannot use."""
    from lithloop.settings_checks import check_hosts_and_queues, check_secret_key

    check_secret_key(str(config.get("SECRET_KEY") or ""))
    check_services(config)
    check_hosts_and_queues(config)
    if len(set(config.get("PARK_CLOSED_WEEKDAYS") or [])) >= 7:
        closed = ",".join(str(d) for d in config["PARK_CLOSED_WEEKDAYS"])
        raise refuse("PARK_CLOSED_WEEKDAYS", closed, "at most six closed weekdays (6 = Sunday)")
    _choice(config, "LOG_FORMAT", LOG_FORMATS)
    if not isinstance(logging.getLevelName(str(config.get("LOG_LEVEL", "")).upper()), int):
        raise refuse("LOG_LEVEL", config.get("LOG_LEVEL"), "DEBUG, INFO, WARNING or ERROR")
    _choice(config, "GEOCODER", GEOCODERS)
    if config.get("GEOCODER") == "nominatim" and not config.get("NOMINATIM_DOMAIN"):
        raise refuse("NOMINATIM_DOMAIN", "", "a domain when GEOCODER=nominatim")
    _choice(config, "NOMINATIM_SCHEME", ("http", "https"))
    _choice(config, "PAYMENTS_MODE", PAYMENTS_MODES)
    _zone("PARK_TIMEZONE", config.get("PARK_TIMEZONE") or "")
    _zone("DISPLAY_TIMEZONE", config.get("BABEL_DEFAULT_TIMEZONE") or "")
    line = str(config.get("PARK_CODE_LINE", "0"))
    if len(line) != 1 or not (line.isascii() and line.isalnum()):
        raise refuse("PARK_CODE_LINE", line, "one character 0-9 or A-Z")
    for name in ("PUBLIC_BASE_URL",):
        if config.get(name):
            _origin(name, config[name])
    _mail_from(str(config.get("MAIL_FROM") or ""))
    wallets = [w.strip() for w in str(config.get("STRIPE_WALLETS", "")).split(",") if w.strip()]
    if any(w not in WALLETS for w in wallets):
        raise refuse("STRIPE_WALLETS", config.get("STRIPE_WALLETS"), "alipay and/or wechat_pay")
    counters = str(config.get("CACHE_COUNTERS") or "")
    if counters and counters != "none" and "://" in counters:
        if not counters.startswith(("redis://", "rediss://", "unix://")):
            raise refuse("CACHE_COUNTERS", counters, "a file path, redis://... or none")
    from limits import parse_many

    try:
        parse_many(str(config.get("LOGIN_RATE_LIMIT", "")))
    except ValueError:
        limit = config.get("LOGIN_RATE_LIMIT")
        raise refuse("LOGIN_RATE_LIMIT", limit, "e.g. '10 per minute'") from None


def check_environment() -> None:
    """The environment's settings refused as create_app refuses them, without building an
    app: gunicorn's master checks them once before starting workers (gunicorn.conf.py)."""
    from lithloop.cache.shared_generations import check_counters_file
    from lithloop.config import load_settings
    from lithloop.metrics import ensure_multiprocess_dir

    settings = load_settings()
    check_settings(settings)
    check_counters_file(settings)
    ensure_multiprocess_dir()
