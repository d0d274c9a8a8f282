"""Content keys: one per execution, so re-importing a file adds nothing twice.

A journal row's *base key* is a SHA-1 over what identifies the execution — close and open times
(UTC, µs), symbol, side, venue, entry, exit, quantity, fees, funding and the realized P&L — and
over nothing the user annotates afterwards (bucket, notes, planned fields), so re-importing the
same file with another default bucket is still a no-op.

Two genuine fills can be identical in every field (same second, same size, same price). They are
not merged: the key is ``base#n``, ``n`` counting identical rows in the same file (``#0``,
``#1`` …). Importing the file again yields the same keys; an overlapping export of the same
account yields the same keys for the rows they share. When the venue's own execution id is
mapped, the key is that id (with venue and symbol) and identical-looking fills need no counter.
"""

from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd

from planner.journal.derive import realized_pnl

_FLOATS = ("entry_price", "exit_price", "quantity", "fees_usd", "funding_usd")


def _number_text(values: pd.Series, digits: int = 10) -> pd.Series:
    """Shortest round-trip text of each number (rounded to ``digits``), "" for NaN."""
    arr = np.round(values.to_numpy(dtype=float), digits) + 0.0   # + 0.0 turns -0.0 into 0.0
    text = arr.astype(str).astype(object)
    text[np.isnan(arr)] = ""
    return pd.Series(text, dtype=object)


def _time_text(times: pd.Series) -> pd.Series:
    us = times.dt.as_unit("us").astype("int64").to_numpy()
    text = us.astype(str).astype(object)
    text[times.isna().to_numpy()] = ""
    return pd.Series(text, dtype=object)


def _sha1(parts: pd.Series) -> list[str]:
    return [hashlib.sha1(p.encode("utf-8")).hexdigest() for p in parts]


def base_keys(frame: pd.DataFrame) -> pd.Series:
    """The content hash of each row (without the duplicate counter), index as ``frame``."""
    fields = [_time_text(frame["closed_at"]), _time_text(frame["opened_at"]),
              frame["symbol"].astype(str).str.upper().reset_index(drop=True),
              frame["side"].astype(str).reset_index(drop=True),
              frame["venue"].astype(str).str.lower().reset_index(drop=True)]
    fields += [_number_text(frame[k]) for k in _FLOATS]
    fields.append(_number_text(pd.Series(realized_pnl(frame)), 6))
    joined = fields[0].str.cat(fields[1:], sep="|")
    return pd.Series(_sha1(joined), index=frame.index, dtype=object)


def _id_keys(frame: pd.DataFrame) -> pd.Series:
    parts = ("x|" + frame["venue"].astype(str).str.lower() + "|"
             + frame["symbol"].astype(str).str.upper() + "|" + frame["execution_id"].astype(str))
    return pd.Series(_sha1(parts), index=frame.index, dtype=object).radd("x:")


def content_keys(frame: pd.DataFrame) -> pd.Series:
    """Content key per row, ``base#n`` with ``n`` counting identical rows within ``frame``.

    Rows with an ``execution_id`` use it instead (``x:<hash>``, no counter).
    """
    base = base_keys(frame)
    keys = base + "#" + base.groupby(base).cumcount().astype(str)
    if "execution_id" in frame:
        has_id = frame["execution_id"].astype(str).str.strip() != ""
        if has_id.any():
            keys[has_id] = _id_keys(frame[has_id])
    return keys.astype(object)
