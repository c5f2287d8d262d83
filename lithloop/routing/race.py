"""Racing PyVRP (optionally several seeds in parallel processes) for warm starts."""

from __future__ import annotations

import multiprocessing
from concurrent.futures import ProcessPoolExecutor

from . import pyvrp_engine
from .plans import repair, score


def race_pyvrp(
    problem,
    allowed,
    big,
    greedy,
    greedy_share,
    budget,
    seed,
    incumbent,
    notes,
    config,
    workers=1,
    start=None,
) -> list[tuple[str, list]]:
    """PyVRP: strict (every required stop) when the greedy plan nearly serves all,
    then, if that stays infeasible, prize-collecting (an over-full day).

    With `workers` > 1, other seeds run at the same time in forked processes. Each
    repaired result is offered to the `incumbent`; the run ends early when its stop
    criterion fires. `start` (another engine's plan) is PyVRP's starting solution.
    """
    phases = [(True, 1.0)] if greedy_share >= 1 else [(False, 1.0)]
    if config.strict_first_above <= greedy_share < 1:  # a tight day: try to serve everyone
        phases = [(True, 0.75), (False, 0.25)]
    found: list[tuple[str, list]] = []
    warm = start if start is not None else (None if greedy_share >= 1 else greedy)
    for strict, share in phases:
        if incumbent.should_stop() or incumbent.fresh:
            return found
        args = (problem, allowed, budget * share, seed, big, strict, warm, config.pyvrp_windows)
        results = _run_seeds(args, workers, incumbent, notes)
        if not results:
            return found
        mode = "strict" if strict else "prize"
        feasible = False
        for k, (routes, ok, cost) in enumerate(results):
            notes.append(
                f"PyVRP {mode} seed {seed + k} {'feasible' if ok else 'infeasible'} cost {cost:.0f}"
            )
            fixed = repair(problem, routes)
            found.append((f"pyvrp-{mode}", fixed))
            incumbent.offer(f"pyvrp-{mode}", fixed)
            feasible = feasible or ok
        if feasible:
            break
        if score(problem, fixed) < score(problem, greedy):
            warm = fixed
    return found


def _run_seeds(args, workers: int, incumbent, notes: list[str]) -> list[tuple]:
    """Run PyVRP with seeds seed, seed+1, ... (extra seeds in forked processes)."""
    problem, allowed, seconds, seed, big, strict, warm, windows = args
    pool = None
    futures = []
    if workers > 1 and "fork" in multiprocessing.get_all_start_methods():
        pool = ProcessPoolExecutor(workers - 1, mp_context=multiprocessing.get_context("fork"))
        futures = [
            pool.submit(
                pyvrp_engine.solve_pyvrp,
                problem,
                allowed,
                seconds,
                seed + k,
                big,
                strict,
                warm,
                None,
                windows,
            )
            for k in range(1, workers)
        ]
    results = []
    try:
        res = pyvrp_engine.solve_pyvrp(
            problem, allowed, seconds, seed, big, strict, warm, incumbent=incumbent, windows=windows
        )
        if res is not None:
            results.append(res)
    except Exception as exc:
        notes.append(f"PyVRP failed: {type(exc).__name__}: {exc}")
    for fut in futures:
        try:
            ended = incumbent.stopped or incumbent.fresh
            res = fut.result(timeout=1 if ended else seconds + 10)
            if res is not None:
                results.append(res)
        except Exception as exc:
            notes.append(f"PyVRP helper failed: {type(exc).__name__}: {exc}")
    if pool is not None:
        pool.shutdown(wait=False, cancel_futures=True)
    return results


def spare_core_pyvrp(problem, allowed, big: int, seed: int, config, from_vroom: bool = False):
    """PyVRP for a core VROOM has finished with: from scratch, or `from_vroom` from VROOM's
    last plan (the two ways: PyVRP from scratch then runs in the main process), every stop
    optional (prize-collecting), another seed than the main search; a callable
    `(seconds, VROOM's plan) -> (label, repaired routes or None)` for the forked process."""

    def run(seconds: float, vroom_plan=None):
        res = pyvrp_engine.solve_pyvrp(
            problem,
            allowed,
            seconds,
            seed + 1,
            big,
            strict=False,
            initial=vroom_plan if from_vroom else None,
            windows=config.pyvrp_windows,
        )
        label = "pyvrp-from-vroom" if from_vroom else "pyvrp-spare"
        return label, None if res is None else repair(problem, res[0])

    return run
