"""Plain-Python (JSON-ready) views of results; NaN becomes ``None``, numpy scalars Python ones."""

from __future__ import annotations

import json
import math
from typing import Any

import numpy as np
import pandas as pd

from planner.engine.core import Results
from planner.model import Plan


def clean(value: Any) -> Any:
    """Convert numpy scalars to Python ones and non-finite floats to ``None``."""
    if isinstance(value, (np.bool_, bool)):
        return bool(value)
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        x = float(value)
        return x if math.isfinite(x) else None
    if isinstance(value, dict):
        return {k: clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [clean(v) for v in value]
    return value


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows of a frame as a list of clean dicts."""
    cols = list(frame.columns)
    arrays = [frame[c].to_numpy(dtype=object) for c in cols]
    return [{c: clean(a[i]) for c, a in zip(cols, arrays, strict=True)}
            for i in range(len(frame))]


def results_dict(plan: Plan, results: Results) -> dict[str, Any]:
    """The ``compute --json`` document: settings, scenarios, trades, buckets, totals, cross."""
    return {
        "settings": clean(plan.settings.to_dict()),
        "scenarios": [clean(s.to_dict()) for s in plan.scenarios],
        "trades": records(results.rows),
        "buckets": records(results.buckets),
        "totals": clean(results.totals),
        "cross": records(results.cross),
    }


def dumps(doc: Any) -> str:
    """Serialise strictly (no NaN/Infinity tokens) with stable formatting."""
    return json.dumps(doc, indent=2, ensure_ascii=False, allow_nan=False)
