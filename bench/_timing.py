"""Interleaved timing shared by the benchmarks: alternate rounds of Ember and PyTorch, medians.

NOTE: each library's worker threads keep spinning for a while after its last parallel op
(PyTorch's OpenMP threads ~200 ms, KMP_BLOCKTIME; OpenBLAS's too), holding one of the two cores:
a round started right after the other library's round runs its threaded calls on one core (an
Ember sum of 1e6 floats: 95 us instead of 46 us; a PyTorch MLP step: 17 ms instead of 4 ms).
Each timed round therefore follows SETTLE seconds of untimed calls of the same library, long
enough for the other one's threads to go idle while the cores stay busy (a sleep instead lets
the CPUs drop into idle states and slows the first calls after it), as for a user who runs
only one of the two.
"""

from __future__ import annotations

import statistics
import time

SETTLE = 0.3  # seconds between rounds


def per_call(fn, number: int) -> float:
    """Seconds per call of ``fn`` over ``number`` calls."""
    start = time.perf_counter()
    for _ in range(number):
        fn()
    return (time.perf_counter() - start) / number


def settle(fn) -> None:
    """Call ``fn`` untimed for SETTLE seconds."""
    end = time.perf_counter() + SETTLE
    while time.perf_counter() < end:
        fn()


def compare(e_fn, t_fn, number: int, rounds: int, warmup: int = 1) -> tuple[float, float]:
    """Median seconds per call of each, measured in alternating, settled rounds."""
    per_call(e_fn, warmup), per_call(t_fn, warmup)
    es, ts = [], []
    for _ in range(rounds):
        settle(e_fn)
        es.append(per_call(e_fn, number))
        settle(t_fn)
        ts.append(per_call(t_fn, number))
    return statistics.median(es), statistics.median(ts)
