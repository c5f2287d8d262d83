"""Per-request cost of the load benchmark's endpoints, in process: time, queries, bytes.

    DATABASE_URL=postgresql+psycopg://... .venv/bin/python bench/profile_endpoints.py \
        [--repeat 50] [--profile booking_list]

Runs against a database that bench/load.py seeded (--keep-db), through Flask's test client
with the settings bench/load.py gives gunicorn, so the figures exclude only the HTTP server.
--profile prints cProfile's 30 most expensive functions (cumulative) for one endpoint.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import re
import statistics
import tempfile
import time

import sqlalchemy as sa

from lithloop import create_app
from lithloop.extensions import db


def login(client, email: str) -> str:
    """A bearer token for a demo user."""
    answer = client.post("/api/v1/auth/token", json={"email": email, "password": "lithloop-demo"})
    return f"Bearer {answer.json['token']}"


def session_login(client, email: str) -> None:
    """Log the test client in through the form."""
    page = client.get("/login").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    client.post("/login", data={"csrf_token": csrf, "email": email, "password": "lithloop-demo"})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=50)
    parser.add_argument("--profile", default="")
    parser.add_argument("--log-format", default="json", help="json, text or none")
    args = parser.parse_args()
    assert os.environ.get("DATABASE_URL", "").startswith("postgresql"), "set DATABASE_URL"
    # As bench/load.py runs gunicorn: JSON access logs (to stderr), multiprocess metrics.
    os.environ.setdefault("PROMETHEUS_MULTIPROC_DIR", tempfile.mkdtemp(prefix="prom-"))
    app = create_app({"LOG_FORMAT": args.log_format, "SECRET_KEY": "profile"})
    api, page = app.test_client(), app.test_client()
    dealer, buyer = login(api, "dealer@demo.lithloop"), login(api, "buyer@demo.lithloop")
    session_login(page, "buyer@demo.lithloop")
    site = api.get("/api/v1/sites/", headers={"Authorization": dealer}).json[0]["id"]
    quote = {
        "chemistry": "NCM523",
        "form": "pack",
        "mass_kg": "420",
        "condition": "intact",
        "site_id": site,
    }
    targets = {
        "scrap_quote": lambda: api.post(
            "/api/v1/quotes/scrap", json=quote, headers={"Authorization": dealer}
        ),
        "booking_list": lambda: api.get("/api/v1/bookings", headers={"Authorization": dealer}),
        "calendar": lambda: api.get("/api/v1/calendar", headers={"Authorization": dealer}),
        "catalog": lambda: api.get("/api/v1/packs", headers={"Authorization": buyer}),
        "catalog_page": lambda: page.get("/market/"),
    }
    with app.app_context():
        engine = db.engine
    statements: list[str] = []
    sa.event.listen(
        engine,
        "before_cursor_execute",
        lambda conn, cursor, statement, *a: statements.append(statement),
    )
    print(f"{'endpoint':<14}{'mean ms':>9}{'median':>9}{'cpu ms':>9}{'queries':>9}{'bytes':>9}")
    for name, call in targets.items():
        for _ in range(3):
            assert call().status_code == 200, name
        times, cpu = [], time.process_time()
        for _ in range(args.repeat):
            statements.clear()
            started = time.perf_counter()
            response = call()
            times.append((time.perf_counter() - started) * 1000)
        cpu_ms = (time.process_time() - cpu) * 1000 / args.repeat  # this process only, not PG
        print(
            f"{name:<14}{statistics.mean(times):>9.2f}{statistics.median(times):>9.2f}"
            f"{cpu_ms:>9.2f}{len(statements):>9}{len(response.get_data()):>9}"
        )
        if name in args.profile.split(","):
            profiler = cProfile.Profile(time.process_time)
            profiler.enable()
            for _ in range(args.repeat):
                call()
            profiler.disable()
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(40)
            pstats.Stats(profiler).sort_stats("tottime").print_stats(25)


if __name__ == "__main__":
    main()
