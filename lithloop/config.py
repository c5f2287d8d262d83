"""Settings read from the environment, with embedded defaults for a laptop.

The seller on invoices (SELLER_*): each detail set here wins over what the park saved on
its company page; `flask seed-demo` saves a plainly demo park's (marked 演示). A detail
given by neither is not left blank on an invoice without a word: the invoice says, visibly,
that it is incomplete and which details the park has not given (services/market/
invoices.py missing_seller). So set SELLER_* (or the park's saved details) in production.
"""

from __future__ import annotations

import os
import secrets
import sys
from pathlib import Path

from lithloop.settings_values import (
    env_bool,
    env_decimal,
    env_float,
    env_float_list,
    env_grades,
    env_int,
    env_int_list,
    refuse,
)

PACKAGE = Path(__file__).resolve().parent
ROOT = PACKAGE.parent


def asset_dir(name: str) -> Path:
    """templates, static or migrations: inside the installed package, else the checkout's."""
    packaged = PACKAGE / name
    return packaged if packaged.is_dir() else ROOT / name


def default_instance() -> Path:
    """The checkout's instance/, or Flask's <prefix>/var/lithloop-instance once installed."""
    if (PACKAGE / "templates").is_dir():  # a wheel's install: never write into site-packages
        return Path(sys.prefix) / "var" / "lithloop-instance"
    return ROOT / "instance"


INSTANCE = Path(os.environ.get("LITHLOOP_INSTANCE") or default_instance())


def _secret_key(instance: Path) -> str:
    """Return SECRET_KEY from the environment or a key generated once into instance/."""
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    try:
        instance.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise refuse("LITHLOOP_INSTANCE", str(instance), f"a writable folder ({error})") from None
    path = instance / "secret_key"
    if not path.exists():  # gunicorn's workers start together: the first key linked wins
        temporary = instance / f".secret_key.{os.getpid()}.{secrets.token_hex(4)}"
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(48))
        try:
            os.link(temporary, path)  # atomic, whole, never over another worker's key
        except FileExistsError:
            pass
        finally:
            temporary.unlink()
    return path.read_text().strip()


def _database_url(instance: Path) -> str:
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith("postgres://"):  # Heroku-style URLs
        url = "postgresql+psycopg://" + url[len("postgres://") :]
    elif url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url or f"sqlite:///{instance / 'lithloop.sqlite3'}"


