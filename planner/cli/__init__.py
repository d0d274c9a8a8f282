"""Headless commands of ``python main.py <command> …`` (no display needed).

Each command module exposes ``NAME``, ``HELP``, ``add_arguments(parser)`` and ``run(args)``;
modules import their heavy dependencies inside ``run`` so ``--help`` stays fast. Commands that
draw charts live in ``ui`` (matplotlib stays out of ``planner``) and are listed here by module
path all the same.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from types import ModuleType
from typing import Any

#: Command name -> module path. Add a command by adding its module here.
COMMANDS: dict[str, str] = {
    "compute": "planner.cli.compute",
    "export": "planner.cli.export",
    "journal": "planner.cli.journal",
    "market": "planner.cli.market",
    "replay": "planner.cli.replay",
    "stress": "planner.cli.replay",
    "report": "ui.report",
}


def _module(name: str) -> ModuleType:
    return importlib.import_module(COMMANDS[name])


def build_parser() -> argparse.ArgumentParser:
    """The parser of every headless command (``main.py <command> --help``)."""
    parser = argparse.ArgumentParser(prog="main.py", description="Trade planner, headless.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMANDS:
        mod = _module(name)
        p = sub.add_parser(name, help=mod.HELP, description=mod.HELP)
        mod.add_arguments(p)
    return parser


def run(argv: list[str]) -> int:
    """Run one headless command; return the process exit code."""
    args = build_parser().parse_args(argv)
    return int(_module(args.command).run(args))


def load_checked(path: str, market: str | None = None,
                 journal: str | None = None) -> tuple[Any, Any]:
    """Load a plan for a headless command, compute it and apply :func:`planner.check_plan`.

    Blank Vol cells take σ from the market file as the app does (SPEC §11): ``market`` (from
    ``--market``), else ``$TRADE_PLANNER_MARKET``, else ``market.sqlite3`` beside the journal.
    Without that file the plan computes from the history snapshot its workbook carries.
    Reader warnings (e.g. a formula cell with no saved value) go to stderr.

    Args:
        path: The plan workbook.
        market: An explicit market file (it must exist), or ``None``.
        journal: The ``--journal`` path, if any (the default market file sits beside it).

    Returns:
        ``(plan, results)``.

    Raises:
        PlanError: The file or a cell is bad, a leverage is above its tier's maximum, or the
            market file is missing (when named) or unreadable.
    """
    from planner import PlanError, check_plan, compute
    from planner.io import load_plan_with_warnings

    plan, warnings = load_plan_with_warnings(path)
    plan = _with_market(plan, market, journal)
    results = compute(plan)
    issues = check_plan(plan, results)
    if issues:
        raise PlanError(issues)
    for w in warnings:
        print(f"warning: {path}: {w}", file=sys.stderr)
    return plan, results


def _with_market(plan: Any, market: str | None, journal: str | None) -> Any:
    from planner import PlanError
    from planner.market.history import with_history
    from planner.market.location import market_path
    from planner.market.store import MarketError

    store = market_path(market, journal)
    if market and not store.exists():
        raise PlanError(f"no market file at {store} (import candles with `market import`)")
    try:
        return with_history(plan, store)
    except MarketError as exc:
        raise PlanError(f"market file {store}: {exc}") from exc


def add_market_argument(p: Any) -> None:
    """``--market PATH``: the market file blank Vol cells take σ from (SPEC §11)."""
    p.add_argument("--market", metavar="PATH",
                   help="market file for blank Vol cells (default: $TRADE_PLANNER_MARKET, else "
                        "market.sqlite3 beside the journal; none there = the workbook's History)")


def fail(message: str, code: int = 2) -> int:
    """Print an error for the user on stderr and return ``code``."""
    print(f"error: {message}", file=sys.stderr)
    return code
