"""Run every benchmark and rewrite its section of ``docs/performance.md``.

Usage: ``python bench/run_all.py`` (``make bench``). Each script runs in its own process with
``--write``; a failing script is reported and the others still run.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCRIPTS = ("bench_engine", "bench_io", "bench_ui", "bench_portfolio", "bench_journal",
           "bench_formats", "bench_market")


def main() -> int:
    failed = []
    for name in SCRIPTS:
        print(f"== {name}", flush=True)
        proc = subprocess.run([sys.executable, "-m", f"bench.{name}", "--write"], cwd=ROOT,
                              env={"QT_QPA_PLATFORM": "offscreen", **os.environ})
        if proc.returncode:
            failed.append(name)
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
