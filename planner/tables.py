"""Settings, Scenarios and Venues as sheet rows, with validation that names sheet, row, column.

Readers (workbook, JSON) hand over plain rows; writers take them back. Layouts:

* ``Settings``: key / value rows (a third column with units is ignored on read).
* ``Scenarios``: header ``name, sigma_move, min_move_pct, vol_mult, funding_mult,
  slippage_mult, gas_mult, gap`` and one row per scenario (normal, stressed, tail).
* ``Venues``: header :data:`VENUE_HEADER`, one row per tier. A row's ``instrument`` says whose
  table it belongs to (blank = the venue's default table, else a symbol such as ``SOL``). Venue
  fields are given on the venue's first row, instrument fields on the first row of each table;
  both may be repeated or left blank on the following rows.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import fields
from typing import Any

from planner.errors import CellIssue, PlanError
from planner.model import (
    DEFAULT_SCENARIOS,
    FORMULAS,
    SCENARIO_NAMES,
    TAIL_MODELS,
    VOL_ESTIMATORS,
    Instrument,
    Scenario,
    Settings,
    SymbolFacts,
    Tier,
    VenueProfile,
    base_symbol,
)
from planner.schema import bound_text

#: Settings keys with (unit, lower bound, exclusive?, upper bound, description). Every number
#: has a sane upper bound (and capital and the bands a positive floor): finite but absurd values
#: (a capital of 1e300 or 1e-300, a band of 1e-300 σ) would overflow to infinities in the totals.
SETTINGS_META: dict[str, tuple[str, float | None, bool, float | None, str]] = {
    "capital_usd": ("USD", 1.0, False, 1e12, "Portfolio capital C"),
    "horizon_hours": ("h", 0.0, True, 24.0 * 365, "Holding horizon for funding and probabilities"),
    "trim_sigma": ("σ", 0.01, False, 100.0, "Trim band, daily σ"),
    "stop_sigma": ("σ", 0.01, False, 100.0, "Exit band (default stop), daily σ"),
    "review_sigma": ("σ", 0.01, False, 100.0, "Review band, daily σ"),
    "trim_fraction_pct": ("%", 0.0, False, 100.0, "Share of the position cut at the trim band"),
    "heat_cap_pct": ("%", 0.0, True, 100.0, "Cap on the sum of all rows' risk %"),
    "funding_alert_pct": ("%/8h", 0.0, False, 100.0, "Alert when |funding per 8 h| reaches this"),
    "basis_alert_pct": ("%", 0.0, False, 10_000.0,
                        "Alert when |entry vs index basis| reaches this"),
    "default_venue": ("", None, False, None, "Venue profile for rows that name none"),
    "tail_model": ("", None, False, None, "Touch probabilities: student-t (fat tails), normal, "
                   "or empirical (the coin's price history; Student-t without enough)"),
    "tail_dof": ("ν", 3.0, False, 30.0, "Degrees of freedom of the Student-t law (whole, 3–30)"),
    "vol_estimator": ("", None, False, None,
                      "σ from price history for blank Vol cells: " + ", ".join(VOL_ESTIMATORS)),
    "vol_window_days": ("days", 1.0, False, 3650.0,
                        "Window of the history σ and funding percentiles"),
    "funding_from_history": ("", None, False, None, "yes: stressed and tail pay the 95th / 99th "
                             "percentile of the funding history instead of funding_mult"),
}
#: Largest tick size, lot step or minimum order value (a sane bound: a typo, not a contract).
MAX_STEP = 1e12
#: Settings whose value is text, not a number.
TEXT_SETTINGS = ("default_venue", "tail_model", "vol_estimator", "funding_from_history")

SCENARIO_HEADER = ("name", "sigma_move", "min_move_pct", "vol_mult", "funding_mult",
                   "slippage_mult", "gas_mult", "gap")
VENUE_HEADER = ("name", "instrument", "formula", "taker_fee_pct", "maker_fee_pct",
                "funding_interval_hours", "tick_size", "lot_step", "min_notional_usd", "as_of",
                "source", "max_notional_usd", "max_leverage", "mmr_pct", "maintenance_amount_usd")
#: Fields of the whole venue, read from the venue's first row.
VENUE_FIELDS = ("formula", "taker_fee_pct", "maker_fee_pct")
#: Fields of one instrument (or of the venue's default, blank instrument), read from the first
#: row of its tiers.
GROUP_FIELDS = ("funding_interval_hours", "tick_size", "lot_step", "min_notional_usd", "as_of",
                "source")
TIER_FIELDS = ("max_notional_usd", "max_leverage", "mmr_pct", "maintenance_amount_usd")


def _number(v: Any, sheet: str, row: int, col: str, lo: float | None = None,
            lo_open: bool = False, hi: float | None = None) -> float:
    if isinstance(v, bool) or v is None or (isinstance(v, str) and not v.strip()):
        raise PlanError(CellIssue(sheet, row, col, "expected a number"))
    try:
        x = float(str(v).replace(",", "").strip()) if isinstance(v, str) else float(v)
    except (TypeError, ValueError):
        raise PlanError(CellIssue(sheet, row, col, f"expected a number, got {v!r}")) from None
    if not math.isfinite(x):
        raise PlanError(CellIssue(sheet, row, col, f"expected a finite number, got {v!r}"))
    if lo is not None and (x <= lo if lo_open else x < lo):
        raise PlanError(CellIssue(sheet, row, col, f"must be {'>' if lo_open else '≥'} "
                                                   f"{bound_text(lo)}, got {x:g}"))
    if hi is not None and x > hi:
        raise PlanError(CellIssue(sheet, row, col, f"must be ≤ {bound_text(hi)}, got {x:g}"))
    return x


def settings_from_rows(rows: Sequence[tuple[int, Any, Any]], venues: Mapping[str, Any],
                       sheet: str = "Settings") -> Settings:
    """Build :class:`Settings` from ``(sheet_row, key, value)`` rows; unknown keys are refused.

    Raises:
        PlanError: An unknown key, a bad value, or bands out of order.
    """
    values: dict[str, Any] = {}
    issues: list[CellIssue] = []
    for row, key, value in rows:
        k = str(key).strip()
        if k not in SETTINGS_META:
            issues.append(CellIssue(sheet, row, "key", f"unknown setting {k!r}"))
            continue
        unit, lo, lo_open, hi, _ = SETTINGS_META[k]
        try:
            if k == "default_venue":
                values[k] = _venue_name(value, venues, sheet, row)
            elif k == "tail_model":
                values[k] = _tail_model(value, sheet, row)
            elif k == "vol_estimator":
                values[k] = _estimator(value, sheet, row)
            elif k == "funding_from_history":
                values[k] = _flag(value, sheet, row, "value")
            else:
                values[k] = _number(value, sheet, row, "value", lo, lo_open, hi)
                if k == "tail_dof" and values[k] != round(values[k]):
                    raise PlanError(CellIssue(sheet, row, "value", "tail_dof must be a whole "
                                              "number (T.DIST takes whole degrees of freedom)"))
        except PlanError as exc:
            issues += exc.issues
    if issues:
        raise PlanError(issues)
    s = Settings(**values)
    if not s.trim_sigma <= s.stop_sigma <= s.review_sigma:
        raise PlanError(CellIssue(sheet, None, "value",
                                  "bands must be ordered: trim_sigma ≤ stop_sigma ≤ review_sigma"))
    return s


def _tail_model(value: Any, sheet: str, row: int) -> str:
    text = str(value or "").strip().lower().replace("_", "-").replace(" ", "-")
    text = {"t": "student-t", "studentt": "student-t", "gaussian": "normal"}.get(text, text)
    if text not in TAIL_MODELS:
        raise PlanError(CellIssue(sheet, row, "value", "tail_model must be student-t, normal "
                                                       f"or empirical, got {value!r}"))
    return text


def _estimator(value: Any, sheet: str, row: int) -> str:
    text = str(value or "").strip().lower().replace("_", "-").replace(" ", "-")
    text = {"yz": "yang-zhang", "gk": "garman-klass", "c2c": "close-to-close",
            "atr-pct": "atr"}.get(text, text)
    if text not in VOL_ESTIMATORS:
        raise PlanError(CellIssue(sheet, row, "value", f"vol_estimator must be one of "
                                  f"{', '.join(VOL_ESTIMATORS)}, got {value!r}"))
    return text


def _venue_name(value: Any, venues: Mapping[str, Any], sheet: str, row: int) -> str:
    name = str(value or "").strip()
    match = {v.lower(): v for v in venues}.get(name.lower())
    if match is None:
        raise PlanError(CellIssue(sheet, row, "value", f"unknown venue profile {name!r}"))
    return match


def settings_rows(s: Settings) -> list[tuple[str, Any, str, str]]:
    """Rows ``(key, value, unit, description)`` for writing the Settings sheet."""
    return [(f.name, _cell(getattr(s, f.name)), SETTINGS_META[f.name][0],
             SETTINGS_META[f.name][4]) for f in fields(s)]


def _cell(value: Any) -> Any:
    """A setting as the sheet holds it (a flag as ``yes`` / ``no``)."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return value


