"""Where a page's time goes on a database kept by `bench/data_growth.py --keep-db NAME`.

    .venv/bin/python bench/growth_profile.py NAME PATTERN [--repeat 5] [--top 30]

For each page whose "endpoint (role)" matches PATTERN: the median ms, each SQL statement's
ms (the slowest first, with its first characters), and cProfile's most expensive functions
over `--repeat` requests (cumulative, then own time), so that rendering, Python work per
row and slow statements can be told apart.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import re
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("TEST_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
os.environ.setdefault("LOG_LEVEL", "WARNING")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # `python bench/growth_profile.py`

import sqlalchemy as sa  # noqa: E402

from bench import growth_db  # noqa: E402
from lithloop.extensions import db  # noqa: E402
from tests import growth_targets  # noqa: E402
from tests.test_authz_matrix import seeded_matrix, send  # noqa: E402


def statement_times(engine, call) -> list[tuple[float, str]]:
    """(ms, statement) of each statement one call runs."""
    found, started = [], {}

    def before(conn, cursor, statement, *args):
        started[id(cursor)] = time.perf_counter()

    def after(conn, cursor, statement, *args):
        found.append(((time.perf_counter() - started.pop(id(cursor))) * 1000, statement))

    sa.event.listen(engine, "before_cursor_execute", before)
    sa.event.listen(engine, "after_cursor_execute", after)
    try:
        call()
    finally:
        sa.event.remove(engine, "before_cursor_execute", before)
        sa.event.remove(engine, "after_cursor_execute", after)
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("name")
    parser.add_argument("pattern")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--top", type=int, default=30)
    args = parser.parse_args()
    url = growth_db.url_of(args.name)
    load = lambda: growth_db.load_world(args.name)  # noqa: E731
    with seeded_matrix("postgresql", None, "growth", url=url, load_world=load) as matrix:
        with matrix.app.app_context():
            engine = db.engine
        for endpoint, who, role, page_url, spec in growth_targets.targets(matrix):
            key = f"{endpoint} ({who})"
            if not re.search(args.pattern, key):
                continue
            call = lambda u=page_url, s=spec, r=role: send(matrix, "GET", u, s, r, {}).get_data()  # noqa: E731
            call()
            times = []
            for _ in range(args.repeat):
                started = time.perf_counter()
                size = len(call())
                times.append((time.perf_counter() - started) * 1000)
            print(f"\n=== {key} {page_url}: median {statistics.median(times):.0f} ms, {size:,} B")
            for ms, statement in sorted(statement_times(engine, call), reverse=True):
                print(f"  {ms:8.1f} ms  {' '.join(statement.split())[:160]}")
            profiler = cProfile.Profile()
            profiler.enable()
            for _ in range(args.repeat):
                call()
            profiler.disable()
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(args.top)
            pstats.Stats(profiler).sort_stats("tottime").print_stats(args.top)


if __name__ == "__main__":
    main()
