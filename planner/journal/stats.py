"""Journal statistics (SPEC §7), vectorised: no Python loop over trades.

Inputs are derived journal frames (:func:`planner.journal.derive.derive`). Conventions:

* a win is ``pnl > 0``, a loss ``pnl < 0``; break-even trades count in ``count`` (and so lower
  the win rate) but are neither wins nor losses;
* ``profit_factor`` is ``inf`` when there are wins and no loss, and ``nan`` (undefined) when
  there are neither; ``payoff`` is ``nan`` unless there are both wins and losses;
* ``expectancy_r`` and the R intervals use trades that have a planned risk (``r_count`` of them);
* the equity curve starts at ``capital`` and adds P&L in close order (ties by id);
  ``max_drawdown_usd`` is the largest peak-to-trough fall in USD and ``max_drawdown_pct`` the
  largest fall relative to its own peak, in percent — the two may come from different episodes;
* per bucket, a 95 % Student-t interval on the mean R says whether the bucket's edge is
  distinguishable from zero: ``edge`` (interval above 0), ``negative edge`` (below 0), ``noise``
  (it contains 0) or ``too few trades`` (fewer than 2 trades with R).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from planner.journal.columns import BUCKET_COLUMNS, SUMMARY_COLUMNS

CONFIDENCE = 0.95
VERDICTS = ("edge", "negative edge", "noise", "too few trades")
SUMMARY_KEYS = tuple(c.key for c in SUMMARY_COLUMNS) + ("r_count",)
BUCKET_KEYS = tuple(c.key for c in BUCKET_COLUMNS)


def in_close_order(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` sorted by close time (ties keep their order: store id order)."""
    closed = frame["closed_at"]
    if closed.is_monotonic_increasing:
        return frame
    return frame.iloc[np.argsort(closed.dt.tz_convert(None).to_numpy(), kind="stable")]


def equity_curve(frame: pd.DataFrame, capital: float) -> pd.DataFrame:
    """Equity after each trade in close order.

    Args:
        frame: Derived journal frame.
        capital: Starting capital, USD (> 0).

    Returns:
        Columns ``closed_at``, ``pnl_usd``, ``equity_usd``, ``peak_usd``, ``drawdown_usd``
        (peak − equity) and ``drawdown_pct`` (of the peak, %), one row per trade.
    """
    ordered = in_close_order(frame)
    pnl = ordered["realized_pnl_usd"].to_numpy(dtype=float)
    equity = capital + np.cumsum(pnl)
    peak = np.maximum.accumulate(np.concatenate(([capital], equity)))[1:]
    dd = peak - equity
    return pd.DataFrame({"closed_at": ordered["closed_at"].reset_index(drop=True), "pnl_usd": pnl,
                         "equity_usd": equity, "peak_usd": peak, "drawdown_usd": dd,
                         "drawdown_pct": dd / peak * 100.0})


def _ratio(num: float, den: float) -> float:
    return num / den if den else float("nan")


def _profit_factor(gross_win: float, gross_loss: float) -> float:
    if gross_loss:
        return gross_win / abs(gross_loss)
    return float("inf") if gross_win > 0 else float("nan")


def summary(frame: pd.DataFrame, capital: float,
            curve: pd.DataFrame | None = None) -> dict[str, float]:
    """The §7 statistics of ``frame`` as a flat dict (NaN where undefined; see module doc).

    Args:
        frame: Derived journal frame.
        capital: Starting capital of the equity curve, USD.
        curve: Its :func:`equity_curve`, when already computed.
    """
    pnl = frame["realized_pnl_usd"].to_numpy(dtype=float)
    r = frame["r_multiple"].to_numpy(dtype=float)
    r = r[~np.isnan(r)]
    win, loss = pnl[pnl > 0], pnl[pnl < 0]
    curve = equity_curve(frame, capital) if curve is None else curve
    avg_win = float(win.mean()) if win.size else float("nan")
    avg_loss = float(loss.mean()) if loss.size else float("nan")
    return {
        "count": len(pnl), "wins": int(win.size), "losses": int(loss.size),
        "breakeven": int(len(pnl) - win.size - loss.size),
        "win_rate": _ratio(win.size, len(pnl)), "avg_win_usd": avg_win, "avg_loss_usd": avg_loss,
        "payoff": avg_win / abs(avg_loss) if win.size and loss.size else float("nan"),
        "expectancy_usd": float(pnl.mean()) if pnl.size else float("nan"),
        "expectancy_r": float(r.mean()) if r.size else float("nan"), "r_count": int(r.size),
        "profit_factor": _profit_factor(float(win.sum()), float(loss.sum())),
        "total_pnl_usd": float(pnl.sum()),
        "max_drawdown_usd": float(curve["drawdown_usd"].max()) if len(curve) else 0.0,
        "max_drawdown_pct": float(curve["drawdown_pct"].max()) if len(curve) else 0.0,
        **_exit_counts(frame),
    }


