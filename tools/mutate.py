"""`make mutate`: run mutmut over the pure cores, then print the score per module and the survivors.

mutmut keeps its state in mutants/ (per-function hashes and each mutant's result), so a
re-run only tries the mutants of functions that changed, those not yet tried, and the
survivors of the last run (tests added since may kill them). The modules and the test
selection are in pyproject.toml ([tool.mutmut]); mutmut narrows the selection further to
the tests that call each mutated function. docs/testing.md explains the survivors left.

    python tools/mutate.py                 # run (2 workers), then report
    python tools/mutate.py --report        # report only, from mutants/
    python tools/mutate.py --retry         # only retry the survivors (after adding tests)
    python tools/mutate.py --min 90        # exit 1 if a module scores below 90 %
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

KILLED = {1, 3, 36, 37, -24, 24, 152, 255}  # a failing test, a timeout, a type-check catch
SURVIVED = {0}
NO_TESTS = {5, 33}
SKIPPED = {34}
LEFT = ("survived", "no tests", "suspicious")


def status(code: int | None) -> str:
    """mutmut's exit code of a mutant run as killed / survived / no tests / skipped / other."""
    if code in KILLED:
        return "killed"
    if code in SURVIVED:
        return "survived"
    if code in NO_TESTS:
        return "no tests"
    if code in SKIPPED:
        return "skipped"
    return "not checked" if code is None else "suspicious"


def results(root: Path) -> dict[str, dict[str, str]]:
    """{module path: {mutant name: status}} from mutmut's .meta files under root/mutants."""
    out: dict[str, dict[str, str]] = {}
    for meta in sorted((root / "mutants").rglob("*.py.meta")):
        data = json.loads(meta.read_text("utf-8"))
        module = str(meta.relative_to(root / "mutants"))[: -len(".meta")]
        codes = data.get("exit_code_by_key", {})
        if codes:
            out[module] = {name: status(code) for name, code in codes.items()}
    return out


def score(statuses: dict[str, str]) -> tuple[Counter, float]:
    """Counts per status and the share killed of the mutants tried (no tests = survived)."""
    counts = Counter(statuses.values())
    tried = sum(counts.values()) - counts["skipped"] - counts["not checked"]
    return counts, (100.0 * counts["killed"] / tried if tried else float("nan"))


def _pct(value: float) -> str:
    return "–" if value != value else f"{value:.1f} %"  # nan: none tried yet


def report(root: Path) -> list[tuple[str, float]]:
    """Print the table (markdown) and the survivors; return (module, score) pairs."""
    rows = []
    print("| module | mutants | killed | survived | no tests | not checked | score |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    all_counts: Counter = Counter()
    by_module = results(root)
    for module, statuses in by_module.items():
        counts, pct = score(statuses)
        all_counts += counts
        rows.append((module, pct))
        print(
            f"| `{module}` | {len(statuses)} | {counts['killed']} | {counts['survived']} "
            f"| {counts['no tests']} | {counts['not checked']} | {_pct(pct)} |"
        )
    total, pct = score(dict(enumerate(s for st in by_module.values() for s in st.values())))
    print(
        f"| **all** | {sum(total.values())} | {total['killed']} | {total['survived']} "
        f"| {total['no tests']} | {total['not checked']} | {_pct(pct)} |"
    )
    print()
    for module, statuses in by_module.items():
        left = [n for n, s in statuses.items() if s in LEFT]
        if left:
            print(f"{module}: {len(left)} left (see `mutmut show NAME`)")
            for name in left:
                print(f"    {statuses[name]:9} {name}")
    return rows


def main(argv: list[str] | None = None) -> int:
    """Run mutmut (unless --report), print the report, check --min."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--report", action="store_true", help="only report from mutants/")
    parser.add_argument("--min", type=float, default=None, help="lowest score per module, %%")
    parser.add_argument("--max-children", type=int, default=int(os.environ.get("MUTATE_JOBS", 2)))
    parser.add_argument("--retry", action="store_true", help="only retry the last survivors")
    parser.add_argument("mutants", nargs="*", help="mutant names or globs to (re)try")
    args = parser.parse_args(argv)
    root = Path(__file__).resolve().parent.parent
    if not args.report:
        run = [str(Path(sys.executable).with_name("mutmut")), "run"]
        run += ["--max-children", str(args.max_children)]
        before = results(root)
        if not args.retry:  # new and changed ones (and those named)
            subprocess.run([*run, *args.mutants], cwd=root, check=False)
        if not args.mutants:
            # mutmut lets a survivor's result stand; tests added since may kill it now.
            after = results(root)
            retry = [
                name
                for module, statuses in before.items()
                for name, was in statuses.items()
                if was in LEFT and after.get(module, {}).get(name) in LEFT
            ]
            for at in range(0, len(retry), 200):
                subprocess.run([*run, *retry[at : at + 200]], cwd=root, check=False)
        print()
    rows = report(root)
    low = [m for m, pct in rows if args.min is not None and pct < args.min]
    if low:
        print(f"below {args.min:g} %: {', '.join(low)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
