"""Benchmark: scrap quotes and second-life prices per second on 10,000 mixed inputs.

Run: .venv/bin/python bench/pricing.py  (prints figures; never part of the test run).
The "naive" baseline rebuilds the per-snapshot material tables for every quote (a fresh
copy of the snapshot has an empty memo), which is what the engine did before caching.
"""

from __future__ import annotations

import dataclasses
import platform
import random
import sys
import time
from datetime import date
from decimal import Decimal

from lithloop.pricing import (
    Chemistry,
    Condition,
    Form,
    Grade,
    ScrapLot,
    SecondLifePack,
    latest_snapshot,
    price_second_life,
    quote_scrap,
)

N = 10_000
DAY = date(2026, 2, 2)


def make_lots(rng: random.Random, n: int) -> list[ScrapLot]:
    """Mixed lots: chemistry weighted towards LFP (buses), all forms and conditions."""
    chems = list(Chemistry)
    weights = [60, 5, 8, 12, 5, 6, 4]
    lots = []
    for _ in range(n):
        plan = rng.random() < 0.3
        lots.append(
            ScrapLot(
                rng.choices(chems, weights)[0],
                rng.choice(list(Form)),
                Decimal(rng.randint(5, 400_000)) / 10,
                rng.choices(list(Condition), [80, 15, 5])[0],
                distance_km=Decimal(rng.randint(0, 500)),
                logistics_cost_fen=rng.randint(20_000, 500_000) if plan else None,
            )
        )
    return lots


def make_packs(rng: random.Random, n: int) -> list[SecondLifePack]:
    """Mixed LFP second-life packs (car, bus, storage sizes)."""
    return [
        SecondLifePack(
            Chemistry.LFP,
            Decimal(rng.choice([50, 60, 80, 280, 324, 385])),
            Decimal(rng.randint(300, 950)) / 10,
            rng.randint(0, 6000),
            rng.choice(list(Grade)),
            rng.choice([0, 6, 12, 24, 36]),
            quantity=rng.choice([1, 1, 1, 2, 10, 50]),
        )
        for _ in range(n)
    ]


def rate(fn, items, repeats: int = 3) -> tuple[float, int]:
    """Best-of-`repeats` items per second for fn over items, and a checksum of the totals."""
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        checksum = 0
        for item in items:
            checksum += fn(item)
        best = min(best, time.perf_counter() - start)
    return len(items) / best, checksum


def main() -> None:
    rng = random.Random(20260126)
    index = latest_snapshot()
    lots = make_lots(rng, N)
    packs = make_packs(rng, N)
    quote_scrap(lots[0], index, quoted_on=DAY)  # warm the per-snapshot tables

    cached, c1 = rate(lambda lot: quote_scrap(lot, index, quoted_on=DAY).total_fen, lots)
    naive, c2 = rate(
        lambda lot: quote_scrap(lot, dataclasses.replace(index), quoted_on=DAY).total_fen, lots
    )
    assert c1 == c2, "cached and naive quotes disagree"
    sl, c3 = rate(lambda pack: price_second_life(pack, index).price_fen, packs)
    sl_naive, c4 = rate(
        lambda pack: price_second_life(pack, dataclasses.replace(index)).price_fen, packs
    )
    assert c3 == c4, "cached and naive second-life prices disagree"

    print(f"lithloop pricing benchmark  python {sys.version.split()[0]}  {platform.machine()}")
    print(f"index {index.version}; {N:,} mixed scrap lots; {N:,} LFP second-life packs; best of 3")
    print(f"scrap quotes,  cached tables : {cached:10,.0f} /s")
    print(f"scrap quotes,  naive rebuild : {naive:10,.0f} /s   (cached = {cached / naive:.2f}x)")
    print(f"second-life,   cached tables : {sl:10,.0f} /s")
    print(f"second-life,   naive rebuild : {sl_naive:10,.0f} /s   (cached = {sl / sl_naive:.2f}x)")
    print(f"checksums: scrap {c1} fen, second-life {c3} fen")


if __name__ == "__main__":
    main()
