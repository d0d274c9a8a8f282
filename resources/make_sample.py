"""Write ``resources/sample_plan.xlsx`` from :func:`planner.sample.sample_plan`.

Run from the repository root: ``python resources/make_sample.py``.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from planner import sample_plan, save_plan  # noqa: E402

if __name__ == "__main__":
    out = ROOT / "resources" / "sample_plan.xlsx"
    save_plan(sample_plan(), out)
    print(f"wrote {out.relative_to(ROOT)}")
