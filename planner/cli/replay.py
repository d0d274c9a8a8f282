"""``replay`` (also ``stress``): a plan through past windows of market history (SPEC §11).

``replay PLAN.xlsx (--from ISO --to ISO | --worst K --hours H) [--json]``; ``stress`` takes the
same and also ``--window FROM TO`` and ``--length DAYS``. Exit codes: 0 done, 2 bad input.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

NAME = "replay"
HELP = "replay a plan through past market windows: stops, liquidations, P&L, cross margin"


def add_arguments(p: argparse.ArgumentParser) -> None:
    """Declare the options."""
    p.add_argument("plan", metavar="PLAN.xlsx")
    p.add_argument("--market", metavar="PATH", help="market file (default as for `market`)")
    p.add_argument("--from", dest="start", metavar="ISO", help="window start (with --to)")
    p.add_argument("--to", dest="end", metavar="ISO", help="window end")
    p.add_argument("--window", nargs=2, action="append", default=[], metavar=("FROM", "TO"),
                   help="a typed window (repeat for several)")
    p.add_argument("--worst", type=int, metavar="K", help="the K worst windows by drawdown")
    p.add_argument("--hours", type=float, metavar="H", help="length of the worst windows, hours")
    p.add_argument("--length", type=float, metavar="DAYS", help="length of the worst windows, "
                                                                 "days")
    p.add_argument("--up", action="store_true", help="worst rallies instead of drawdowns")
    p.add_argument("--interval", help="candle interval (default: the shortest stored for BTC)")
    p.add_argument("--json", action="store_true", help="print JSON")


def run(args: argparse.Namespace) -> int:
    """Replay the plan; print the outcome per window."""
    from planner.cli import fail, load_checked
    from planner.errors import PlanError
    from planner.jsonout import dumps
    from planner.market.location import market_path
    from planner.market.store import MarketError
    from planner.market.stress import find_worst, load_history, result_json, stress

    try:
        plan, results = load_checked(args.plan, args.market)
        history = load_history(market_path(args.market), plan.trades["symbol"],
                               args.interval)
        windows = _windows(args, history, find_worst)
        done = stress(results, history, windows)
    except (PlanError, MarketError, ValueError) as exc:
        return fail(str(exc))
    docs = [result_json(r) for r in done]
    if args.json:
        print(dumps({"interval": history.interval, "windows": docs}))
    else:
        for d in docs:
            _print(d)
    return 0


def _windows(args: argparse.Namespace, history: Any, find_worst: Any) -> list[Any]:
    from planner.market.windows import parse_window

    typed = [*args.window, *([(args.start, args.end)] if args.start or args.end else [])]
    if any(a is None or b is None for a, b in typed):
        raise ValueError("--from and --to go together")
    if args.worst is None and not typed:
        raise ValueError("name a window (--from ISO --to ISO) or ask for the worst "
                         "(--worst K --hours H)")
    out = [parse_window(a, b) for a, b in typed]
    if args.worst is not None:
        hours = args.hours if args.hours is not None else (
            args.length * 24 if args.length is not None else None)
        if hours is None:
            raise ValueError("--worst needs the window length: --hours H or --length DAYS")
        out += find_worst(history, args.worst, hours, "up" if args.up else "down")
    return out


def _print(d: dict[str, Any]) -> None:
    t, c = d["totals"], d["cross"]
    move = f" (move {d['move_pct']:.1f} %)" if d["move_pct"] is not None else ""
    print(f"{d['from']} → {d['to']}{move}: {t['stops']} stopped, {t['liquidations']} "
          f"liquidated, {t['ends']} open at the end, P&L {t['pnl_usd']:,.0f} USD; cross margin "
          + ("survived" if c["survived"] else f"liquidated at {c['at']}"))
    for r in d["rows"]:
        pnl = "-" if r["pnl_usd"] is None else f"{r['pnl_usd']:,.2f}"
        print(f"  row {r['row']:>4} {r['symbol']:10} {r['outcome']:11} {r['at'] or '-':20} "
              f"{pnl:>12}{'  gap' if r['gap'] else ''}", file=sys.stdout)
