"""The allocator tuning: a recompute reuses the process's memory instead of faulting it back in.

Measured in fresh processes (the tuning is process-wide, set when the engine is imported): the
page faults of one ``compute`` of a 100,000-row plan after a few warm-up computes, with the
tuning and with ``TRADE_PLANNER_MALLOC=system``. Page faults are counted by the kernel, not
timed, so the comparison does not depend on how busy the machine is.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

PROBE = """
import json, resource
from bench.synth import synthetic_plan
from planner import compute
from planner.engine.memory import tune_allocator
plan = synthetic_plan(100_000)
for _ in range(3):
    compute(plan)
before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
compute(plan)
after = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
print(json.dumps({"tuned": tune_allocator(), "faults": after - before}))
"""


def _probe(**env: str) -> dict[str, object]:
    out = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, capture_output=True, text=True,
                         env={**os.environ, **env}, timeout=300, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def _glibc() -> bool:
    import platform

    return sys.platform.startswith("linux") and platform.libc_ver()[0] == "glibc"


@pytest.mark.skipif(not _glibc(), reason="the tuning applies to glibc only")
def test_a_recompute_does_not_fault_its_memory_back_in() -> None:
    tuned = _probe(TRADE_PLANNER_MALLOC="")
    system = _probe(TRADE_PLANNER_MALLOC="system")
    assert tuned["tuned"] is True and system["tuned"] is False
    # 100,000 rows: ~32 MiB of float outputs plus chunk temporaries. Untuned, glibc hands them
    # back to the system after each compute (tens of thousands of faults); tuned, the heap keeps
    # them for the next one.
    assert isinstance(tuned["faults"], int) and isinstance(system["faults"], int)
    assert tuned["faults"] < 2_000
    assert tuned["faults"] * 5 < system["faults"]
