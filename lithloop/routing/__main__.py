"""CLI: `python -m lithloop.routing solve PROBLEM.json --seconds S` and `solomon PATH`.

The entry point wires in the app's distance provider (`lithloop.geo.matrices`) for problems
given by coordinates; the library itself (`import lithloop.routing`) never loads it.
"""

from __future__ import annotations

import argparse
import json
import sys

from lithloop.geo.matrices import RoadMatrices

from . import solomon
from .solve import solve
from .stop import NoImprovement
from .vroom_io import ProblemError, problem_from_json
from .vroom_out import solution_to_vroom

#: The longest search a command may ask for: a day (inf or 1e308 would never end).
MAX_SECONDS = 86_400.0
#: PyVRP takes an unsigned 32-bit seed, and the race adds up to 7 to it (one per extra
#: worker, and 1 for the spare core): above this, PyVRP refuses the seed.
MAX_SEED = 2**32 - 1 - 7


def _positive(text: str) -> float:
    try:
        val = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not 0 < val <= MAX_SECONDS:  # NaN and inf fail too
        raise argparse.ArgumentTypeError(f"must be > 0 and at most {MAX_SECONDS:,.0f} (a day)")
    return val


def _seed(text: str) -> int:
    try:
        val = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if not 0 <= val <= MAX_SEED:
        raise argparse.ArgumentTypeError(f"must be between 0 and {MAX_SEED}")
    return val


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m lithloop.routing")
    sub = p.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("solve", help="solve a VROOM-style JSON problem ('-' = stdin)")
    s.add_argument("problem")
    s.add_argument("--seconds", type=_positive, default=10.0)
    s.add_argument("--seed", type=_seed, default=0)
    s.add_argument("--workers", type=int, default=1, help="PyVRP seeds raced in parallel")
    s.add_argument(
        "--no-improvement",
        type=_positive,
        default=None,
        metavar="SECONDS",
        help="stop early when the best plan has not improved for SECONDS",
    )
    m = sub.add_parser("solomon", help="solve a Solomon VRPTW file (objective: distance)")
    m.add_argument("path")
    m.add_argument("--seconds", type=_positive, default=10.0)
    m.add_argument("--seed", type=_seed, default=0)
    m.add_argument("--vehicles", type=int, default=None)
    m.add_argument("--workers", type=int, default=1, help="PyVRP seeds raced in parallel")
    return p


def _fail(message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return 2


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns the process exit code (2 on bad input)."""
    args = _parser().parse_args(argv)
    if not 1 <= args.workers <= 8:
        return _fail("--workers: must be between 1 and 8")
    if args.cmd == "solve":
        try:
            if args.problem == "-":
                text = sys.stdin.read()
            else:
                with open(args.problem, encoding="utf-8") as fh:
                    text = fh.read()
        except OSError as exc:
            return _fail(f"cannot read {args.problem}: {exc.strerror}")
        except UnicodeDecodeError as exc:
            return _fail(f"{args.problem} is not UTF-8 text (byte {exc.start})")
        try:
            problem = problem_from_json(text, RoadMatrices().for_request)
        except ProblemError as exc:
            return _fail(f"{exc.path}: {exc.message} (item: {json.dumps(exc.item)[:200]})")
        stop = None if args.no_improvement is None else NoImprovement(args.no_improvement)
        sol = solve(
            problem, time_limit_s=args.seconds, seed=args.seed, workers=args.workers, stop=stop
        )
        json.dump(solution_to_vroom(sol), sys.stdout)
        print()
        return 0
    try:
        inst = solomon.parse(args.path)
    except (OSError, solomon.SolomonError) as exc:
        return _fail(f"path: {exc}")
    except UnicodeDecodeError as exc:
        return _fail(f"path: {args.path} is not UTF-8 text (byte {exc.start})")
    if args.vehicles is not None and not 1 <= args.vehicles:
        return _fail("--vehicles: must be >= 1")
    n = inst.vehicles if args.vehicles is None else min(args.vehicles, inst.vehicles)
    sol = solve(
        solomon.to_problem(inst, n),
        time_limit_s=args.seconds,
        seed=args.seed,
        workers=args.workers,
    )
    out = solomon.summary(inst, sol)
    json.dump(out, sys.stdout)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
