"""Choose the tests that run on PostgreSQL too: the quickest set that sends every SQL
statement shape the suite sends (tests/sql_shapes.py explains shapes).

Usage, after a run of every test on both backends that kept its record:
    LITHLOOP_PG_ALL=1 LITHLOOP_SQL_SHAPES=/tmp/shapes.json TEST_DATABASE_URL=... make test
    python tools/pg_selection.py /tmp/shapes.json        # writes tests/pg_selection.txt

A weighted greedy cover: the test with the most shapes not yet covered per second of its
own SQLite run is taken first, until every shape is covered; then each taken test whose
shapes the others cover as well is dropped again, the slowest first.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.sql_shapes import ALWAYS_ON_PG, SELECTION, SQLITE_ONLY, uncovered  # noqa: E402

#: seconds every test costs beyond its own time (its app and database), for the weights
SET_UP_S = 0.2
HEADER = """\
# The tests that run on PostgreSQL as well as SQLite: every SQL statement shape the suite
# sends on SQLite is sent on PostgreSQL by one of these (tests/sql_shapes.py), together with
# the groups always run there (ALWAYS_ON_PG). Made by tools/pg_selection.py from a whole
# run's record; the end of each run says what this set no longer covers. Lines starting
# "sqlite-only" are shapes that run sent on SQLite and never on PostgreSQL (its own code
# path: the park serials' counter row), not counted as missing.
"""


def choose(rows: list) -> tuple[list[str], int]:
    """The covering tests and the number of shapes they cover (beside ALWAYS_ON_PG's).

    What must be covered is what the tests send on SQLite; what a test covers is what it
    sent on PostgreSQL in the record (a test may send other requests there: the matrices
    share their samples between the backends), its weight its PostgreSQL seconds."""
    needed = {s for _, backend, shapes, _ in rows if backend == "sqlite" for s in shapes}
    on_pg = {
        base: (set(shapes), sec) for base, backend, shapes, sec in rows if backend == "postgresql"
    }
    always = [s for base, (s, _) in on_pg.items() if base.startswith(ALWAYS_ON_PG)]
    needed -= set().union(*always)
    needed &= set().union(*(s for s, _ in on_pg.values()))  # the rest is SQLite's own
    left, taken = set(needed), []
    candidates = {b: v for b, v in on_pg.items() if not b.startswith(ALWAYS_ON_PG)}
    while left and candidates:
        best = max(
            candidates,
            key=lambda b: (len(candidates[b][0] & left) / (candidates[b][1] + SET_UP_S), b),
        )
        if not candidates[best][0] & left:
            break
        taken.append(best)
        left -= candidates.pop(best)[0]
    for base in sorted(taken, key=lambda b: -on_pg[b][1]):  # drop what the others cover
        others = set().union(*(on_pg[b][0] for b in taken if b != base))
        if on_pg[base][0] & needed <= others:
            taken.remove(base)
    return sorted(taken), len(needed)


def main(argv: list[str] | None = None) -> int:
    """Write tests/pg_selection.txt from a run's record; print what it costs."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("record", type=Path, help="the JSON a run wrote to LITHLOOP_SQL_SHAPES")
    args = parser.parse_args(argv)
    rows = json.loads(args.record.read_text(encoding="utf-8"))["rows"]
    backends = [row[1] for row in rows]
    if backends.count("postgresql") < 0.9 * backends.count("sqlite"):
        print("the record is not of every test on both backends: run with LITHLOOP_PG_ALL=1")
        return 2
    taken, needed = choose(rows)
    seconds = {base: s for base, backend, _, s in rows if backend == "sqlite"}
    pg_rows = [r for r in rows if r[1] == "postgresql"]
    merged = json.loads(args.record.read_text(encoding="utf-8"))
    own = sorted(uncovered(merged)) if pg_rows else []  # never sent on PostgreSQL at all
    lines = [f"{base}\n" for base in taken] + [
        f"{SQLITE_ONLY}{shape}  {merged['texts'].get(shape, '')[:80]}\n" for shape in own
    ]
    SELECTION.write_text(HEADER + "".join(lines), encoding="utf-8")
    print(
        f"{len(taken)} of {len(seconds)} tests cover {needed} shapes "
        f"({sum(seconds[b] for b in taken):.0f} s of {sum(seconds.values()):.0f} s on SQLite; "
        f"the record's PostgreSQL runs took {sum(r[3] for r in pg_rows):.0f} s): {SELECTION}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
