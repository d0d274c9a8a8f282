"""``market import|list|vol|funding|delete``: price and funding history, headless.

The market file is ``--market PATH``, else ``$TRADE_PLANNER_MARKET``, else ``market.sqlite3``
beside the journal. Exit codes: 0 done, 2 bad input or an unusable file (nothing written).
"""

from __future__ import annotations

import argparse
import math
import sys
from typing import Any

NAME = "market"
HELP = "market data: import kline and funding files, list them, volatility and funding figures"


def _market_option(p: argparse.ArgumentParser, default: Any) -> None:
    p.add_argument("--market", metavar="PATH", default=default,
                   help="market file (default: $TRADE_PLANNER_MARKET, else market.sqlite3 "
                        "beside the journal)")


def _import_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("files", nargs="+", metavar="FILE",
                   help="Binance kline or funding files (.zip or .csv), or any CSV with --map")
    p.add_argument("--symbol", help="symbol of the series (default: from the file name)")
    p.add_argument("--interval", help="candle interval, e.g. 1h (default: from the file name)")
    p.add_argument("--accept-good", action="store_true",
                   help="store the good rows even when some rows are bad")
    m = p.add_argument_group("any CSV (column mapping)")
    m.add_argument("--map", action="append", default=[], metavar="FIELD=COLUMN",
                   help="candles: time, open, high, low, close, volume; funding: time, rate, "
                        "interval")
    m.add_argument("--funding", action="store_true", help="the mapped file holds funding rates")
    m.add_argument("--rate-percent", action="store_true", help="mapped rates are written in %%")
    m.add_argument("--timezone", default="UTC", help="timezone of times without an offset")
    m.add_argument("--time-format", default="", help="strftime pattern of the times")


def add_arguments(p: argparse.ArgumentParser) -> None:
    """Declare the ``market`` sub-commands and their options."""
    _market_option(p, None)
    sub = p.add_subparsers(dest="action", required=True, metavar="ACTION")
    _import_options(sub.add_parser("import", help="import files (nothing twice, all or nothing)"))
    ls = sub.add_parser("list", help="what is stored: series, date ranges, gaps")
    ls.add_argument("--json", action="store_true", help="print JSON")
    vol = sub.add_parser("vol", help="daily volatility of a symbol by every estimator, %%")
    vol.add_argument("symbol", metavar="SYMBOL")
    vol.add_argument("--interval", help="candle interval (default: the shortest stored)")
    vol.add_argument("--window", type=float, default=30.0, metavar="DAYS", help="window, days")
    vol.add_argument("--json", action="store_true", help="print JSON")
    fu = sub.add_parser("funding", help="funding mean, p95, p99 per 8 h, %%")
    fu.add_argument("symbol", metavar="SYMBOL")
    fu.add_argument("--window", type=float, default=365.0, metavar="DAYS", help="window, days")
    fu.add_argument("--json", action="store_true", help="print JSON")
    de = sub.add_parser("delete", help="delete a candle series (with --interval) or a funding "
                                       "history (--funding)")
    de.add_argument("symbol", metavar="SYMBOL")
    de.add_argument("--interval", help="the candle series' interval")
    de.add_argument("--funding", action="store_true", help="delete the funding history")
    for s in sub.choices.values():
        _market_option(s, argparse.SUPPRESS)


def run(args: argparse.Namespace) -> int:
    """Run one market action."""
    from planner.cli import fail
    from planner.errors import PlanError
    from planner.market.store import MarketError

    try:
        return int(_ACTIONS[args.action](args))
    except (PlanError, MarketError, ValueError) as exc:
        return fail(str(exc))
    except OSError as exc:
        return fail(f"{getattr(exc, 'filename', '') or ''} {exc.strerror or exc}".strip())


def _path(args: argparse.Namespace) -> Any:
    from planner.market.location import market_path

    return market_path(args.market)