def load_settings() -> dict:
    """Build the settings mapping from environment variables and embedded defaults."""
    instance = INSTANCE
    redis_url = os.environ.get("REDIS_URL", "")
    return {
        "INSTANCE_PATH": str(instance),
        "SECRET_KEY": _secret_key(instance),
        "SQLALCHEMY_DATABASE_URI": _database_url(instance),
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "REDIS_URL": redis_url,
        "CELERY_BROKER_URL": os.environ.get("CELERY_BROKER_URL", ""),
        "STRIPE_SECRET_KEY": os.environ.get("STRIPE_SECRET_KEY", ""),
        "STRIPE_PUBLISHABLE_KEY": os.environ.get("STRIPE_PUBLISHABLE_KEY", ""),
        "STRIPE_WEBHOOK_SECRET": os.environ.get("STRIPE_WEBHOOK_SECRET", ""),
        "STRIPE_API_BASE": os.environ.get("STRIPE_API_BASE", ""),
        # "demo": without STRIPE_SECRET_KEY, start the embedded fake Stripe (localstripe) for
        # test cards (`make run` sets it); anything else: no key means payments are off.
        "PAYMENTS_MODE": os.environ.get("PAYMENTS_MODE", ""),
        # Wallets the Stripe account offers besides cards ("alipay,wechat_pay"); the
        # embedded localstripe knows cards only, so they are never offered with it.
        "STRIPE_WALLETS": os.environ.get("STRIPE_WALLETS", ""),
        # Where the browser loads Stripe.js from: js.stripe.com, or the local fake server.
        "STRIPE_JS_URL": os.environ.get("STRIPE_JS_URL", "https://js.stripe.com/v3/"),
        # The seller on invoices (the park's company): from configuration, never guessed;
        # unset, the park's saved details, else the invoice says it is incomplete (above).
        "SELLER_NAME": os.environ.get("SELLER_NAME", ""),
        "SELLER_TAXPAYER_ID": os.environ.get("SELLER_TAXPAYER_ID", ""),
        "SELLER_ADDRESS": os.environ.get("SELLER_ADDRESS", ""),
        "SELLER_PHONE": os.environ.get("SELLER_PHONE", ""),
        "SELLER_BANK": os.environ.get("SELLER_BANK", ""),
        "SELLER_ACCOUNT": os.environ.get("SELLER_ACCOUNT", ""),
        # Outside services: every call has a time limit well below the web worker's timeout
        # (gunicorn.conf.py, 30 s), so that a hung service is a clear error within seconds,
        # never a worker killed mid-request (lithloop/outside_calls.py adds them up).
        "STRIPE_TIMEOUT_S": env_float("STRIPE_TIMEOUT_S", "5"),
        # Stripe calls retried after a network error (same idempotency key; 0 for the
        # embedded localstripe).
        "STRIPE_MAX_NETWORK_RETRIES": env_int("STRIPE_MAX_NETWORK_RETRIES", "1"),
        "NOMINATIM_TIMEOUT_S": env_float("NOMINATIM_TIMEOUT_S", "5"),
        "OSRM_TIMEOUT_S": env_float("OSRM_TIMEOUT_S", "5"),
        "MAIL_TIMEOUT_S": env_float("MAIL_TIMEOUT_S", "5"),
        # SMTP time one request may spend; the rest of its mail waits for housekeeping.
        "MAIL_REQUEST_BUDGET_S": env_float("MAIL_REQUEST_BUDGET_S", "10"),
        "REDIS_TIMEOUT_S": env_float("REDIS_TIMEOUT_S", "1"),
        # Unpaid holds: packs and orders a buyer organisation may hold reserved and unpaid at
        # once, and the lower limits of an organisation that has never paid an order.
        "UNPAID_MAX_PACKS": env_int("UNPAID_MAX_PACKS", "50"),
        "UNPAID_MAX_ORDERS": env_int("UNPAID_MAX_ORDERS", "5"),
        "UNPAID_MAX_PACKS_NEW_BUYER": env_int("UNPAID_MAX_PACKS_NEW_BUYER", "5"),
        "UNPAID_MAX_ORDERS_NEW_BUYER": env_int("UNPAID_MAX_ORDERS_NEW_BUYER", "2"),
        # Invitations an organisation's people may send (new colleagues and invitations
        # sent again, together) in any hour and in any day: a stolen session cannot turn
        # the people page into a mail cannon.
        "INVITES_PER_HOUR": env_int("INVITES_PER_HOUR", "10", 1),
        "INVITES_PER_DAY": env_int("INVITES_PER_DAY", "30", 1),
        # Idempotency-Key (API) and one-time form tokens: kept this long, then forgotten.
        "IDEMPOTENCY_KEY_HOURS": env_float("IDEMPOTENCY_KEY_HOURS", "24"),
        # how far (%) a driver's weighed mass may differ from the booked one without a note
        "PICKUP_MASS_TOLERANCE_PCT": env_float("PICKUP_MASS_TOLERANCE_PCT", "10"),
        # Market: a checkout holds its packs this long before they go back on sale.
        "RESERVATION_MINUTES": env_int("RESERVATION_MINUTES", "30", 1),
        # A released order's PaymentIntent that Stripe has not cancelled (or refunded) within
        # this many hours is no longer asked by each sweep: it is shown to administrators.
        "PAYMENT_CANCEL_RETRY_HOURS": env_float("PAYMENT_CANCEL_RETRY_HOURS", "24"),
        "VAT_RATE_PCT": env_int("VAT_RATE_PCT", "13"),  # included in market prices
        # Market delivery (services/market/delivery.py): fee = road km from the park x the
        # rate per km + packs x the rate per pack + kg x the rate per kg (fen, VAT included);
        # the day in working days: pickup ready after PICKUP_READY_WORKING_DAYS, delivery
        # after DELIVERY_LEAD_WORKING_DAYS plus one per started DELIVERY_KM_PER_DAY km.
        "DELIVERY_FEE_PER_KM_FEN": env_int("DELIVERY_FEE_PER_KM_FEN", "800"),
        "DELIVERY_FEE_PER_PACK_FEN": env_int("DELIVERY_FEE_PER_PACK_FEN", "5000"),
        "DELIVERY_FEE_PER_KG_FEN": env_int("DELIVERY_FEE_PER_KG_FEN", "0"),
        "PICKUP_READY_WORKING_DAYS": env_int("PICKUP_READY_WORKING_DAYS", "1"),
        "DELIVERY_LEAD_WORKING_DAYS": env_int("DELIVERY_LEAD_WORKING_DAYS", "2"),
        "DELIVERY_KM_PER_DAY": env_int("DELIVERY_KM_PER_DAY", "400", 1),
        # The service region: sites farther than this by road from the park are refused.
        # The region (data/region_places.csv; FACTS: Daqing and Changchun at the edge of
        # 500 km by road): its farthest place, Daqing, is about 544 km by the quotes' distance
        # (haversine x 1.3), rounded up to the next 10 km.
        "SITE_MAX_ROAD_KM": env_int("SITE_MAX_ROAD_KM", "550"),
        # Housekeeping (expired reservations, silent runs) runs this often: Celery beat with
        # a broker, else a timer thread per web process; 0 turns the timer off.
        "HOUSEKEEPING_INTERVAL_S": env_float("HOUSEKEEPING_INTERVAL_S", "30"),
        # Rate limits, shared by every worker: Redis when REDIS_URL is set, else an SQLite
        # file in instance/ shared by the processes of this host (web/shared_limits.py);
        # "memory://" counts per process.
        "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI")
        or redis_url
        or (f"sqlitefile://{instance / 'rate-limits.sqlite3'}"),
        "RATELIMIT_ENABLED": env_bool("RATELIMIT_ENABLED", True),
        "LOGIN_RATE_LIMIT": os.environ.get("LOGIN_RATE_LIMIT", "10 per minute"),
        # Login lockout per e-mail and client address: LOCKOUT_THRESHOLD failures within
        # LOCKOUT_WINDOW_S lock the pair for LOCKOUT_DURATION_S, each further lock twice as
        # long up to LOCKOUT_MAX_S (an admin can unlock an account at /admin/users).
        "LOCKOUT_THRESHOLD": env_int("LOCKOUT_THRESHOLD", "5", 1),
        "LOCKOUT_WINDOW_S": env_int("LOCKOUT_WINDOW_S", "900"),
        "LOCKOUT_DURATION_S": env_int("LOCKOUT_DURATION_S", "900"),
        "LOCKOUT_MAX_S": env_int("LOCKOUT_MAX_S", "86400"),
        # API tokens live API_TOKEN_DAYS unless asked for less; their last use is stamped at
        # most every API_TOKEN_TOUCH_S seconds (services/accounts/api_tokens.py).
        "API_TOKEN_DAYS": env_int("API_TOKEN_DAYS", "90", 1),
        "API_TOKEN_TOUCH_S": env_float("API_TOKEN_TOUCH_S", "60"),
        # Mail: the outbox table stands in for e-mail unless MAIL_SERVER is set.
        "MAIL_SERVER": os.environ.get("MAIL_SERVER", ""),
        "MAIL_PORT": env_int("MAIL_PORT", "25", 1),
        "MAIL_USERNAME": os.environ.get("MAIL_USERNAME", ""),
        "MAIL_PASSWORD": os.environ.get("MAIL_PASSWORD", ""),
        "MAIL_USE_TLS": env_bool("MAIL_USE_TLS", False),
        "MAIL_FROM": os.environ.get("MAIL_FROM", "lithloop <noreply@lithloop.local>"),
        "PASSWORD_HASH_METHOD": "scrypt",
        "PASSWORD_RESET_MAX_AGE_S": env_int("PASSWORD_RESET_MAX_AGE_S", "3600", 300, 86400),
        # A mailed link is a way in for whoever reads the mailbox later: each lifetime has a
        # ceiling. An invitation (opened perhaps days later): 7 days, an hour to 30 days.
        "INVITATION_MAX_AGE_S": env_int("INVITATION_MAX_AGE_S", "604800", 3600, 30 * 86400),
        # A registration's mailed link confirms the address within this many seconds.
        "REGISTRATION_LINK_MAX_AGE_S": env_int(
            "REGISTRATION_LINK_MAX_AGE_S", "86400", 600, 7 * 86400
        ),
        # Capacity: the park takes 10,000 t a year over its working days; trucks do
        # TRUCK_TRIPS_PER_DAY trips and spend STOP_HOURS per pickup on average.
        "PARK_TIMEZONE": os.environ.get("PARK_TIMEZONE", "Asia/Shanghai"),  # the business day
        "PARK_INTAKE_T_PER_YEAR": env_int("PARK_INTAKE_T_PER_YEAR", "10000", 1),
        "PARK_WORKING_DAYS_PER_YEAR": env_int("PARK_WORKING_DAYS_PER_YEAR", "300", 1),
        "PARK_CLOSED_WEEKDAYS": env_int_list("PARK_CLOSED_WEEKDAYS", "6", 0, 6),  # 6 = Sunday
        "TRUCK_TRIPS_PER_DAY": env_int("TRUCK_TRIPS_PER_DAY", "2", 1),
        "STOP_HOURS": env_float("STOP_HOURS", "1.5", 0.01),
        "BOOKING_HORIZON_DAYS": env_int("BOOKING_HORIZON_DAYS", "30", 1),
        "HAZARD_MAX_OPEN_DAYS": env_int("HAZARD_MAX_OPEN_DAYS", "3", 1),
        # Geocoding: the offline gazetteer, or geopy's Nominatim at a configured domain.
        "GEOCODER": os.environ.get("GEOCODER", "gazetteer"),
        "NOMINATIM_DOMAIN": os.environ.get("NOMINATIM_DOMAIN", ""),
        "NOMINATIM_SCHEME": os.environ.get("NOMINATIM_SCHEME", "https"),
        "NOMINATIM_USER_AGENT": os.environ.get("NOMINATIM_USER_AGENT", "lithloop"),
        "ROUTING_API_MAX_STOPS": env_int("ROUTING_API_MAX_STOPS", "200", 1),
        "ROUTING_API_MAX_SECONDS": env_float("ROUTING_API_MAX_SECONDS", "10", 0.01),
        "CELERY_QUEUE": os.environ.get("CELERY_QUEUE", "lithloop"),
        # Celery beat's housekeeping rounds; empty: "<CELERY_QUEUE>-housekeeping"
        "CELERY_HOUSEKEEPING_QUEUE": os.environ.get("CELERY_HOUSEKEEPING_QUEUE", ""),
        # Broker (Redis) down when a run starts: fail it with a 503 (default), or run it in
        # a worker thread of the web process instead.
        "RUN_FALLBACK_TO_THREAD": env_bool("RUN_FALLBACK_TO_THREAD", False),
        # A run whose worker sent no heartbeat for this long is failed (its worker died).
        "RUN_STALE_AFTER_S": env_int("RUN_STALE_AFTER_S", "120", 1),
        # A run no worker took for this long is failed (busy workers leave runs queued).
        "RUN_QUEUED_MAX_S": env_int("RUN_QUEUED_MAX_S", "3600", 1),
        "PLAN_MAX_SECONDS": env_int("PLAN_MAX_SECONDS", "300", 1),
        "PLAN_MAX_HORIZON_DAYS": env_int("PLAN_MAX_HORIZON_DAYS", "7", 1),
        "PLAN_QUICK_NO_IMPROVEMENT_S": env_float("PLAN_QUICK_NO_IMPROVEMENT_S", "3"),
        "PLAN_CANCEL_POLL_S": env_float("PLAN_CANCEL_POLL_S", "0.5", 0.01),
        "OSRM_URL": os.environ.get("OSRM_URL", ""),
        # Leaflet tiles, e.g. https://tiles.example/{z}/{x}/{y}.png; unset = SVG maps offline
        "MAP_TILE_URL": os.environ.get("MAP_TILE_URL", ""),
        "MAP_TILE_ATTRIBUTION": os.environ.get("MAP_TILE_ATTRIBUTION", ""),
        # Plant: grading by state of health (capacity division, FACTS.md §3): A >= 80 %,
        # B >= 60 %, C >= 40 % go to second life; below C, failed insulation or damage is S.
        # A test report's Ah × V may differ this much (%) from rated Wh × SoH (a slip beyond).
        "ENERGY_CHECK_TOLERANCE_PCT": env_float("ENERGY_CHECK_TOLERANCE_PCT", "15"),
        "GRADE_MIN_SOH": env_grades("GRADE_MIN_SOH", "A=80,B=60,C=40"),
        "AGING_DAYS": env_int("AGING_DAYS", "14"),
        "INTAKE_MASS_TOLERANCE_PCT": env_int("INTAKE_MASS_TOLERANCE_PCT", "10"),
        "RECYCLING_LINES_T_PER_DAY": env_float_list("RECYCLING_LINES_T_PER_DAY", "12,12,10"),
        # What a line can lose of a batch's mass (electrolyte 10-12 %, separator 2-3 % of a
        # cell, FACTS.md section 1, plus moisture and dust); more asks the operator to confirm.
        "DISMANTLING_MAX_LOSS_PCT": env_int("DISMANTLING_MAX_LOSS_PCT", "25"),
        "SECOND_LIFE_PACKS_PER_YEAR": env_int("SECOND_LIFE_PACKS_PER_YEAR", "10000"),
        # Traceability: handovers are uploaded within N Chinese working days (2018 rules:
        # 15 for dismantlers and cascade utilisers); holidays from the shipped JSON or a file.
        "TRACE_DEADLINE_WORKING_DAYS": env_int("TRACE_DEADLINE_WORKING_DAYS", "15", 1),
        "TRACE_DUE_SOON_WORKING_DAYS": env_int("TRACE_DUE_SOON_WORKING_DAYS", "3"),
        # Handovers per upload file for the national platform (oldest deadlines first; the
        # next file after these are marked reported): our choice, ~160 KB, not a platform limit.
        "TRACE_UPLOAD_BATCH": env_int("TRACE_UPLOAD_BATCH", "1000", 1),
        # The last traceability character of every code the park mints; change it (and run
        # `flask park-serials restart`) when the 9,999,999 serials of a line run out.
        "PARK_CODE_LINE": os.environ.get("PARK_CODE_LINE", "0"),
        "TRACE_HOLIDAYS_FILE": os.environ.get("TRACE_HOLIDAYS_FILE", ""),
        # Dashboard CO2 avoided: rough factors, estimates without a source (see
        # lithloop/batteries/co2.py); override when the park has measured or sourced ones.
        "CO2_KG_PER_KG_RECYCLED": env_decimal("CO2_KG_PER_KG_RECYCLED", "1.0"),
        "CO2_KG_PER_KWH_SECOND_LIFE": env_decimal("CO2_KG_PER_KWH_SECOND_LIFE", "60"),
        "BABEL_DEFAULT_LOCALE": "zh_CN",
        "BABEL_DEFAULT_TIMEZONE": os.environ.get(
            "DISPLAY_TIMEZONE", os.environ.get("PARK_TIMEZONE", "Asia/Shanghai")
        ),
        "BABEL_TRANSLATION_DIRECTORIES": str(Path(__file__).parent / "translations"),
        "LANGUAGES": ["zh_CN", "en"],
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": env_bool("SESSION_COOKIE_SECURE", False),
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": env_bool("SESSION_COOKIE_SECURE", False),
        # The public origin of every absolute link that leaves the site (reset and invitation
        # mails, certificates, QR codes), e.g. https://lithloop.example.cn; when set, requests
        # for any host but it and TRUSTED_HOSTS (comma-separated) answer 400. Unset: the dev
        # server's http://127.0.0.1:5000 (`make run` sets it from HOST and PORT).
        "PUBLIC_BASE_URL": os.environ.get("PUBLIC_BASE_URL", ""),
        "TRUSTED_HOSTS_EXTRA": [
            h.strip() for h in os.environ.get("TRUSTED_HOSTS", "").split(",") if h.strip()
        ],
        # Behind N reverse proxies, trust their X-Forwarded-* headers (0 = served directly).
        "PROXY_FIX_COUNT": env_int("PROXY_FIX_COUNT", "0"),
        # Logs: "json" (one object a line, with the request id), "text", or "none" (leave
        # logging alone); LOG_REQUESTS adds one access line per request.
        "LOG_FORMAT": os.environ.get("LOG_FORMAT", "json"),
        # Seconds a worker may serve the calendar and the catalog from memory; its own
        # writes clear them at once, other workers' at once through CACHE_COUNTERS
        # (or within this time with CACHE_COUNTERS=none; 0 = off).
        "READ_CACHE_S": env_float("READ_CACHE_S", "5"),
        # Where the cache's write counters shared by all workers live, so that one worker's
        # commit clears every worker's entries at once: a file path (one host; default
        # instance/cache-counters-<database id>), redis://… (several hosts; default with
        # REDIS_URL), or "none" (cache/shared_generations.py).
        "CACHE_COUNTERS": os.environ.get("CACHE_COUNTERS", ""),
        # Seconds a worker may trust an API token's or a session's user and organisation
        # without a query; any worker's commit to tokens, users or organisations clears it
        # at once through CACHE_COUNTERS (with "none": within this time; 0 = look up always).
        "USER_CACHE_S": env_float("USER_CACHE_S", "5"),
        "LOG_LEVEL": os.environ.get("LOG_LEVEL", "INFO"),
        "LOG_REQUESTS": env_bool("LOG_REQUESTS", True),
        # /metrics (Prometheus): from loopback, or with `Authorization: Bearer METRICS_TOKEN`.
        "METRICS_TOKEN": os.environ.get("METRICS_TOKEN", ""),
        "METRICS_ALLOW_LOOPBACK": env_bool("METRICS_ALLOW_LOOPBACK", True),
        "HSTS_MAX_AGE_S": env_int("HSTS_MAX_AGE_S", "31536000"),
        "WTF_CSRF_TIME_LIMIT": None,
        "MAX_CONTENT_LENGTH": 8 * 1024 * 1024,
        # OpenAPI (flask-smorest)
        "API_TITLE": "lithloop API",
        "API_VERSION": "v1",
        "OPENAPI_VERSION": "3.0.3",
        "OPENAPI_URL_PREFIX": "/api/v1",
        "OPENAPI_JSON_PATH": "openapi.json",
    }
