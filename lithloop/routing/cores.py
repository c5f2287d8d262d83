"""How many cores are idle right now: whether a second engine can search beside VROOM.

Linux counts, per state, the time every core spent since boot (`/proc/stat`, first line:
user nice system idle iowait irq softirq steal ...). Two readings a few tens of
milliseconds apart tell how much of the machine was idle in between; time spent on
niced work counts as available (it yields to us). Elsewhere the load average stands in.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable

STAT = "/proc/stat"


def _read_stat() -> tuple[int, int] | None:
    """(available, total) ticks of all cores since boot, or None without /proc/stat."""
    try:
        with open(STAT, encoding="ascii") as fh:
            fields = fh.readline().split()
    except OSError:
        return None
    if not fields or fields[0] != "cpu":
        return None
    ticks = [int(x) for x in fields[1:9]]
    user, nice, system, idle, iowait = ticks[:5]
    return nice + idle + iowait, sum(ticks)


def idle_cores(
    window_s: float = 0.04,
    read: Callable[[], tuple[int, int] | None] = _read_stat,
    sleep: Callable[[float], None] = time.sleep,
) -> float:
    """Cores idle (or busy with niced work) over the next `window_s`; the load average
    where the kernel's counters cannot be read."""
    cpus = os.cpu_count() or 1
    first = read()
    if first is not None:
        sleep(window_s)
        second = read()
        if second is not None and second[1] > first[1]:
            return cpus * (second[0] - first[0]) / (second[1] - first[1])
    try:
        return max(cpus - os.getloadavg()[0], 0.0)
    except OSError:  # pragma: no cover - platforms without a load average
        return float(cpus - 1)
