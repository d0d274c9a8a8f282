"""Generated plans through compute → export → import → compute: no crash, same numbers."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pandas as pd
from hypothesis import HealthCheck, given, settings

from planner import compute, load_plan, save_plan
from tests.test_planner_io_roundtrip import plans


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plans())
def test_compute_export_import_gives_the_same_results(plan):
    before = compute(plan)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "plan.xlsx"
        save_plan(plan, path, results=before)
        back = load_plan(path)
    after = compute(back)
    assert back == plan
    pd.testing.assert_frame_equal(after.rows, before.rows)
    pd.testing.assert_frame_equal(after.buckets, before.buckets)
    pd.testing.assert_frame_equal(after.cross, before.cross)
