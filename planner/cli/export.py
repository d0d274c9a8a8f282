"""``export PLAN.xlsx -o OUT.xlsx``: write a plan workbook with live formulas.

The output has the sheets Plan (inputs as values, every computed column a live formula that also
carries the planner's value), Settings, Scenarios and Venues (named cells the formulas use),
Buckets (live sums), Cross (values) and Journal (when the plan has one). Every other sheet of
PLAN.xlsx (the user's own notes, checklists) is carried into OUT.xlsx as it was
(:mod:`planner.io.keep`). A plan the headless commands refuse (a bad cell, leverage above the
tier's maximum) writes nothing (exit code 2).
"""

from __future__ import annotations

import argparse
from pathlib import Path

NAME = "export"
HELP = "export a plan workbook with live formulas (opens in Excel and LibreOffice)"


def add_arguments(p: argparse.ArgumentParser) -> None:
    """Declare the command's arguments."""
    from planner.cli import add_market_argument

    p.add_argument("plan", help="plan workbook to read (.xlsx)")
    p.add_argument("-o", "--output", required=True, metavar="OUT.xlsx",
                   help="workbook to write (.xlsx); replaced atomically")
    add_market_argument(p)


def run(args: argparse.Namespace) -> int:
    """Load, check and compute the plan, then write the workbook."""
    from planner import PlanError
    from planner.cli import fail, load_checked
    from planner.io import save_plan
    from planner.parse import missing_cells

    if Path(args.output).suffix.lower() != ".xlsx":
        return fail(f"{args.output}: the output must be an .xlsx workbook")
    try:
        plan, results = load_checked(args.plan, args.market)
        drafts = missing_cells(plan)
        if drafts:
            raise PlanError(drafts)
    except PlanError as exc:
        return fail(f"{args.plan}:\n{exc}")
    try:
        save_plan(plan, args.output, results, keep_from=args.plan)
    except PlanError as exc:
        return fail(f"{args.output}:\n{exc}")
    except OSError as exc:
        return fail(f"cannot write {args.output}: {exc.strerror or exc}")
    journal = 0 if plan.journal is None else len(plan.journal)
    print(f"{args.output}: {len(plan.trades)} trade(s)"
          + (f", {journal} journal row(s)" if plan.journal is not None else "")
          + "; computed columns are live formulas")
    return 0
