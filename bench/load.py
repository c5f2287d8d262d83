"""Load benchmark: lithloop under gunicorn on PostgreSQL versus a bare Flask app, same run.

    .venv/bin/python bench/load.py [--duration 60] [--rounds 6] [--connections 64] [--workers 2]
        [--gunicorn-threads 4] [--only catalog,booking_list] [--keep-db] [--redis-url URL]
        [--cache-counters file|redis|none]

The app runs as README's "at scale" section runs it: REDIS_URL set (rate limits), the read
cache's shared write counters in a file (one host; --cache-counters redis for Redis).
Uses DATABASE_URL if set (migrated and seeded already), else creates a fresh database on
127.0.0.1:5432, migrates it, seeds the demo region and books 40 pickups for the demo
dealer (dropped afterwards unless --keep-db). Loads each endpoint with wrk (Debian package `wrk`):
the scrap quote, the dealer's booking list, the calendar, the catalog (API with a buyer's
token, page with a buyer's session). Prints requests/s, p50, p99 and errors, with the bare
app's figures under the same gunicorn settings (sync, or gthread with --gunicorn-threads)
and the ratio. The machine is noisy, so each endpoint's time is cut into --rounds slices,
each followed by a slice as long on the bare app (both servers stay up): the ratio is the
median of the slices' ratios. Writes bench/results/load.json. Never part of the test run.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
BIN = Path(sys.executable).parent
PG_ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
WRK_LUA = """
wrk.method = os.getenv("WRK_METHOD") or "GET"
wrk.body = os.getenv("WRK_BODY")
wrk.headers["Content-Type"] = "application/json"
local auth = os.getenv("WRK_AUTH")
if auth and auth ~= "" then wrk.headers["Authorization"] = auth end
local cookie = os.getenv("WRK_COOKIE")
if cookie and cookie ~= "" then wrk.headers["Cookie"] = cookie end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRKJSON {"requests": %d, "duration_us": %d, "p50_us": %d, "p99_us": %d, ' ..
    '"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    e.connect, e.read, e.write, e.status, e.timeout))
end
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def request(url: str, body: dict | None = None, headers: dict | None = None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(  # noqa: S310 (loopback)
        url,
        data=data,
        headers={
            "Content-Type": "application/json",
            **(headers or {}),
        },
    )
    try:
        with urllib.request.urlopen(req, timeout=30) as response:  # noqa: S310 (loopback)
            raw = response.read()
            if "json" not in response.headers.get("Content-Type", ""):
                return response.status, raw[:300].decode("utf-8", "replace")
            return response.status, json.loads(raw or b"null")
    except urllib.error.HTTPError as exc:
        body = exc.read()
        return exc.code, body[:300].decode("utf-8", "replace")


@contextmanager
def fresh_database():
    """A new PostgreSQL database on 127.0.0.1, migrated and seeded; dropped afterwards."""
    import sqlalchemy as sa

    name = f"lithloop_load_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = PG_ADMIN.rsplit("/", 1)[0] + "/" + name
    try:
        env = {
            **os.environ,
            "DATABASE_URL": url,
            "FLASK_APP": "lithloop:create_app",
            "LOG_FORMAT": "none",
        }
        subprocess.run(
            [BIN / "flask", "db", "upgrade"], env=env, cwd=ROOT, check=True, capture_output=True
        )
        subprocess.run(
            [BIN / "flask", "seed-demo"], env=env, cwd=ROOT, check=True, capture_output=True
        )
        yield url, True
    finally:
        if not ARGS.keep_db:
            with admin.connect() as conn:
                conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@contextmanager
def gunicorn(app_spec: str, env: dict, log_path: Path):
    """gunicorn with ARGS.workers sync workers on a free loopback port, until the block ends."""
    port = free_port()
    with log_path.open("w") as log:
        proc = subprocess.Popen(
            [
                BIN / "gunicorn",
                "--workers",
                str(ARGS.workers),
                *worker_args(),
                "--bind",
                f"127.0.0.1:{port}",
                "--backlog",
                "2048",
                "--timeout",
                "60",
                app_spec,
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(300):
                try:
                    urllib.request.urlopen(base + "/", timeout=1)  # noqa: S310 (loopback)
                    break
                except urllib.error.HTTPError:
                    break
                except OSError:
                    time.sleep(0.1)
            yield base
        finally:
            proc.terminate()
            proc.wait(timeout=30)


def worker_args() -> list[str]:
    """gunicorn's worker class: sync, or gthread with ARGS.gunicorn_threads per worker."""
    if ARGS.gunicorn_threads > 1:
        return ["--worker-class", "gthread", "--threads", str(ARGS.gunicorn_threads)]
    return []


def login_cookie(base: str, email: str) -> str:
    """A session cookie for a demo user, through the login form (with its CSRF token)."""
    import http.cookiejar
    import re

    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(base + "/login").read().decode()
    csrf = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    form = urllib.parse.urlencode(
        {"csrf_token": csrf, "email": email, "password": "lithloop-demo"}
    ).encode()
    opener.open(base + "/login", form)
    return "; ".join(f"{c.name}={c.value}" for c in jar)


def wrk(
    url: str,
    seconds: int,
    method: str = "GET",
    body: dict | None = None,
    auth: str = "",
    cookie: str = "",
) -> dict:
    """Run wrk against one URL for `seconds`; the figures from its Lua summary."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_LUA)
    env = {
        **os.environ,
        "WRK_METHOD": method,
        "WRK_BODY": json.dumps(body) if body else "",
        "WRK_AUTH": auth,
        "WRK_COOKIE": cookie,
    }
    out = subprocess.run(
        [
            "wrk",
            "-t",
            str(ARGS.threads),
            "-c",
            str(ARGS.connections),
            "-d",
            f"{seconds}s",
            "--timeout",
            "10s",
            "-s",
            script.name,
            url,
        ],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    os.unlink(script.name)
    raw = json.loads(out.split("WRKJSON ", 1)[1].splitlines()[0])
    errors = sum(raw[k] for k in ("connect", "read", "write", "status", "timeout"))
    return {
        "rps": round(raw["requests"] / (raw["duration_us"] / 1e6), 1),
        "p50_ms": round(raw["p50_us"] / 1000, 1),
        "p99_ms": round(raw["p99_us"] / 1000, 1),
        "requests": raw["requests"],
        "errors": errors,
        "error_detail": raw,
    }


def combined(runs: list[dict]) -> dict:
    """Several wrk runs as one: total requests over total time, the median p50, the worst
    p99, all errors; each run's figures kept under `slices`."""
    seconds = sum(r["requests"] / r["rps"] for r in runs if r["rps"])
    requests = sum(r["requests"] for r in runs)
    return {
        "rps": round(requests / seconds, 1) if seconds else 0.0,
        "p50_ms": statistics.median(r["p50_ms"] for r in runs),
        "p99_ms": max(r["p99_ms"] for r in runs),
        "requests": requests,
        "errors": sum(r["errors"] for r in runs),
        "slices": [{k: r[k] for k in ("rps", "p50_ms", "p99_ms", "errors")} for r in runs],
    }


def response_size(url: str, body: dict | None, headers: dict) -> int:
    """The size of one response body in bytes (before any compression)."""
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(  # noqa: S310 (loopback)
        url,
        data=data,
        headers={
            "Content-Type": "application/json",
            **headers,
        },
    )
    with urllib.request.urlopen(req, timeout=30) as response:  # noqa: S310 (loopback)
        return len(response.read())


def book_for_dealer(base: str, auth: dict, count: int = 40) -> None:
    """Give the demo dealer a realistic booking list (spread over open days)."""
    _, sites = request(base + "/api/v1/sites/", headers=auth)
    day, made = date.today() + timedelta(days=1), 0
    while made < count:
        day += timedelta(days=made % 2)  # two a day
        if day.weekday() == 6:
            day += timedelta(days=1)
        status, answer = request(
            base + "/api/v1/bookings",
            {
                "site_id": sites[0]["id"],
                "date": day.isoformat(),
                "window": ["08:00", "17:00"],
                "lots": [
                    {"chemistry": "LFP", "count": 2, "mass_kg": "300", "codes": []},
                    {"chemistry": "NCM523", "count": 1, "mass_kg": "120", "codes": []},
                ],
            },
            headers=auth,
        )
        made += status in (200, 201)
        if status not in (200, 201, 409):
            raise SystemExit(f"booking failed with HTTP {status}: {answer}")


def main() -> None:
    env = {
        **os.environ,
        "LOG_FORMAT": "json",
        "SECRET_KEY": "load-bench-secret",
        "REDIS_URL": ARGS.redis_url,
    }
    results: dict = {
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}",
        "workers": ARGS.workers,
        "redis": ARGS.redis_url,
        "cache_counters": ARGS.cache_counters,
        "worker_class": worker_args() or "sync",
        "connections": ARGS.connections,
        "duration_s": ARGS.duration,
        "endpoints": {},
        "notes": [],
        "load_average_before": [round(x, 1) for x in os.getloadavg()],
    }
    db_context = (
        contextmanager(lambda: (yield (os.environ["DATABASE_URL"], False)))()
        if os.environ.get("DATABASE_URL")
        else fresh_database()
    )
    with db_context as (url, fresh), tempfile.TemporaryDirectory() as prom:
        counters = {
            "file": tempfile.mkdtemp(prefix="lithloop-counters-") + "/counters",
            "redis": ARGS.redis_url,
            "none": "none",
        }[ARGS.cache_counters]
        env.update(DATABASE_URL=url, PROMETHEUS_MULTIPROC_DIR=prom, CACHE_COUNTERS=counters)
        bare_env = {**env, "PYTHONPATH": str(HERE)}
        with (
            gunicorn("lithloop:create_app()", env, HERE / "results" / "load-app.log") as base,
            gunicorn("bare_app:app", bare_env, HERE / "results" / "load-bare.log") as bare,
        ):
            status, token = request(
                base + "/api/v1/auth/token",
                {"email": "dealer@demo.lithloop", "password": "lithloop-demo"},
            )
            assert status == 201, f"token: HTTP {status}"
            bearer = f"Bearer {token['token']}"
            if fresh:
                book_for_dealer(base, {"Authorization": bearer})
            _, sites = request(base + "/api/v1/sites/", headers={"Authorization": bearer})
            status, token = request(
                base + "/api/v1/auth/token",
                {"email": "buyer@demo.lithloop", "password": "lithloop-demo"},
            )
            assert status == 201, f"buyer token: HTTP {status}"
            buyer = f"Bearer {token['token']}"
            buyer_cookie = login_cookie(base, "buyer@demo.lithloop")
            # name: (method, path, JSON body, bearer, session cookie)
            targets = {
                "scrap_quote": (
                    "POST",
                    "/api/v1/quotes/scrap",
                    {
                        "chemistry": "NCM523",
                        "form": "pack",
                        "mass_kg": "420",
                        "condition": "intact",
                        "site_id": sites[0]["id"],
                    },
                    bearer,
                    "",
                ),
                "booking_list": ("GET", "/api/v1/bookings", None, bearer, ""),
                "calendar": ("GET", "/api/v1/calendar", None, bearer, ""),
                "catalog": ("GET", "/api/v1/packs", None, buyer, ""),
                "catalog_page": ("GET", "/market/", None, "", buyer_cookie),
            }
            if ARGS.only:
                targets = {k: v for k, v in targets.items() if k in ARGS.only.split(",")}
            for name, (method, path, body, auth, cookie) in targets.items():
                headers = {"Authorization": auth} if auth else {"Cookie": cookie}
                check, answer = request(base + path, body, headers)
                assert check == 200, f"{name}: HTTP {check} {answer}"
                # Alternate with the bare app in short slices, so that both see the same
                # machine: the ratio is the median of the slices' ratios.
                seconds = max(1, ARGS.duration // ARGS.rounds)
                slices = [
                    (
                        wrk(base + path, seconds, method, body, auth, cookie),
                        wrk(bare + "/", seconds),
                    )
                    for _ in range(ARGS.rounds)
                ]
                results["endpoints"][name] = {
                    "path": path,
                    "response_bytes": response_size(base + path, body, headers),
                    **combined([app for app, _ in slices]),
                    "ratio_to_bare": round(
                        statistics.median(app["rps"] / b["rps"] for app, b in slices), 3
                    ),
                    "bare": combined([b for _, b in slices]),
                }
                print(name, results["endpoints"][name], flush=True)
        results["bare"] = combined([e["bare"] for e in results["endpoints"].values()])
    report(results)


def report(results: dict) -> None:
    results["load_average_after"] = [round(x, 1) for x in os.getloadavg()]
    kind = " ".join(results["worker_class"]) if results["worker_class"] != "sync" else "sync"
    print(
        f"\n{results['machine']}; gunicorn {results['workers']} workers ({kind}); wrk "
        f"{results['connections']} connections, {results['duration_s']} s an endpoint in "
        f"{ARGS.rounds} slices alternating with the bare app; load average "
        f"{results['load_average_before'][0]} before, {results['load_average_after'][0]} after"
    )
    print(
        f"{'endpoint':<14}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'errors':>8}"
        f"{'bare req/s':>12}{'of bare':>9}"
    )
    for name, r in results["endpoints"].items():
        print(
            f"{name:<14}{r['rps']:>9.1f}{r['p50_ms']:>9.1f}{r['p99_ms']:>9.1f}"
            f"{r['errors']:>8}{r['bare']['rps']:>12.1f}{r['ratio_to_bare']:>9.1%}"
        )
    b = results["bare"]
    print(f"{'bare app':<14}{b['rps']:>9.1f}{b['p50_ms']:>9.1f}{b['p99_ms']:>9.1f}{b['errors']:>8}")
    print("(of bare: the median of the slices' ratios; p50 the median, p99 the worst slice's)")
    for note in results["notes"]:
        print("note:", note)
    out = HERE / "results" / "load.json"
    out.write_text(json.dumps(results, indent=1, ensure_ascii=False) + "\n")
    print(f"written to {out.relative_to(ROOT)}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=60, help="seconds per endpoint")
    parser.add_argument(
        "--rounds",
        type=int,
        default=6,
        help="slices per endpoint, each followed by as long on the bare app",
    )
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument(
        "--gunicorn-threads",
        type=int,
        default=1,
        help="threads per gunicorn worker (>1 = gthread), both apps",
    )
    parser.add_argument(
        "--redis-url",
        default="redis://127.0.0.1:6379/8",
        help="REDIS_URL for the app, as at scale ('' = none)",
    )
    parser.add_argument(
        "--cache-counters",
        choices=["file", "redis", "none"],
        default="file",
        help="where the read cache's shared counters live (CACHE_COUNTERS)",
    )
    parser.add_argument("--only", default="", help="comma-separated endpoint names")
    parser.add_argument("--keep-db", action="store_true", help="keep the fresh database")
    ARGS = parser.parse_args()
    main()
