"""Every page and API endpoint at the demo, one year and N years of history, on PostgreSQL.

    .venv/bin/python bench/data_growth.py [--years 10] [--repeat 7] [--quick]
        [--keep-db NAME | --reuse NAME] [--only PATTERN]

Seeds the authorisation matrix's world (the demo region, other organisations, a token and a
session per role) into a scratch database on TEST_DATABASE_URL's server (default the local
PostgreSQL), measures, then writes a year of plausible operation before today with
bench/growth_world.py (COPY, every constraint kept), measures again, then N−1 more years
before that and measures a third time. Each GET of the URL map is asked as the role that
uses it (from tests/authz_table.py: the admin where allowed, and the first other role that
may), one request at a time in process through Flask's test client: median and max ms of
`--repeat` requests after one warm-up, SQL statements, bytes. Writes
bench/results/data_growth.json and the table in docs/performance.md between its markers.
`--quick`: 2 years, 3 requests each (a few minutes). The ten-year build takes several
minutes on 2 cores and shows a progress bar. The scratch database is dropped at the end,
unless `--keep-db NAME` builds into the database NAME and leaves it; `--reuse NAME` then
measures that database again at once (one stage, no build). `--only PATTERN` times the
pages whose "endpoint (role)" matches the regular expression; with it or `--reuse` the
results go to bench/results/data_growth_partial.json and docs/performance.md is left.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

os.environ.setdefault("TEST_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
os.environ.setdefault("LOG_LEVEL", "WARNING")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run as `python bench/data_growth.py` from anywhere

import sqlalchemy as sa  # noqa: E402

from bench import growth_db, growth_world  # noqa: E402
from lithloop import clock  # noqa: E402
from lithloop.extensions import db  # noqa: E402
from lithloop.services.reporting import rollups  # noqa: E402
from tests import growth_targets  # noqa: E402
from tests.test_authz_matrix import seeded_matrix, send  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "data_growth.json"
DOC = ROOT / "docs" / "performance.md"
START, END = "<!-- data_growth:start -->", "<!-- data_growth:end -->"
COUNTED = ("booking", "pack", "pack_event", "market_order", "settlement")


def measure(matrix, engine, repeat: int, only: str | None = None) -> dict:
    """Median and max ms, statements and bytes of every target (matching `only`)."""
    statements: list[str] = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    sa.event.listen(engine, "before_cursor_execute", listener)
    results = {}
    try:
        for endpoint, who, role, url, spec in growth_targets.targets(matrix):
            if only and not re.search(only, f"{endpoint} ({who})"):
                continue
            times, body, status = [], b"", 0
            for attempt in range(repeat + 1):
                statements.clear()
                started = time.perf_counter()
                response = send(matrix, "GET", url, spec, role, {})
                body = response.get_data()
                if attempt:
                    times.append((time.perf_counter() - started) * 1000)
                status = response.status_code
            results[f"{endpoint} ({who})"] = {
                "url": url,
                "status": status,
                "median_ms": round(statistics.median(times), 1),
                "max_ms": round(max(times), 1),
                "statements": len(statements),
                "bytes": len(body),
            }
    finally:
        sa.event.remove(engine, "before_cursor_execute", listener)
    return results


#: (index, query) pairs: each query's plan with the index and without it (dropped inside a
#: transaction that is rolled back), for docs/performance.md.
EXPLAINED = {
    "ix_pack_event_unreported": "SELECT id, report_due FROM pack_event WHERE report_due IS NOT "
    "NULL AND reported_at IS NULL ORDER BY report_due, at, id LIMIT 100",
    "ix_pack_event_at": "SELECT count(*) FROM pack_event WHERE report_due IS NOT NULL AND "
    "at >= now() - interval '1 year' AND at < now() - interval '6 months'",
    "ix_pack_warehouse_since": "SELECT id FROM pack WHERE warehouse = 'aging' "
    "ORDER BY warehouse_since, id LIMIT 50",
    "ix_pack_vehicle_plate": "SELECT booking_id FROM pack WHERE vehicle_plate = '黑C·12345'",
    "uq_monthly_rollup": "SELECT month, measure, key, value FROM monthly_rollup "
    "WHERE month >= date_trunc('year', now()) AND month < date_trunc('year', now()) "
    "+ interval '1 year'",
}


def explain(engine) -> dict:
    """EXPLAIN ANALYZE of each query with and without its index."""
    plans = {}
    for index, sql in EXPLAINED.items():
        plan = lambda conn, sql=sql: "\n".join(  # noqa: E731
            r[0] for r in conn.execute(sa.text(f"EXPLAIN (ANALYZE, COSTS OFF) {sql}"))
        )
        with engine.connect() as conn:
            with_index = plan(conn)
            conn.rollback()
            trans = conn.begin()
            try:
                conn.execute(sa.text("SET LOCAL lock_timeout = '30s'"))
                if index.startswith("uq_"):
                    conn.execute(sa.text(f"ALTER TABLE monthly_rollup DROP CONSTRAINT {index}"))
                else:
                    conn.execute(sa.text(f"DROP INDEX {index}"))
                without = plan(conn)
            except sa.exc.OperationalError as exc:  # another session holds the table
                without = f"not measured: {exc.orig}"
            trans.rollback()
        plans[index] = {"sql": sql, "with": with_index, "without": without}
    return plans


def counts(engine) -> dict:
    """Rows of the tables that grow, and the database's size."""
    with engine.connect() as conn:
        found = {t: conn.scalar(sa.text(f'SELECT count(*) FROM "{t}"')) for t in COUNTED}  # noqa: S608
        found["mb"] = round(
            conn.scalar(sa.text("SELECT pg_database_size(current_database())")) / 2**20
        )
    return found


