"""``report PLAN.xlsx -o report.pdf``: the Portfolio tab's tables and charts, headless.

``-o report.pdf`` writes one PDF (A4 landscape): buckets with the key figures and the margin and
risk allocation, the isolated-vs-cross table with its verdicts, scenario P&L by bucket and
isolated vs cross side by side, then the price ladders, three to a page. ``-o report.png`` (or
``.svg``) writes one file per table and per chart instead, named ``report-<chart>.png``, all or
nothing: every file is drawn to a temporary file first, and a failure leaves no new file behind
and the previous ones as they were. No output may be the plan or the journal it reads.
``--journal PATH`` adds the journal charts. Drawn with matplotlib's non-Qt backends (Agg, PDF):
no display is needed. Exit codes: 0 done, 2 bad input (nothing written).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from planner import Plan, Results
    from ui.charts.pages import Page

NAME = "report"
HELP = "render the portfolio tables and charts of a plan to a PDF, or one PNG/SVG per chart"
MAX_LADDERS = 12


def add_arguments(p: argparse.ArgumentParser) -> None:
    """Declare the command's arguments."""
    p.add_argument("plan", help="plan workbook (.xlsx)")
    p.add_argument("-o", "--output", required=True, metavar="OUT",
                   help="report.pdf, or OUT.png / OUT.svg for one file per chart "
                        "(OUT-buckets.png, OUT-isolated-vs-cross.png, …)")
    p.add_argument("--rows", metavar="ROWS",
                   help="sheet rows whose price ladder to draw, e.g. 2,5,9 (default: every "
                        f"trade up to {MAX_LADDERS}, else the {MAX_LADDERS} worst tail losses)")
    p.add_argument("--journal", metavar="PATH", help="add the charts of this journal file")
    p.add_argument("--market", metavar="PATH",
                   help="market file for blank Vol cells and the stress page (default: "
                        "$TRADE_PLANNER_MARKET, else market.sqlite3 beside the journal; no page "
                        "without market data)")


def ladder_rows(plan: Plan, results: Results, spec: str | None) -> list[tuple[int, int]]:
    """``(position, sheet row)`` of the trades whose ladders the report draws.

    Raises:
        ValueError: ``spec`` names a row the plan does not have.
    """
    from planner.engine.core import sheet_row_numbers

    numbers = sheet_row_numbers(plan)
    if spec:
        where = {n: i for i, n in enumerate(numbers)}
        try:
            wanted = [int(part) for part in spec.replace(" ", "").split(",") if part]
        except ValueError:
            raise ValueError(f"--rows expects sheet row numbers like 2,5,9, got {spec!r}") \
                from None
        missing = [n for n in wanted if n not in where]
        if missing:
            raise ValueError(f"--rows: the plan has no trade on sheet row(s) "
                             f"{', '.join(map(str, missing))}")
        return [(where[n], n) for n in wanted]
    order = list(range(len(numbers)))
    if len(order) > MAX_LADDERS:
        worst = results.rows["pnl_tail_usd"].to_numpy().argsort(kind="stable")[:MAX_LADDERS]
        order = sorted(int(i) for i in worst)
    return [(i, numbers[i]) for i in order]


def journal_pages(path: str, plan: Plan, one_per_file: bool) -> list[Page]:
    """The journal charts of ``path`` (empty, with a note, when this build has none).

    Raises:
        planner.journal.store.JournalError: The journal cannot be opened.
    """
    try:
        from ui.charts import journal as charts
    except ImportError:
        print("note: journal charts are not available in this build; skipped", file=sys.stderr)
        return []
    from matplotlib.figure import Figure

    from planner.journal.review import review
    from planner.journal.store import JournalStore
    from ui.charts.pages import A4, CHART, Page

    store = JournalStore(path, read_only=True)
    try:
        rv = review(store.trades(), capital=plan.settings.capital_usd, scenarios=plan.scenarios)
    finally:
        store.close()
    _range_note(path, rv.trades)
    pages = []
    from planner.journal.montecarlo import MonteCarloSettings, plan_risk_pct

    mc = MonteCarloSettings(risk_pct=plan_risk_pct(plan.trades) or 1.0)
    for name, draw in charts.CHARTS.items():
        fig = Figure(figsize=CHART if one_per_file else A4)
        if name == "monte_carlo":
            charts.draw_monte_carlo(fig, rv, mc)
        else:
            draw(fig, rv)
        pages.append(Page(f"journal-{name.replace('_', '-')}", fig))
    return pages


def _range_note(path: str, trades: Any) -> None:
    """Say on stderr when stored trades closed out of range (left out of the calendar)."""
    from planner.journal.times import outside_range, range_text

    n = int(outside_range(trades["closed_at"]).sum())
    if n:
        print(f"note: {path}: {n} trade(s) closed outside the supported range "
              f"({range_text()}) are left out of the daily P&L calendar", file=sys.stderr)


def _load(args: argparse.Namespace) -> tuple[Plan, Results]:
    from planner.cli import load_checked

    return load_checked(args.plan, getattr(args, "market", None), args.journal)


def output_files(pages: list[Page], out: Path) -> list[Path]:
    """The files the report writes: ``out`` (a PDF), or ``OUT-<chart>.png`` per page."""
    if out.suffix.lower() == ".pdf":
        return [out]
    return [out.with_name(f"{out.stem}-{p.slug}{out.suffix}") for p in pages]


def _write(pages: list[Page], out: Path, title: str) -> list[Path]:
    """Write the PDF, or every picture file all or nothing (an error names the file)."""
    from ui.charts.export import save_figures, save_pdf

    if out.suffix.lower() == ".pdf":
        return [save_pdf([p.figure for p in pages], out, title)]
    return save_figures(list(zip([p.figure for p in pages], output_files(pages, out),
                                 strict=True)))


def _stress(args: argparse.Namespace, plan: Plan, results: Results,
            one_per_file: bool) -> list[Page]:
    from planner.market.location import market_path
    from ui.market.report import stress_pages

    return stress_pages(market_path(getattr(args, "market", None), args.journal), plan, results,
                        one_per_file)


def run(args: argparse.Namespace) -> int:
    """Load and check the plan, draw every page, write the PDF or the image files."""
    from planner import PlanError
    from planner.cli import fail
    from planner.journal.store import JournalError
    from planner.paths import check_outputs
    from ui.charts.export import FORMATS
    from ui.charts.pages import chart_files, pdf_pages

    out = Path(args.output)
    if out.suffix.lower().lstrip(".") not in FORMATS:
        return fail(f"{out}: the report is written as .pdf, .png or .svg")
    try:
        plan, results = _load(args)
        ladders = ladder_rows(plan, results, args.rows)
        journal = journal_pages(args.journal, plan, out.suffix.lower() != ".pdf") \
            if args.journal else []
        journal += _stress(args, plan, results, out.suffix.lower() != ".pdf")
    except PlanError as exc:
        return fail(f"{args.plan}:\n{exc}")
    except (ValueError, JournalError) as exc:
        return fail(str(exc))
    build: Any = pdf_pages if out.suffix.lower() == ".pdf" else chart_files
    pages = build(Path(args.plan).name, results, ladders, journal)
    try:
        check_outputs(output_files(pages, out), {"plan workbook": args.plan,
                                                 "journal": args.journal})
        written = _write(pages, out, f"Trade plan report · {Path(args.plan).name}")
    except ValueError as exc:  # an output that is an input, two outputs that are one file
        return fail(str(exc))
    except OSError as exc:
        return fail(f"cannot write {exc.filename or out}: {exc.strerror or exc}")
    for path in written:
        print(path)
    return 0
