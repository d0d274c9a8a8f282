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


def load_checked(path: str) -> tuple[Any, Any]:
    """Load a plan for a headless command, compute it and apply :func:`planner.check_plan`.

    Reader warnings (e.g. a formula cell with no saved value) go to stderr.

    Returns:
        ``(plan, results)``.

    Raises:
        PlanError: The file or a cell is bad, or a leverage is above its tier's maximum.
    """
    from planner import PlanError, check_plan, compute
    from planner.io import load_plan_with_warnings

    plan, warnings = load_plan_with_warnings(path)
    results = compute(plan)
    issues = check_plan(plan, results)
    if issues:
        raise PlanError(issues)
    for w in warnings:
        print(f"warning: {path}: {w}", file=sys.stderr)
    return plan, results


def fail(message: str, code: int = 2) -> int:
    """Print an error for the user on stderr and return ``code``."""
    print(f"error: {message}", file=sys.stderr)
    return code
