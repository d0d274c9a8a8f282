"""Assertions for engine tests."""

from __future__ import annotations

import numpy as np
import pandas as pd


def assert_same(a, b):
    """Two ``Results`` carry the same rows, buckets, cross view and totals (to rounding)."""
    pd.testing.assert_frame_equal(a.rows, b.rows, check_exact=False, rtol=1e-12)
    pd.testing.assert_frame_equal(a.buckets, b.buckets, check_exact=False, rtol=1e-9)
    pd.testing.assert_frame_equal(a.cross, b.cross, check_exact=False, rtol=1e-9)
    assert a.totals.keys() == b.totals.keys()
    for k in a.totals:
        np.testing.assert_allclose(a.totals[k], b.totals[k], rtol=1e-9, err_msg=k)
