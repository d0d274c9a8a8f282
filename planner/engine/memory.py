"""Keep the C allocator from handing large arrays back to the system after every compute.

glibc serves an allocation above its mmap threshold with fresh pages from the system and
returns them when the allocation is freed. The threshold adapts upwards as large blocks are
freed, but never beyond 32 MiB, and memory above the trim threshold at the top of the heap is
released too. A compute allocates its float output block (42 columns × 8 bytes per row:
32.04 MiB at 100,000 rows) and many temporaries the size of a chunk, and every compute then
page-faults all of it back in: measured on a 100,000-row plan, about 21,500 page faults and
60 ms of kernel time per compute, more than the formulas themselves (the time doubled when the
schema grew from 41 to 42 float columns and the block crossed 32 MiB). On a 10,000-row plan,
the size the grid recomputes while the trader types, about 2,100 faults per compute.

Fixing both thresholds (mmap above 256 MiB, trim above 512 MiB) keeps such blocks in the heap
for the next compute; the cost is that up to 512 MiB of freed memory stays with the process.
Only glibc is tuned (other C libraries keep their defaults); ``TRADE_PLANNER_MALLOC=system``
leaves glibc's defaults as well.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import sys
from functools import cache

#: glibc's ``mallopt`` parameters (``malloc.h``).
_M_TRIM_THRESHOLD = -1
_M_MMAP_THRESHOLD = -3
MMAP_THRESHOLD_BYTES = 256 << 20
TRIM_THRESHOLD_BYTES = 512 << 20
OPT_OUT = ("TRADE_PLANNER_MALLOC", "system")


@cache
def tune_allocator() -> bool:
    """Set glibc's mmap and trim thresholds once per process (see the module docstring).

    Returns:
        True when the thresholds are set (now or by an earlier call); False on a C library
        other than glibc, or when ``TRADE_PLANNER_MALLOC=system``.
    """
    name, value = OPT_OUT
    if os.environ.get(name, "").strip().lower() == value or not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        if not hasattr(libc, "gnu_get_libc_version") or not hasattr(libc, "mallopt"):
            return False  # musl and others: their own allocator, left alone
        return bool(libc.mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD_BYTES)
                    and libc.mallopt(_M_TRIM_THRESHOLD, TRIM_THRESHOLD_BYTES))
    except OSError:
        return False