def _exit_counts(frame: pd.DataFrame) -> dict[str, int]:
    """Trades that ended at a stop and in a liquidation (``exit_kind``)."""
    kind = frame["exit_kind"] if "exit_kind" in frame else pd.Series("close", index=frame.index)
    return {"stops": int((kind == "stop").sum()),
            "liquidations": int((kind == "liquidation").sum())}


def _intervals(mean: np.ndarray, std: np.ndarray, n: np.ndarray
               ) -> tuple[np.ndarray, np.ndarray]:
    """Two-sided Student-t interval on a mean, NaN where fewer than 2 values."""
    from scipy.stats import t

    with np.errstate(divide="ignore", invalid="ignore"):
        q = t.ppf(0.5 + CONFIDENCE / 2, np.where(n >= 2, n - 1, np.nan))
        half = q * std / np.sqrt(n)
    return mean - half, mean + half


def verdicts(low: np.ndarray, high: np.ndarray) -> np.ndarray:
    """Edge / negative edge / noise / too few trades, from the interval on the mean R."""
    out = np.where(low > 0, VERDICTS[0], np.where(high < 0, VERDICTS[1], VERDICTS[2]))
    return np.where(np.isnan(low) | np.isnan(high), VERDICTS[3], out).astype(object)


def bucket_table(frame: pd.DataFrame) -> pd.DataFrame:
    """Per-bucket attribution (:data:`BUCKET_KEYS`), largest P&L first."""
    if frame.empty:
        return pd.DataFrame({k: pd.Series(dtype=object if k in ("bucket", "verdict") else float)
                             for k in BUCKET_KEYS})
    pnl = frame["realized_pnl_usd"]
    g = pd.DataFrame({"bucket": frame["bucket"].astype(str), "pnl": pnl,
                      "win": pnl > 0, "loss": pnl < 0,
                      "r": frame["r_multiple"]}).groupby("bucket", sort=True)
    agg = g.agg(count=("pnl", "size"), wins=("win", "sum"), losses=("loss", "sum"),
                pnl_usd=("pnl", "sum"), expectancy_usd=("pnl", "mean"),
                expectancy_r=("r", "mean"), r_count=("r", "count"), r_std=("r", "std"))
    low, high = _intervals(agg["expectancy_r"].to_numpy(), agg["r_std"].to_numpy(),
                           agg["r_count"].to_numpy(dtype=float))
    total = float(pnl.sum())
    agg["share_pct"] = agg["pnl_usd"] / total * 100.0 if total else np.nan
    agg["win_rate"] = agg["wins"] / agg["count"]
    agg["mean_r_low"], agg["mean_r_high"] = low, high
    agg["verdict"] = verdicts(low, high)
    out = agg.reset_index().sort_values("pnl_usd", ascending=False, kind="stable")
    return out[list(BUCKET_KEYS)].reset_index(drop=True)


def tag_table(frame: pd.DataFrame) -> pd.DataFrame:
    """Per-tag attribution like :func:`bucket_table` (a trade counts under each of its tags)."""
    if frame.empty or "tags" not in frame:
        return bucket_table(frame.iloc[:0]).rename(columns={"bucket": "tag"})
    tags = frame["tags"].astype(str).str.split(",").explode().str.strip()
    tags = tags[tags != ""]
    rows = frame.loc[tags.index].assign(bucket=tags.to_numpy())
    return bucket_table(rows.reset_index(drop=True)).rename(columns={"bucket": "tag"})


def band_counts(frame: pd.DataFrame) -> dict[str, int]:
    """How many trades fell in each scenario band (trades without σ are left out)."""
    from planner.journal.derive import BANDS

    counts = frame["band"].value_counts()
    return {b: int(counts.get(b, 0)) for b in BANDS}


def daily_pnl(frame: pd.DataFrame, tz: str = "UTC") -> pd.Series:
    """Realized P&L per calendar day of the close (in ``tz``), USD.

    Days without trades are left out; the index holds ``datetime.date`` values.
    """
    if frame.empty:
        return pd.Series(dtype=float)
    days = frame["closed_at"].dt.tz_convert(tz).dt.date
    return frame["realized_pnl_usd"].groupby(days.to_numpy()).sum().sort_index()


def statistics(frame: pd.DataFrame, capital: float) -> dict[str, Any]:
    """Summary, bucket table and band counts of a derived journal frame, in one dict."""
    return {**summary(frame, capital), "buckets": bucket_table(frame),
            "bands": band_counts(frame)}