def _flag(v: Any, sheet: str, row: int, col: str = "gap") -> bool:
    text = str(v).strip().lower() if v is not None else "no"
    if isinstance(v, bool):
        return v
    if text in ("yes", "true", "1", "y"):
        return True
    if text in ("no", "false", "0", "n", ""):
        return False
    raise PlanError(CellIssue(sheet, row, col, f"expected yes or no, got {v!r}"))


def scenarios_from_rows(rows: Sequence[tuple[int, Mapping[str, Any]]],
                        sheet: str = "Scenarios") -> tuple[Scenario, ...]:
    """Build the three scenarios from ``(sheet_row, {header: value})`` rows.

    Scenarios are matched by name; a missing one keeps its default.
    """
    found = {s.name: s for s in DEFAULT_SCENARIOS}
    for row, cells in rows:
        name = str(cells.get("name", "")).strip().lower()
        if name not in SCENARIO_NAMES:
            raise PlanError(CellIssue(sheet, row, "name", f"unknown scenario {name!r}; expected "
                                                          "normal, stressed or tail"))
        nums = {k: _number(cells.get(k), sheet, row, k, 0.0, k in ("vol_mult",))
                for k in SCENARIO_HEADER[1:7]}
        found[name] = Scenario(name=name, gap=_flag(cells.get("gap"), sheet, row), **nums)
    return tuple(found[n] for n in SCENARIO_NAMES)