def build(app, engine, context, first, last, now, rng) -> float:
    """Write the days first..last (inclusive) a year at a time, with a progress bar."""
    started, days = time.perf_counter(), (last - first).days + 1
    done = 0
    for chunk in range(0, days, 365):
        year = growth_world.Year(context, now, rng)
        for offset in range(chunk, min(days, chunk + 365)):
            year.day(first + timedelta(days=offset))
            done += 1
            if done % 15 == 0 or done == days:
                bar = "#" * (40 * done // days)
                sys.stderr.write(f"\r  [{bar:<40}] {done}/{days} days generated")
        year.finish()
        rows = growth_world.write(engine, year)
        sys.stderr.write(f"  (+{rows:,} rows written)\n")
    growth_world.move_sequences(engine)
    with app.app_context():  # COPY went past the rollups: rebuild them as after an import
        sys.stderr.write(f"  {rollups.rebuild()} rollup rows rebuilt from the event log\n")
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(sa.text("VACUUM ANALYZE"))
    return round(time.perf_counter() - started, 1)


def stage(name, matrix, engine, served, args, results, built_s=0.0) -> None:
    """Measure every target (or those matching --only) and keep the figures under `name`."""
    sys.stderr.write(f"measuring at {name} …\n")
    db.session.remove()  # the seeding session's transaction would block DROP INDEX
    results["stages"][name] = {
        "rows": counts(engine),
        "build_s": built_s,
        "pages": measure(matrix, served, args.repeat, args.only),
        "explain": {} if args.only else explain(engine),
    }


def table(results: dict) -> str:
    """The Markdown table of every target across the stages."""
    stages = list(results["stages"])
    head = "| page (role) | " + " | ".join(stages) + " | statements | KB at the last |"
    lines = [head, "| --- " * (len(stages) + 3) + "|"]
    last = results["stages"][stages[-1]]["pages"]
    for key in last:
        cells = [
            f"{results['stages'][s]['pages'][key]['median_ms']:,.0f} ms"
            if key in results["stages"][s]["pages"]
            else "—"
            for s in stages
        ]
        queries = " / ".join(str(results["stages"][s]["pages"][key]["statements"]) for s in stages)
        lines.append(
            f"| `{key}` | "
            + " | ".join(cells)
            + f" | {queries} | {last[key]['bytes'] / 1024:,.0f} |"
        )
    rows = " / ".join(
        f"{s}: {results['stages'][s]['rows']['pack_event']:,} events, "
        f"{results['stages'][s]['rows']['mb']} MB"
        for s in stages
    )
    return "\n".join([f"Pack events and database size: {rows}.", "", *lines])


def comparison(before: dict, after: dict) -> str:
    """Before and after the fixes: median ms at each stage, statements and KB at the last."""
    stages = list(after["stages"])
    last = stages[-1]
    head = (
        "| page (role) | "
        + " | ".join(f"{s} before | {s} after" for s in stages)
        + f" | statements at {last} before → after | KB at {last} before → after |"
    )
    lines = [head, "| --- " * (2 * len(stages) + 3) + "|"]

    def cell(results, stage, key, field="median_ms"):
        page = results["stages"].get(stage, {}).get("pages", {}).get(key)
        return page[field] if page else None

    def ms(value):
        return "—" if value is None else f"{value:,.0f}"

    for key in after["stages"][last]["pages"]:
        row = [ms(cell(r, s, key)) for s in stages for r in (before, after)]
        queries = (
            f"{cell(before, last, key, 'statements')} → {cell(after, last, key, 'statements')}"
        )
        kb = [cell(r, last, key, "bytes") for r in (before, after)]
        kbs = " → ".join("—" if b is None else f"{b / 1024:,.0f}" for b in kb)
        lines.append(f"| `{key}` | " + " | ".join(row) + f" | {queries} | {kbs} |")
    return "\n".join(lines)


def write_doc(results: dict, before: dict | None = None) -> None:
    """Replace the table between the markers of docs/performance.md."""
    text = DOC.read_text()
    body = table(results) if before is None else comparison(before, results)
    block = f"{START}\n{body}\n{END}"
    if START in text:
        text = text[: text.index(START)] + block + text[text.index(END) + len(END) :]
    else:
        text += f"\n{block}\n"
    DOC.write_text(text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--quick", action="store_true", help="2 years, 3 requests each")
    parser.add_argument("--out", type=Path)
    parser.add_argument("--no-doc", action="store_true", help="leave docs/performance.md")
    parser.add_argument("--before", type=Path, help="an earlier run's JSON to compare with")
    kept = parser.add_mutually_exclusive_group()
    kept.add_argument("--keep-db", metavar="NAME", help="build into database NAME, keep it")
    kept.add_argument("--reuse", metavar="NAME", help="measure the kept database NAME again")
    parser.add_argument("--only", metavar="PATTERN", help="time the pages matching PATTERN")
    args = parser.parse_args()
    if args.quick:
        args.years, args.repeat = min(args.years, 2), 3
    partial = bool(args.only or args.reuse)
    args.out = args.out or (RESULTS.with_name("data_growth_partial.json") if partial else RESULTS)
    results = {"years": args.years, "repeat": args.repeat, "stages": {}}
    if args.reuse:
        reuse(args, results)
    else:
        run(args, results)
    args.out.write_text(json.dumps(results, indent=1, ensure_ascii=False) + "\n")
    if not (args.no_doc or partial):
        write_doc(results, json.loads(args.before.read_text()) if args.before else None)
    print(table(results))


def reuse(args, results: dict) -> None:
    """Measure a database kept by --keep-db, as it is."""
    name = args.reuse
    matrix_of = growth_db.url_of(name)
    load = lambda: growth_db.load_world(name)  # noqa: E731
    with seeded_matrix("postgresql", None, "growth", url=matrix_of, load_world=load) as matrix:
        engine = sa.create_engine(matrix_of)
        with matrix.app.app_context():
            served = db.engine
        stage(name, matrix, engine, served, args, results)
        engine.dispose()


def run(args, results: dict) -> None:
    """Seed, measure, build a year, measure, build the other years, measure."""
    rng = random.Random(2026)
    url = growth_db.create(args.keep_db) if args.keep_db else None
    with seeded_matrix("postgresql", None, "growth", url=url) as matrix:
        if args.keep_db:
            growth_db.save_world(args.keep_db, matrix.world)
        url = db.engine.url.render_as_string(hide_password=False)
        engine = sa.create_engine(url)
        with matrix.app.app_context():
            served = db.engine
        stage("demo", matrix, engine, served, args, results)
        with engine.connect() as conn:
            context = growth_world.read_context(conn)
        today, now = clock.today(), clock.now()
        sys.stderr.write("building 1 year of history …\n")
        built = build(
            matrix.app,
            engine,
            context,
            today - timedelta(days=365),
            today - timedelta(days=1),
            now,
            rng,
        )
        stage("1 year", matrix, engine, served, args, results, built)
        if args.years > 1:
            sys.stderr.write(f"building {args.years - 1} more years (minutes on 2 cores) …\n")
            first = today - timedelta(days=365 * args.years)
            built = build(matrix.app, engine, context, first, today - timedelta(days=366), now, rng)
            stage(f"{args.years} years", matrix, engine, served, args, results, built)
        engine.dispose()


if __name__ == "__main__":
    main()