def _import(args: argparse.Namespace) -> int:
    from planner.market.importer import read_file, store_files
    from planner.market.mapped import parse_map
    from planner.market.store import MarketStore

    mapping = parse_map(args.map, kind="funding" if args.funding else "candles",
                        timezone=args.timezone, time_format=args.time_format,
                        rate_in_percent=args.rate_percent) if args.map else None
    files = [read_file(f, symbol=args.symbol, interval=args.interval, mapping=mapping)
             for f in args.files]
    for f in files:
        for issue in f.parsed.issues[:20]:
            print(f"bad row: {issue}", file=sys.stderr)
    with MarketStore(_path(args)) as store:
        done = store_files(store, files, accept_good=args.accept_good)
    for r in done:
        what = f"{r.symbol} {r.interval}".strip()
        print(f"{r.file_name}: {what} {r.kind}: {r.added} added, {r.skipped} already stored")
    return 0


def _open(args: argparse.Namespace) -> Any:
    from planner.market.store import MarketStore

    return MarketStore(_path(args), read_only=True)


def _list(args: argparse.Namespace) -> int:
    from planner.jsonout import dumps
    from planner.market.stress import _iso

    with _open(args) as store:
        frame = store.series()
        gaps = {(s, i): store.gaps(s, i) for s, i, k in
                zip(frame["symbol"], frame["interval"], frame["kind"], strict=True)
                if k == "candles"}
    docs = [{"kind": k, "symbol": s, "interval": i, "rows": int(n), "from": _iso(a),
             "to": _iso(b), "gaps": [[_iso(x), _iso(y)] for x, y in gaps.get((s, i), [])]}
            for k, s, i, n, a, b in zip(frame["kind"], frame["symbol"], frame["interval"],
                                        frame["rows"], frame["first"], frame["last"],
                                        strict=True)]
    if args.json:
        print(dumps(docs))
        return 0
    for d in docs:
        print(f"{d['kind']:8} {d['symbol']:12} {d['interval'] or '-':4} {d['rows']:>9} rows  "
              f"{d['from']} → {d['to']}  gaps: {len(d['gaps'])}")
    return 0


def _vol(args: argparse.Namespace) -> int:
    from planner.jsonout import clean, dumps
    from planner.market.estimators import all_estimates, window
    from planner.market.history import load_candles

    c = load_candles(_path(args), args.symbol, args.interval)
    if c is None or not len(c):
        at = f" at {args.interval}" if args.interval else ""
        raise ValueError(f"no candles for {args.symbol}{at} in {_path(args)}")
    est = all_estimates(c, args.window)
    doc = {"symbol": c.symbol, "interval": c.interval, "window_days": args.window,
           "candles": len(window(c, args.window)),
           **{k.replace("-", "_"): v for k, v in est.items() if k != "atr"},
           "atr_pct": est["atr"]}
    if args.json:
        print(dumps(clean(doc)))
    else:
        for k, v in doc.items():
            print(f"{k:15} {v:.4f}" if isinstance(v, float) and not math.isnan(v)
                  else f"{k:15} {v}")
    return 0


def _funding(args: argparse.Namespace) -> int:
    from planner.jsonout import dumps
    from planner.market.history import history_for

    facts = history_for(_path(args), [args.symbol], window_days=args.window)[args.symbol]
    if facts.funding is None:
        raise ValueError(f"no funding history for {args.symbol}")
    doc = facts.funding.as_json()
    if args.json:
        print(dumps(doc))
    else:
        print("  ".join(f"{k} {v}" for k, v in doc.items()))
    return 0


def _delete(args: argparse.Namespace) -> int:
    from planner.market.names import match_series
    from planner.market.store import MarketStore

    if bool(args.interval) == bool(args.funding):
        raise ValueError("say what to delete: --interval I (candles) or --funding")
    with MarketStore(_path(args)) as store:
        names = store.funding_symbols() if args.funding else store.symbols(args.interval)
        series = match_series(args.symbol, names)
        if series is None:
            raise ValueError(f"nothing stored for {args.symbol}")
        n = store.delete(series, "" if args.funding else args.interval)
    print(f"deleted {n} rows of {series} {'funding' if args.funding else args.interval}")
    return 0


_ACTIONS = {"import": _import, "list": _list, "vol": _vol, "funding": _funding,
            "delete": _delete}