def scenario_rows(scenarios: Sequence[Scenario]) -> list[list[Any]]:
    """Rows (in :data:`SCENARIO_HEADER` order) for writing the Scenarios sheet."""
    return [[s.name, s.sigma_move, s.min_move_pct, s.vol_mult, s.funding_mult, s.slippage_mult,
             s.gas_mult, "yes" if s.gap else "no"] for s in scenarios]


def venues_from_rows(rows: Sequence[tuple[int, Mapping[str, Any]]],
                     sheet: str = "Venues") -> list[VenueProfile]:
    """Build venue profiles from tier rows.

    A row with a blank name continues the venue above. Each row's ``instrument`` cell says whose
    tiers it holds: blank = the venue's default table, else a symbol (``SOL``). Venue fields
    (formula, fees) come from the venue's first row, instrument fields (funding interval, tick,
    lot step, minimum notional, as_of, source) from the first row of that instrument's tiers.

    Raises:
        PlanError: Two names differ only in case (``V`` and ``v``: venue names are unique
            case-insensitively, SPEC §10), a venue has no default tiers, two tiers of one table
            share a bound, or a cell is out of range; the sheet, row and column are named.
    """
    profiles: dict[str, dict[str, Any]] = {}
    current: dict[str, Any] | None = None
    for row, cells in rows:
        name = str(cells.get("name") or "").strip()
        if name and (current is None or name != current["name"]):
            _refuse_case_twin(name, profiles, sheet, row)
            current = profiles.setdefault(name, {"name": name, "groups": {}, "row": row})
            for k in VENUE_FIELDS:
                if cells.get(k) not in (None, ""):
                    current.setdefault(k, cells[k])
        if current is None:
            raise PlanError(CellIssue(sheet, row, "name", "tier row before any venue name"))
        symbol = base_symbol(cells.get("instrument"))
        current["groups"].setdefault(symbol, []).append((row, cells))
    return [_profile(p, sheet) for p in profiles.values()]


