"""``journal import|export|stats|mappings|batches|remove-batch``: the trade journal, headless.

The journal file is ``--journal PATH``, else ``$TRADE_PLANNER_JOURNAL``, else ``journal.sqlite3``
in the user's data folder. Exit codes: 0 done, 2 bad input or an unusable journal (nothing
written).
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import replace
from typing import Any

NAME = "journal"
HELP = "the trade journal: import closed trades, export them, print statistics"
_ALIASES = {"time": "closed_at", "close_time": "closed_at", "open_time": "opened_at",
            "price": "exit_price", "exit": "exit_price", "entry": "entry_price",
            "qty": "quantity", "fee": "fees_usd", "fees": "fees_usd", "funding": "funding_usd",
            "pnl": "reported_pnl_usd", "realized_pnl": "reported_pnl_usd",
            "realized_pnl_usd": "reported_pnl_usd", "id": "execution_id",
            "trade_id": "execution_id"}


def _journal_option(p: argparse.ArgumentParser, default: Any) -> None:
    p.add_argument("--journal", metavar="PATH", default=default,
                   help="journal file (default: $TRADE_PLANNER_JOURNAL, else journal.sqlite3 "
                        "in the user data folder)")


def _filter_options(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("filters (repeat an option for several values)")
    g.add_argument("--from", dest="start", metavar="DATE", help="closed on or after (ISO date)")
    g.add_argument("--to", dest="end", metavar="DATE", help="closed on or before (ISO date)")
    for name in ("bucket", "symbol", "venue", "side", "tag"):
        g.add_argument(f"--{name}", action="append", default=[], metavar=name.upper())
    g.add_argument("--timezone", metavar="TZ", default=None,
                   help="IANA timezone of dates and of times without an offset (default UTC)")


def _import_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("files", nargs="+", metavar="FILE", help="journal CSV, export CSV or .xlsx")
    p.add_argument("--timezone", metavar="TZ", help="timezone of times without an offset")
    p.add_argument("--accept-good", action="store_true",
                   help="import the good rows even when some rows are bad")
    f = p.add_argument_group("exchange exports (format presets: see 'journal formats')")
    f.add_argument("--format", dest="preset", metavar="NAME",
                   help="read every export as this preset (default: detected from the header)")
    f.add_argument("--monthfirst", action="store_true",
                   help="read slashed dates month first (09/18/2025); --dayfirst for day first")
    f.add_argument("--face-value", action="append", default=[], metavar="SYMBOL=VALUE",
                   help="contract face value, base units per contract (amounts in contracts)")
    f.add_argument("--plan", metavar="PLAN.xlsx",
                   help="link each imported trade to its plan row (same symbol and side)")
    m = p.add_argument_group("exchange exports (column mapping)")
    m.add_argument("--mapping", metavar="NAME", help="use a saved column mapping")
    m.add_argument("--map", action="append", default=[], metavar="FIELD=COLUMN",
                   help="map an export column to a journal field (time, symbol, side, price, "
                        "quantity, fee, pnl, entry, open_time, funding, id, bucket, venue, "
                        "leverage, notes)")
    m.add_argument("--save-mapping", metavar="NAME", help="save the --map mapping under NAME")
    m.add_argument("--time-format", default="", help="strftime pattern of the times")
    for flag, why in (("--dayfirst", "read 03/04/2024 as 3 April"),
                      ("--closing-side", "the side column is the closing order's side"),
                      ("--fees-negative", "fees are written as negative numbers"),
                      ("--funding-paid-positive", "funding is written as paid"),
                      ("--skip-zero-pnl", "skip unpriced rows with zero realized P&L"),
                      ("--pnl-before-costs", "the realized P&L excludes fees and funding")):
        m.add_argument(flag, action="store_true", help=why)
    m.add_argument("--default-bucket", default="directional", help="bucket of unmapped rows")
    m.add_argument("--default-venue", default="", help="venue of unmapped rows")


def _monte_carlo_options(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("Monte Carlo of the next trades (block bootstrap of the R-multiples)")
    g.add_argument("--mc-trades", type=int, default=100, metavar="N", help="trades ahead (100)")
    g.add_argument("--mc-paths", type=int, default=2000, metavar="N", help="paths (2000)")
    g.add_argument("--mc-block", type=int, default=5, metavar="N",
                   help="block of consecutive trades resampled together (5)")
    g.add_argument("--risk-pct", type=float, default=None, metavar="PCT",
                   help="risk per trade, %% of equity (default: the plan's median, else 1)")
    g.add_argument("--floor-pct", type=float, default=50.0, metavar="PCT",
                   help="ruin floor, %% of capital (50)")
    g.add_argument("--seed", type=int, default=7, help="random seed (7)")


def add_arguments(p: argparse.ArgumentParser) -> None:
    """Declare the ``journal`` sub-commands and their options."""
    _journal_option(p, None)
    sub = p.add_subparsers(dest="action", required=True, metavar="ACTION")
    imp = sub.add_parser("import", help="import closed trades (nothing twice)")
    _import_options(imp)
    exp = sub.add_parser("export", help="export trades to CSV or a workbook Journal sheet")
    exp.add_argument("out", metavar="OUT", help="OUT.csv or OUT.xlsx")
    exp.add_argument("--plan", metavar="PLAN.xlsx", help="write into a copy of this plan")
    _filter_options(exp)
    st = sub.add_parser("stats", help="statistics over a filter (SPEC §7)")
    st.add_argument("--json", action="store_true", help="print JSON")
    st.add_argument("--capital", type=float, default=None, metavar="USD",
                    help="starting capital of the equity curve (default: the plan default)")
    st.add_argument("--trades", action="store_true", help="include every trade in the JSON")
    st.add_argument("--plan", metavar="PLAN.xlsx",
                    help="take the capital, the scenario bands and the risk per trade (median "
                         "Risk %% of its rows) from this plan")
    _monte_carlo_options(st)
    _filter_options(st)
    sub.add_parser("mappings", help="list saved column mappings")
    sub.add_parser("formats", help="list the exchange export presets")
    tg = sub.add_parser("tag", help="set the tags of stored trades (by id, see stats --trades)")
    tg.add_argument("ids", type=int, nargs="+", metavar="ID")
    tg.add_argument("--tags", required=True, help="comma-separated tags ('' clears them)")
    sub.add_parser("batches", help="list imports and closes, newest first")
    rb = sub.add_parser("remove-batch", help="remove one import or close and its trades")
    rb.add_argument("batch", type=int, metavar="ID")
    for s in (imp, exp, st, *(sub.choices[n] for n in ("mappings", "batches", "remove-batch",
                                                          "formats", "tag"))):
        _journal_option(s, argparse.SUPPRESS)


def run(args: argparse.Namespace) -> int:
    """Run one journal action."""
    from planner.cli import fail
    from planner.errors import PlanError
    from planner.journal.store import JournalError

    try:
        return int(_ACTIONS[args.action](args))
    except (PlanError, JournalError, ValueError) as exc:
        return fail(str(exc))
    except OSError as exc:
        return fail(f"{getattr(exc, 'filename', '') or ''} {exc.strerror or exc}".strip())


def _store(args: argparse.Namespace) -> Any:
    from planner.journal.location import journal_path
    from planner.journal.store import JournalStore

    store = JournalStore(journal_path(args.journal))
    if store.notice:
        print(f"note: {store.notice}", file=sys.stderr)
    return store


def _filter(args: argparse.Namespace) -> Any:
    from planner.journal.filters import JournalFilter, parse_range

    start, end = parse_range(args.start, args.end, args.timezone or "UTC", ("--from", "--to"))
    return JournalFilter(
        start=start, end=end,
        buckets=tuple(args.bucket), symbols=tuple(args.symbol), venues=tuple(args.venue),
        sides=tuple(s.lower() for s in args.side), tags=tuple(args.tag))


def _mapping(args: argparse.Namespace, store: Any) -> Any:
    from planner.journal.mapping import ColumnMapping

    if args.mapping:
        saved = store.mappings()
        if args.mapping not in saved:
            raise ValueError(f"no saved mapping {args.mapping!r} (saved: "
                             f"{', '.join(saved) or 'none'})")
        m = ColumnMapping.from_json(saved[args.mapping])
        return replace(m, timezone=args.timezone) if args.timezone else m
    if not args.map:
        return None
    cols = {}
    for item in args.map:
        field, sep, column = item.partition("=")
        if not sep:
            raise ValueError(f"--map {item!r}: expected FIELD=COLUMN")
        cols[_ALIASES.get(field.strip().lower(), field.strip().lower())] = column.strip()
    return ColumnMapping(
        name=args.save_mapping or "", columns=cols, timezone=args.timezone or "UTC",
        time_format=args.time_format, dayfirst=args.dayfirst, closing_side=args.closing_side,
        fees_negative=args.fees_negative, funding_paid_positive=args.funding_paid_positive,
        skip_zero_pnl=args.skip_zero_pnl, pnl_before_costs=args.pnl_before_costs,
        bucket=args.default_bucket, venue=args.default_venue)


def _import(args: argparse.Namespace) -> int:
    from pathlib import Path

    from planner.journal.importer import (
        ImportRefused,
        is_export,
        read_source,
        source_kind,
        store_all,
    )

    with _store(args) as store:
        mapping = _mapping(args, store)
        files = [Path(f) for f in args.files]
        exports = [f for f in files if mapping is None and is_export(f, args.preset)]
        items, notes = _read_exports(args, exports) if exports else ([], [])
        by_file = {f: item for f, item in zip(exports, items, strict=True)}
        for f in files:
            if f not in by_file:
                p = read_source(f, tz=args.timezone, mapping=mapping)
                by_file[f] = (p, source_kind(f, mapping), mapping.name if mapping else "")
        ordered = [by_file[f] for f in files]
        refused = [p for p, _, _ in ordered if p.issues and not args.accept_good]
        if refused:
            raise ImportRefused(refused[0]) if len(refused) == 1 else ValueError(
                "\n\n".join(str(ImportRefused(p)) for p in refused))
        if mapping is not None and args.save_mapping:
            store.save_mapping(args.save_mapping, mapping.to_json())
        results = store_all(store, ordered, accept_good=True)
        for f, (p, _, name), res in zip(args.files, ordered, results, strict=True):
            kind = f" ({name})" if name and f in [str(e) for e in exports] else ""
            print(f"{f}{kind}: {p.total} row(s) read, {res.added} added, {res.skipped} already "
                  f"in the journal, {len(p.bad_rows)} bad row(s) left out")
        for note in notes:
            print(f"note: {note}")
    return 0


def _read_exports(args: argparse.Namespace, exports: list[Any]) -> tuple[list[Any], list[str]]:
    from planner.journal.importer import read_exports

    if args.dayfirst and args.monthfirst:
        raise ValueError("--dayfirst and --monthfirst contradict each other: give one")
    dayfirst = True if args.dayfirst else (False if args.monthfirst else None)
    plan_rows = None
    if args.plan:
        from planner.journal.planlink import plan_link_rows

        plan_rows = plan_link_rows(args.plan)
    return read_exports(exports, forced=args.preset, tz=args.timezone, dayfirst=dayfirst,
                        face_values=_face_values(args.face_value), plan_rows=plan_rows)


def _face_values(items: list[str]) -> dict[str, float]:
    out = {}
    for item in items:
        sym, sep, value = item.partition("=")
        try:
            number = float(value)
        except ValueError:
            number = float("nan")
        if not sep or not sym.strip() or not (0 < number < 1e12):
            raise ValueError(f"--face-value {item!r}: expected SYMBOL=VALUE with VALUE > 0")
        out[sym.strip().upper()] = number
    return out


def _tag(args: argparse.Namespace) -> int:
    with _store(args) as store:
        n = store.set_tags(args.ids, args.tags)
    print(f"{n} trade(s) tagged")
    return 0


def _formats(args: argparse.Namespace) -> int:
    from planner.journal.formats import PRESETS

    for p in PRESETS:
        print(f"{p.name:<22} {p.venue} — {p.export} ({p.kind})\n    header: "
              f"{', '.join(p.signature)}\n    {p.notes}")
    return 0


def _export(args: argparse.Namespace) -> int:
    from pathlib import Path

    from planner.journal.csvio import write_journal_csv
    from planner.journal.derive import derive
    from planner.journal.location import journal_path
    from planner.paths import check_outputs, refuse_workbook_suffix, stream_fd

    workbook = Path(args.out).suffix.lower() in (".xlsx", ".xlsm")
    if not workbook:
        refuse_workbook_suffix(args.out, "journal export")
    check_outputs([args.out], {"journal": journal_path(args.journal), "plan workbook": args.plan})
    with _store(args) as store:
        trades = derive(_filter(args).apply(store.trades()))
    try:
        if workbook:
            from planner.journal.workbook import write_journal_sheet

            write_journal_sheet(trades, args.out, plan_path=args.plan)
        else:
            write_journal_csv(trades, args.out)
    except OSError as exc:
        raise ValueError(f"cannot write {args.out}: {exc.strerror or exc}") from None
    stream = stream_fd(args.out) is not None        # the CSV owns standard output then
    print(f"{args.out}: {len(trades)} trade(s) written", file=sys.stderr if stream else sys.stdout)
    return 0


def _stats(args: argparse.Namespace) -> int:
    from planner.journal.montecarlo import (
        MonteCarloSettings,
        mc_document,
        monte_carlo,
        plan_risk_pct,
    )
    from planner.journal.review import DEFAULT_CAPITAL, review, stats_document
    from planner.jsonout import dumps
    from planner.model import DEFAULT_SCENARIOS

    with _store(args) as store:
        frame = store.trades()
    capital, scenarios, risk = DEFAULT_CAPITAL, DEFAULT_SCENARIOS, 1.0
    if args.plan:
        from planner import load_plan

        plan = load_plan(args.plan)
        capital, scenarios = plan.settings.capital_usd, plan.scenarios
        risk = plan_risk_pct(plan.trades) or risk
    capital = capital if args.capital is None else args.capital
    rv = review(frame, _filter(args), capital, scenarios)
    doc = stats_document(rv, with_trades=args.trades)
    settings = MonteCarloSettings(args.mc_trades, args.mc_paths, args.mc_block,
                                  risk if args.risk_pct is None else args.risk_pct,
                                  args.floor_pct, args.seed)
    doc["monte_carlo"] = mc_document(monte_carlo(rv.trades, capital, settings))
    sys.stdout.write(dumps(doc) + "\n" if args.json else _stats_text(doc))
    return 0


def _stats_text(doc: dict[str, Any]) -> str:
    def f(v: Any, spec: str = ",.2f") -> str:
        return "–" if v is None else format(v, spec)

    pf = "∞" if doc["profit_factor_infinite"] else f(doc["profit_factor"])
    lines = [f"{doc['count']} trades: {doc['wins']} wins, {doc['losses']} losses, win rate "
             f"{f(doc['win_rate'], '.1%')}; expectancy {f(doc['expectancy_usd'])} USD = "
             f"{f(doc['expectancy_r'], '.2f')} R; profit factor {pf}; max drawdown "
             f"{f(doc['max_drawdown_usd'])} USD / {f(doc['max_drawdown_pct'], '.2f')} %"]
    for b in doc["buckets"]:
        lines.append(f"  {b['bucket']:<16} {b['count']:>6} trades  P&L {f(b['pnl_usd']):>14}  "
                     f"mean R {f(b['expectancy_r'])} [{f(b['mean_r_low'])}, "
                     f"{f(b['mean_r_high'])}]  {b['verdict']}")
    for t in doc["tags"]:
        lines.append(f"  tag {t['tag']:<12} {t['count']:>6} trades  P&L {f(t['pnl_usd']):>14}  "
                     f"mean R {f(t['expectancy_r'])}  {t['verdict']}")
    lines.append(f"{doc['stops']} stop(s), {doc['liquidations']} liquidation(s)")
    mc = doc.get("monte_carlo")
    if mc is not None:
        lines += _mc_text(mc, f)
    return "\n".join(lines) + "\n"


def _mc_text(mc: dict[str, Any], f: Any) -> list[str]:
    st = mc["settings"]
    out = [f"Monte Carlo, next {st['trades']} trades at {st['risk_pct']:g} % risk, "
           f"{st['paths']} paths, blocks of {st['block']}, floor {st['floor_pct']:g} %:"]
    for name, res in [("overall", mc["overall"]), *mc["buckets"].items()]:
        if res is None:
            out.append(f"  {name:<16} too few trades with R")
            continue
        fe, dd = res["final_equity_usd"], res["max_drawdown_pct"]
        out.append(f"  {name:<16} final equity {f(fe['median'])} [{f(fe['p5'])}, "
                   f"{f(fe['p95'])}]  max drawdown {f(dd['median'])} % [{f(dd['p5'])}, "
                   f"{f(dd['p95'])}]  ruin {res['probability_of_ruin']:.1%}")
    return out


def _mappings(args: argparse.Namespace) -> int:
    with _store(args) as store:
        for name, spec in store.mappings().items():
            print(f"{name}: {json.loads(spec)['columns']}")
    return 0


def _batches(args: argparse.Namespace) -> int:
    with _store(args) as store:
        for b in store.batches().itertuples():
            print(f"{b.id:>5}  {b.created_at:%Y-%m-%d %H:%M} UTC  {b.source:<9} "
                  f"{b.trades:>7} trade(s)  {b.file_name} {b.mapping}".rstrip())
    return 0


def _remove_batch(args: argparse.Namespace) -> int:
    with _store(args) as store:
        if args.batch not in set(store.batches()["id"]):
            raise ValueError(f"no batch {args.batch} in {store.path} (see: journal batches)")
        n = store.remove_batch(args.batch)
    print(f"batch {args.batch}: {n} trade(s) removed")
    return 0


_ACTIONS = {"import": _import, "export": _export, "stats": _stats, "mappings": _mappings,
            "batches": _batches, "remove-batch": _remove_batch, "formats": _formats,
            "tag": _tag}
