"""Whether a function's time grows in proportion to its input, for complexity regressions.

Seconds are never compared to a fixed bound in the suite (speed goals are benchmarks under
bench/): the same function is timed on an input and on one eight times larger, best of three
each, and only the ratio is checked. A linear function gives about 8 whatever the machine's
speed or load; a quadratic one about 64; an exponential one never returns at all.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

Input = TypeVar("Input")

FACTOR = 8
# Three times the linear ratio: a busy machine does not reach it, a quadratic function passes it.
LIMIT = 3 * FACTOR


def per_call(run: Callable[[Input], object], data: Input, calls: int) -> float:
    """Best of three timings of calls runs, per run: a short run is repeated to be measurable."""
    timings = []
    for _ in range(3):
        started = time.perf_counter()
        for _ in range(calls):
            run(data)
        timings.append((time.perf_counter() - started) / calls)
    return min(timings)


def growth(run: Callable[[Input], object], make: Callable[[int], Input], size: int) -> float:
    """Return how many times longer run takes on make(FACTOR * size) than on make(size)."""
    small, large = make(size), make(FACTOR * size)
    once = per_call(run, small, 1)
    calls = min(1000, 1 + int(0.02 / max(once, 1e-6)))
    return per_call(run, large, max(1, calls // FACTOR)) / per_call(run, small, calls)


def assert_linear(run: Callable[[Input], object], make: Callable[[int], Input], size: int) -> None:
    ratio = growth(run, make, size)
    assert ratio < LIMIT, (
        f"{FACTOR}x the input took {ratio:.0f}x the time (linear gives about {FACTOR})"
    )