def _refuse_case_twin(name: str, profiles: Mapping[str, Mapping[str, Any]], sheet: str,
                      row: int) -> None:
    twin = next((p for k, p in profiles.items() if k != name and k.lower() == name.lower()),
                None)
    if twin is not None:
        raise PlanError(CellIssue(sheet, row, "name", f"venue {name!r} differs from "
                                  f"{twin['name']!r} (row {twin['row']}) only in case: venue "
                                  "names are unique whatever their case (rows would silently "
                                  "use the other one's tiers); rename one"))


def _refuse_equal_bounds(tiers: list[tuple[int, Tier]], name: str, sheet: str) -> None:
    seen: dict[float, int] = {}
    for r, t in tiers:
        first = seen.setdefault(t.max_notional_usd, r)
        if first != r:
            bound = "unbounded" if math.isinf(t.max_notional_usd) else \
                f"{t.max_notional_usd:,.0f} USD"
            raise PlanError(CellIssue(sheet, r, "max_notional_usd", f"venue {name!r} has two "
                                      f"tiers with the same bound ({bound}, rows {first} and "
                                      f"{r}): each tier needs its own max_notional_usd"))


def _tiers(rows: list[tuple[int, Mapping[str, Any]]], name: str,
           sheet: str) -> tuple[Tier, ...]:
    tiers: list[tuple[int, Tier]] = []
    for r, cells in rows:
        mx = cells.get("max_notional_usd")
        tiers.append((r, Tier(
            max_notional_usd=math.inf if mx in (None, "", "inf") else
            _number(mx, sheet, r, "max_notional_usd", 0.0, True),
            max_leverage=_number(cells.get("max_leverage"), sheet, r, "max_leverage", 1.0),
            mmr_pct=_number(cells.get("mmr_pct"), sheet, r, "mmr_pct", 0.0, True, 100.0),
            maintenance_amount_usd=_number(cells.get("maintenance_amount_usd") or 0.0, sheet, r,
                                           "maintenance_amount_usd", 0.0))))
    _refuse_equal_bounds(tiers, name, sheet)
    return tuple(sorted((t for _, t in tiers), key=lambda t: t.max_notional_usd))


def _group(rows: list[tuple[int, Mapping[str, Any]]], symbol: str, name: str, sheet: str,
           interval: float) -> Instrument:
    """One tier table with its instrument fields (from the table's first row)."""
    row, cells = rows[0]
    label = f"{name} {symbol}" if symbol else name

    def step(key: str) -> float:
        return _number(cells.get(key) or 0.0, sheet, row, key, 0.0, False, MAX_STEP)

    given = cells.get("funding_interval_hours")
    return Instrument(
        symbol=symbol, tiers=_tiers(rows, label, sheet), tick_size=step("tick_size"),
        lot_step=step("lot_step"), min_notional_usd=step("min_notional_usd"),
        funding_interval_hours=interval if given in (None, "") else _number(
            given, sheet, row, "funding_interval_hours", 0.0, True, 24.0 * 365),
        as_of=str(cells.get("as_of") or ""), source=str(cells.get("source") or ""))


def _profile(p: dict[str, Any], sheet: str) -> VenueProfile:
    row, groups = p["row"], p["groups"]
    formula = str(p.get("formula", "binance")).strip().lower()
    if formula not in FORMULAS:
        raise PlanError(CellIssue(sheet, row, "formula",
                                  f"unknown formula {formula!r}; expected one of "
                                  f"{', '.join(FORMULAS)}"))
    if "" not in groups:
        raise PlanError(CellIssue(sheet, row, "instrument", f"venue {p['name']!r} has no "
                                  "default tiers: give it tier rows with a blank instrument "
                                  "(used by symbols it lists no instrument for)"))
    default = _group(groups[""], "", p["name"], sheet, 8.0)
    return VenueProfile(
        name=p["name"], formula=formula,
        taker_fee_pct=_number(p.get("taker_fee_pct", 0.05), sheet, row, "taker_fee_pct", 0.0),
        maker_fee_pct=_number(p.get("maker_fee_pct", 0.02), sheet, row, "maker_fee_pct", -1.0),
        funding_interval_hours=default.funding_interval_hours, tiers=default.tiers,
        as_of=default.as_of, source=default.source, tick_size=default.tick_size,
        lot_step=default.lot_step, min_notional_usd=default.min_notional_usd,
        instruments=tuple(_group(rows, sym, p["name"], sheet, default.funding_interval_hours)
                          for sym, rows in groups.items() if sym))


