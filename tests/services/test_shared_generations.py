"""The file-backed commit counters: shared by every process mapping the file, none lost."""

from __future__ import annotations

import multiprocessing
import threading

from lithloop.cache.shared_generations import SLOTS, FileCounters


def test_two_mappings_of_one_file_see_each_others_counts(tmp_path):
    path = str(tmp_path / "counters")
    one, two = FileCounters(path), FileCounters(path)  # as two workers would map it
    assert one.read(["booking", "pack"]) == (0, 0)
    two.bump(["booking"])
    two.bump(["booking", "pack"])
    assert one.read(["booking", "pack"]) == (2, 1)
    assert FileCounters(path).read(["booking"]) == (2,)  # a restart keeps counting on


def _bump_many(path: str, times: int, start) -> None:
    counters = FileCounters(path)
    start.wait(60)  # all at once, so that the increments really overlap
    for _ in range(times):
        counters.bump(["booking"])


def test_concurrent_counts_from_processes_and_threads_are_never_lost(tmp_path):
    path, times = str(tmp_path / "counters"), 20_000
    context = multiprocessing.get_context("spawn")
    start = context.Barrier(4)
    workers = [context.Process(target=_bump_many, args=(path, times, start)) for _ in range(2)]
    workers += [threading.Thread(target=_bump_many, args=(path, times, start)) for _ in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(120)
    assert [w.exitcode for w in workers[:2]] == [0, 0]
    assert FileCounters(path).read(["booking"]) == (4 * times,)


def test_the_file_is_one_slot_per_hash_of_a_table_name(tmp_path):
    counters = FileCounters(str(tmp_path / "counters"))
    assert (tmp_path / "counters").stat().st_size == SLOTS * 8
    counters.bump(["booking"])
    assert counters.read(["pack"]) == (0,)
