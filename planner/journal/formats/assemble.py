"""Exchange exports -> journal rows, one :class:`~planner.journal.frame.Parsed` per file.

All files of one import are read together: fills of every file are netted into trades
(:func:`planner.journal.netting.net_fills`; a trade belongs to the file of its closing fill),
one-row-per-trade files give their trades, and funding and liquidation marks (from fill files,
ledgers or funding files) are attached to the trade open then (:mod:`.attach`); funding outside
every trade becomes an entry of its own (``exit_kind`` ``funding``).

A bad row is listed with its line and column; when the user accepts the good rows, trades of a
symbol with a bad fill are left out too (netting without that fill would misstate them), and
the import says so.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from planner.errors import CellIssue
from planner.journal.formats.attach import attach
from planner.journal.formats.load import load_export
from planner.journal.formats.rows import ExportRows, read_rows
from planner.journal.frame import Parsed, empty_journal, frame_issues
from planner.journal.keys import content_keys
from planner.journal.netting import net_fills

_FILE = 10**9      # line key = file number × _FILE + line


@dataclass(frozen=True, eq=False)
class ExportImport:
    """The result of reading export files (nothing stored yet).

    Attributes:
        parsed: One Parsed per file (good trades indexed by line, issues).
        presets: The preset name of each file.
        notes: What the user should know (positions left open, rows not imported).
    """

    parsed: tuple[Parsed, ...]
    presets: tuple[str, ...]
    notes: tuple[str, ...]


def _journal(rows: dict[str, object], n: int) -> pd.DataFrame:
    out = empty_journal(n)
    for k, v in rows.items():
        if isinstance(v, pd.Series) and isinstance(v.dtype, pd.DatetimeTZDtype):
            out[k] = v.dt.as_unit("us").reset_index(drop=True)
        else:
            out[k] = v.to_numpy() if isinstance(v, pd.Series) else np.asarray(v)
    return out


def _netted(files: Sequence[ExportRows], venues: Sequence[str]) -> tuple[pd.DataFrame, int]:
    """Trades netted from every file's fills, as journal rows with a global line key."""
    parts = [r.fills.assign(line=r.fills["line"].astype(np.int64) + i * _FILE)
             for i, r in enumerate(files) if not r.fills.empty]
    if not parts:
        return empty_journal(0).assign(line=pd.Series(dtype=np.int64)), 0
    fills = pd.concat(parts, ignore_index=True)
    closed, unfinished = net_fills(fills)
    venue = np.asarray(venues, dtype=object)[closed["line"].to_numpy(dtype=np.int64) // _FILE]
    other = closed["fee_other"].to_numpy(dtype=float)
    note = np.where(other != 0, "fees also " + pd.Series(other).map("{:.8g}".format).astype(str)
                    + " " + closed["fee_coin_other"].astype(str).to_numpy()
                    + " (not converted to USD)", "")
    frame = _journal({
        "opened_at": closed["opened_at"], "closed_at": closed["closed_at"],
        "symbol": closed["symbol"], "side": closed["side"], "venue": venue,
        "entry_price": closed["entry_price"].astype(float),
        "exit_price": closed["exit_price"].astype(float),
        "quantity": closed["quantity"].astype(float), "fees_usd": closed["fees_usd"].astype(float),
        "reported_pnl_usd": closed["venue_pnl_usd"].astype(float), "notes": note,
        "exit_kind": np.where(closed["liquidation"], "liquidation",
                              np.where(closed["stop"], "stop", "close")),
        "execution_id": _ids(closed)}, len(closed))
    return frame.assign(line=closed["line"].to_numpy(dtype=np.int64)), len(unfinished)


def _ids(closed: pd.DataFrame) -> pd.Series:
    """A trade's own key: its book, open and close times, fill ids and size."""
    us = [closed[k].dt.as_unit("us").astype("int64").astype(str) for k in ("opened_at",
                                                                           "closed_at")]
    return ("net|" + closed["book"].astype(str) + "|" + closed["side"] + "|" + us[0] + "|"
            + us[1] + "|" + closed["first_id"].astype(str) + "|" + closed["last_id"].astype(str)
            + "|" + closed["quantity"].map("{:.10g}".format)).reset_index(drop=True)


def _trade_rows(files: Sequence[ExportRows], venues: Sequence[str]) -> pd.DataFrame:
    frames = []
    for i, r in enumerate(files):
        if r.trades.empty:
            continue
        t = r.trades
        keys = {k: t[k] for k in t.columns if k != "line"}
        rows = _journal({**keys, "venue": [venues[i]] * len(t)}, len(t))
        # keyed by the row as the file gives it: funding attached from another file later
        # does not make a re-import of this file look new
        rows["execution_id"] = ("row|" + content_keys(rows)).to_numpy()
        frames.append(rows.assign(line=(t["line"].to_numpy(dtype=np.int64) + i * _FILE)))
    return pd.concat(frames, ignore_index=True) if frames else \
        empty_journal(0).assign(line=pd.Series(dtype=np.int64))


def _loose_funding(loose: pd.DataFrame, files: Sequence[ExportRows],
                   venues: Sequence[str]) -> pd.DataFrame:
    """Funding outside every trade: entries of their own (P&L = the payment)."""
    fund = loose[loose["kind"] == "funding"]
    file_no = fund["line"].to_numpy(dtype=np.int64) // _FILE
    amount = fund["amount_usd"].to_numpy(dtype=float)
    frame = _journal({"opened_at": fund["time"], "closed_at": fund["time"],
                      "symbol": fund["symbol"], "funding_usd": amount,
                      "reported_pnl_usd": amount, "exit_kind": ["funding"] * len(fund),
                      "venue": np.asarray(venues, dtype=object)[file_no],
                      "notes": ["funding outside any trade"] * len(fund)}, len(fund))
    return frame.assign(line=fund["line"].to_numpy(dtype=np.int64))


def _events(files: Sequence[ExportRows]) -> pd.DataFrame:
    parts = [r.events.assign(line=r.events["line"].astype(np.int64) + i * _FILE)
             for i, r in enumerate(files) if not r.events.empty]
    if not parts:
        return pd.DataFrame({"time": pd.Series(dtype="datetime64[us, UTC]"),
                             "symbol": pd.Series(dtype=object), "kind": pd.Series(dtype=object),
                             "amount_usd": pd.Series(dtype=float),
                             "line": pd.Series(dtype=np.int64)})
    return pd.concat(parts, ignore_index=True)


def read_exports(paths: Sequence[str | Path], *, forced: str | None = None,
                 tz: str | None = None, dayfirst: bool | None = None,
                 face_values: Mapping[str, float] | None = None) -> ExportImport:
    """Read exchange exports into journal rows (see the module doc); store nothing.

    Raises:
        FileRefused: A file cannot be read as asked (names file, line and column).
    """
    files = [read_rows(load_export(p, forced), tz=tz, dayfirst=dayfirst,
                       face_values=face_values) for p in paths]
    venues = [r.loaded.preset.venue for r in files]
    netted, open_count = _netted(files, venues)
    trades = pd.concat([netted, _trade_rows(files, venues)], ignore_index=True)
    events = _events(files)
    trades, loose = attach(trades, events)
    trades = pd.concat([trades, _loose_funding(loose, files, venues)], ignore_index=True)
    notes = _notes(files, open_count, loose) + _attached(files, events, loose)
    parsed = tuple(_parsed(files, i, trades) for i in range(len(files)))
    return ExportImport(parsed, tuple(r.loaded.preset.name for r in files), notes)


def _notes(files: Sequence[ExportRows], open_count: int, loose: pd.DataFrame) -> tuple[str, ...]:
    out = [f"{open_count} position(s) still open at the end of the fills (or opened before "
           "the first one): not imported" if open_count else ""]
    marks = int((loose["kind"] == "liquidation").sum())
    out.append(f"{marks} liquidation mark(s) matched no trade" if marks else "")
    for r in files:
        if r.ignored:
            kinds = ", ".join(f"{k} {v}" for k, v in r.ignored.items())
            out.append(f"{r.loaded.name}: rows not imported (repeat the trade history): {kinds}")
    return tuple(n for n in out if n)


def _attached(files: Sequence[ExportRows], events: pd.DataFrame,
              loose: pd.DataFrame) -> tuple[str, ...]:
    """Per file, how many funding payments and liquidation marks went onto trades."""
    kept = events[~events["line"].isin(loose["line"])]
    per = pd.Series(kept["line"].to_numpy(dtype=np.int64) // _FILE).value_counts()
    return tuple(f"{files[int(i)].loaded.name}: {int(n)} funding payment(s) or liquidation "
                 "mark(s) attached to the trades open then" for i, n in per.sort_index().items())


def _parsed(files: Sequence[ExportRows], i: int, trades: pd.DataFrame) -> Parsed:
    """The trades of file ``i`` (by the file of their last row), with its issues."""
    r = files[i]
    mine = trades[trades["line"].to_numpy(dtype=np.int64) // _FILE == i]
    frame = mine.drop(columns="line").set_axis(mine["line"].to_numpy() % _FILE)
    issues = list(r.issues)
    issues += _left_out(r, frame)
    guard = frame_issues(frame, r.loaded.name)
    lines = frame.index.to_numpy()
    issues += [CellIssue(g.sheet, int(lines[(g.row or 1) - 1]), g.column, g.message)
               for g in guard]
    bad = sorted({c.row for c in issues if c.row is not None})
    frame = frame.drop(index=[b for b in bad if b in frame.index])
    frame = _drop_tainted(frame, r)
    total = len(r.loaded.table)
    return Parsed(frame.sort_index(), tuple(issues), total, r.loaded.name, tuple(bad))


def _tainted_symbols(r: ExportRows) -> set[str]:
    if not r.bad_lines or r.loaded.preset.kind != "fills":
        return set()
    h = r.loaded.preset.header_for("symbol", r.loaded.headers)
    if h is None:
        return set()
    cells = r.loaded.table.loc[list(r.bad_lines), h].astype(str).str.strip().str.upper()
    return set(cells)


def _left_out(r: ExportRows, frame: pd.DataFrame) -> list[CellIssue]:
    tainted = _tainted_symbols(r) & set(frame["symbol"])
    return [CellIssue(r.loaded.name, None, None, f"trades of {s} left out: a bad row of that "
                      "symbol would misstate them") for s in sorted(tainted)]


def _drop_tainted(frame: pd.DataFrame, r: ExportRows) -> pd.DataFrame:
    tainted = _tainted_symbols(r)
    return frame[~frame["symbol"].isin(tainted)] if tainted else frame