def venue_rows(venues: Sequence[VenueProfile]) -> list[list[Any]]:
    """Rows (in :data:`VENUE_HEADER` order) for writing the Venues sheet, one per tier.

    Each venue's default tiers come first (blank instrument), then each instrument's; every
    field is written on every row.
    """
    out = []
    for v in venues:
        for g in v.markets():
            for t in g.tiers:
                out.append([v.name, g.symbol, v.formula, v.taker_fee_pct, v.maker_fee_pct,
                            g.funding_interval_hours, g.tick_size, g.lot_step,
                            g.min_notional_usd, g.as_of, g.source,
                            None if math.isinf(t.max_notional_usd) else t.max_notional_usd,
                            t.max_leverage, t.mmr_pct, t.maintenance_amount_usd])
    return out


#: Columns of the workbook's ``History`` sheet (one row per base coin, SPEC §11).
HISTORY_HEADER = ("symbol", "series", "sigma_pct", "source", "funding_p95_pct",
                  "funding_p99_pct", "funding_p05_pct", "funding_p01_pct", "tail_source")
_HISTORY_FUNDING = HISTORY_HEADER[4:8]
#: Largest |funding rate| the History sheet accepts, % per 8 h (a typo, not a market).
MAX_FUNDING_PCT = 100.0


def history_rows(facts: Sequence[SymbolFacts]) -> list[tuple[Any, ...]]:
    """Rows of the History sheet, in :data:`HISTORY_HEADER` order."""
    return [tuple(getattr(f, k) for k in HISTORY_HEADER) for f in facts]


def history_from_rows(rows: Sequence[tuple[int, Mapping[str, Any]]],
                      sheet: str = "History") -> tuple[SymbolFacts, ...]:
    """The history snapshot from ``(sheet_row, {header: value})`` rows, sorted by symbol.

    A symbol is reduced to its base coin (``BTCUSDT`` → ``BTC``); blank rows are skipped.

    Raises:
        PlanError: A coin twice, a σ that is not > 0 and ≤ 1,000 %, a funding percentile
            beyond ±100 % per 8 h, or a text that is not one (sheet, row and column named).
    """
    out: dict[str, SymbolFacts] = {}
    issues: list[CellIssue] = []
    for row, cells in rows:
        if all(v in (None, "") for v in cells.values()):
            continue
        try:
            facts = _facts(row, cells, sheet)
        except PlanError as exc:
            issues += exc.issues
            continue
        if facts.symbol in out:
            issues.append(CellIssue(sheet, row, "symbol", f"{facts.symbol} is listed twice"))
        out[facts.symbol] = facts
    if issues:
        raise PlanError(issues)
    return tuple(out[k] for k in sorted(out))


def _facts(row: int, cells: Mapping[str, Any], sheet: str) -> SymbolFacts:
    symbol = base_symbol(cells.get("symbol"))
    if not symbol:
        raise PlanError(CellIssue(sheet, row, "symbol", "a history row needs a symbol"))
    nums: dict[str, float] = {}
    for key in ("sigma_pct", *_HISTORY_FUNDING):
        v = cells.get(key)
        if v in (None, ""):
            nums[key] = math.nan
        elif key == "sigma_pct":
            nums[key] = _number(v, sheet, row, key, 0.0, True, 1000.0)
        else:
            nums[key] = _number(v, sheet, row, key, -MAX_FUNDING_PCT, False, MAX_FUNDING_PCT)
    texts = {k: str(cells.get(k) or "").strip() for k in ("series", "source", "tail_source")}
    for k, t in texts.items():
        if len(t) > 200:
            raise PlanError(CellIssue(sheet, row, k, f"{k} is {len(t):,} characters long "
                                                     "(at most 200)"))
    if math.isfinite(nums["sigma_pct"]) and not texts["source"]:
        texts["source"] = f"{texts['series'] or symbol} history"
    return SymbolFacts(symbol, texts["series"], nums["sigma_pct"], texts["source"],
                       nums["funding_p95_pct"], nums["funding_p99_pct"], nums["funding_p05_pct"],
                       nums["funding_p01_pct"], texts["tail_source"])
