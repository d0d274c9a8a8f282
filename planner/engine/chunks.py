"""Run the row formulas chunk by chunk, on a few threads.

The formulas stay vectorised numpy; what changes at scale is how much memory they sweep. One
pass over a million rows allocates dozens of fresh 8 MB temporaries (page faults, cache misses);
chunks of :data:`CHUNK_ROWS` rows reuse the allocator's memory and stay near the cache. numpy
releases the GIL inside its loops, so chunks also run side by side on the machine's cores.

``TRADE_PLANNER_THREADS`` sets the number of threads (``1`` = run in the calling thread).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

CHUNK_ROWS = 65_536
MAX_THREADS = 4

_lock = threading.Lock()
_pool: ThreadPoolExecutor | None = None
_pool_threads = 0


def _forget_pool() -> None:
    """In a forked child the pool's threads do not exist: start a new pool when needed."""
    global _pool
    _pool = None


os.register_at_fork(after_in_child=_forget_pool)


def thread_count() -> int:
    """Threads the engine uses: ``TRADE_PLANNER_THREADS``, else the usable CPUs (at most 4)."""
    raw = os.environ.get("TRADE_PLANNER_THREADS", "").strip()
    if raw.isdigit() and int(raw) > 0:
        return int(raw)
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return max(1, min(MAX_THREADS, usable or 1))


def row_slices(n: int, size: int | None = None) -> list[slice]:
    """Consecutive slices covering ``range(n)``, of at most ``size`` rows (one, if ``n == 0``).

    The slices are as even as possible (100,000 rows: two of 50,000, not 65,536 + 34,464), so
    that threads finish together. They depend only on ``n`` and ``size``, never on the thread
    count, so a plan's sums are added in the same order on every machine.
    """
    size = size or CHUNK_ROWS
    count = max(1, -(-n // size))
    bounds = [n * i // count for i in range(count + 1)]
    return [slice(a, b) for a, b in zip(bounds, bounds[1:], strict=False)]


def _executor(threads: int) -> ThreadPoolExecutor:
    global _pool, _pool_threads
    with _lock:
        if _pool is None or _pool_threads != threads:
            if _pool is not None:
                _pool.shutdown(wait=False)
            _pool = ThreadPoolExecutor(threads, thread_name_prefix="planner-engine")
            _pool_threads = threads
        return _pool


def run_chunks(work: Callable[[slice], None], slices: list[slice]) -> None:
    """Call ``work`` once per slice; in parallel when there are several slices and threads.

    ``work`` must only write to its own slice. The first exception raised by any chunk is
    re-raised here, after every chunk has finished.
    """
    threads = thread_count()
    if len(slices) == 1 or threads == 1:
        for sl in slices:
            work(sl)
        return
    futures = [_executor(threads).submit(work, sl) for sl in slices]
    for f in futures:
        f.exception()  # wait for all before raising, so no chunk outlives the call
    for f in futures:
        f.result()
