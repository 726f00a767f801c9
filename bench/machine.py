"""How fast this machine runs plain Python just now, printed beside every bench.live figure.

The project's machines differ from one day to the next (the same code has measured twice as
slow on one as on another), so a timing means little without a yardstick taken beside it.
"""

from __future__ import annotations

import time


def reference_ms(runs: int = 5) -> float:
    """Milliseconds to sum a million squares in pure Python, the best of `runs`."""
    best = float("inf")
    for _ in range(runs):
        started = time.perf_counter()
        sum(n * n for n in range(1_000_000))
        best = min(best, time.perf_counter() - started)
    return round(best * 1000, 1)
