"""``compute PLAN.xlsx [--json] [--csv OUT.csv]``: compute a plan and print or write the result."""

from __future__ import annotations

import argparse
import sys

NAME = "compute"
HELP = "compute a plan workbook: sizes, liquidation, scenarios, buckets, cross margin"


def add_arguments(p: argparse.ArgumentParser) -> None:
    """Declare the command's arguments."""
    from planner.cli import add_market_argument

    p.add_argument("plan", help="plan workbook (.xlsx)")
    p.add_argument("--json", action="store_true", help="print the full result as JSON")
    p.add_argument("--csv", metavar="OUT.csv",
                   help="write the per-row table to a CSV file (- for standard output); never "
                        "over the plan, never named .xlsx")
    add_market_argument(p)


def summary(results: object) -> str:
    """A short human summary of the plan totals."""
    t = results.totals  # type: ignore[attr-defined]
    return (f"{t['count']} trades, notional {t['notional_usd']:,.0f} USD, margin "
            f"{t['margin_usd']:,.0f} USD ({t['margin_use_pct']:.1f} % of capital), heat "
            f"{t['heat_pct']:.2f} % of {t['heat_cap_pct']:g} % cap; P&L normal "
            f"{t['pnl_normal_usd']:,.0f} / stressed {t['pnl_stressed_usd']:,.0f} / tail "
            f"{t['pnl_tail_usd']:,.0f} USD; {t['rows_with_alerts']} row(s) with alerts")


def run(args: argparse.Namespace) -> int:
    """Load, check and compute the plan; print JSON or a summary; write CSV if asked."""
    from planner import PlanError
    from planner.cli import fail, load_checked
    from planner.csvout import frame_to_csv
    from planner.jsonout import dumps, results_dict
    from planner.paths import OutputRefused, check_outputs, refuse_workbook_suffix, stream_fd

    to_stdout = bool(args.csv) and stream_fd(args.csv) == 1
    if to_stdout and args.json:
        return fail("--csv - and --json would both write to standard output; send the CSV to "
                    "a file")
    if args.csv:
        try:
            refuse_workbook_suffix(args.csv, "--csv")
            check_outputs([args.csv], {"plan workbook": args.plan})
        except OutputRefused as exc:
            return fail(str(exc))
    try:
        plan, results = load_checked(args.plan, args.market)
    except PlanError as exc:
        return fail(f"{args.plan}:\n{exc}")
    if args.csv:
        try:
            frame_to_csv(results.rows, args.csv)
        except OSError as exc:
            return fail(f"cannot write {args.csv}: {exc.strerror or exc}")
    if args.json:
        sys.stdout.write(dumps(results_dict(plan, results)) + "\n")
    else:  # the CSV owns standard output when it goes there: the summary goes to stderr
        print(summary(results), file=sys.stderr if to_stdout else sys.stdout)
    return 0
