"""Property: ``load_plan(save_plan(p)) == p`` for generated plans.

Plans carry odd text (control characters, formula-like text, Excel's own ``_xHHHH_`` escapes,
non-Latin scripts), extreme but valid numbers, edited settings and scenarios, edited and new
venue profiles, extra columns of every cell type, and journal rows.
"""

from __future__ import annotations

import datetime as dt
import math
import tempfile
from pathlib import Path

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner import Plan, Scenario, Settings, Tier, VenueProfile, load_plan, save_plan
from planner.journal.frame import parse_journal
from planner.model import DEFAULT_BUCKETS, SCENARIO_NAMES
from planner.schema import HEADER_LOOKUP, normalise_header
from planner.validate import type_trades
from planner.venues import shipped_venues

ODD = ["=HYPERLINK(\"http://x\")", "@SUM(A1)", "+1", "-x", "_x0041_", "a\x00b", "tab\there",
       "cr\rlf\n", "  padded  ", "עברית", "日本語", "💥", "&<>\"'", "1e5", "TRUE", "#N/A"]
text = st.one_of(st.sampled_from(ODD), st.text(st.characters(blacklist_categories=("Cs",)),
                                               max_size=12))
word = text.map(str.strip).filter(bool)


def num(lo: float, hi: float, **kw) -> st.SearchStrategy[float]:
    return st.floats(lo, hi, allow_nan=False, allow_infinity=False, **kw)


@st.composite
def trade_rows(draw, venues: list[str]) -> dict:
    return {
        "symbol": draw(word), "bucket": draw(st.one_of(st.sampled_from(DEFAULT_BUCKETS), word)),
        "side": draw(st.sampled_from(["long", "short"])),
        "venue": draw(st.sampled_from(["", *venues])),
        "entry_price": draw(num(1e-4, 1e7)), "leverage": draw(num(1, 125)),
        "volatility_pct": draw(num(0.01, 50)), "risk_pct": draw(num(0.001, 100)),
        "stop_pct": draw(st.none() | num(0.01, 99)), "target_pct": draw(st.none() | num(0.01, 500)),
        "funding_pct": draw(num(-1, 1)), "index_price": draw(st.none() | num(1e-4, 1e7)),
        "slippage_bps": draw(num(0, 100)), "gas_usd": draw(num(0, 50)),
        "extra_margin_usd": draw(num(0, 1e5)), "sizing": draw(st.sampled_from(["risk", "margin"])),
        "oracle_delay_s": draw(num(0, 60)), "notes": draw(text),
    }


@st.composite
def tiers(draw) -> tuple[Tier, ...]:
    bounds = sorted(set(draw(st.lists(num(1, 1e9), min_size=0, max_size=3))))
    if draw(st.booleans()) or not bounds:
        bounds.append(math.inf)
    return tuple(Tier(b, draw(num(1, 200)), draw(num(0.01, 50)), draw(num(0, 1e6)))
                 for b in bounds)


@st.composite
def venue_profiles(draw) -> dict[str, VenueProfile]:
    venues = dict(shipped_venues())
    for name in draw(st.lists(st.sampled_from(list(venues)), max_size=2, unique=True)):
        v = venues[name]
        venues[name] = VenueProfile(name, draw(st.sampled_from(["binance", "bybit"])),
                                    draw(num(0, 1)), v.maker_fee_pct, v.funding_interval_hours,
                                    draw(tiers()), v.as_of, v.source)
    taken = {n.lower() for n in venues}
    for name in draw(st.lists(word, max_size=2)):
        if name.lower() in taken or normalise_header(name) == "name":
            continue
        taken.add(name.lower())
        venues[name] = VenueProfile(name, draw(st.sampled_from(["binance", "bybit"])),
                                    draw(num(0, 1)), draw(num(-0.5, 1)), draw(num(0.5, 24)),
                                    draw(tiers()), draw(text), draw(text))
    return venues


@st.composite
def settings_and_scenarios(draw, venues: list[str]) -> tuple[Settings, tuple[Scenario, ...]]:
    bands = sorted(draw(st.lists(num(0.1, 10), min_size=3, max_size=3)))
    s = Settings(draw(num(1, 1e9)), draw(num(0.5, 24 * 365)), *bands, draw(num(0, 100)),
                 draw(num(0.1, 100)), draw(num(0, 5)), draw(num(0, 20)),
                 draw(st.sampled_from(venues)))
    scenarios = tuple(Scenario(n, draw(num(0, 10)), draw(num(0, 50)), draw(num(0.1, 5)),
                               draw(num(0, 20)), draw(num(0, 20)), draw(num(0, 50)),
                               draw(st.booleans())) for n in SCENARIO_NAMES)
    return s, scenarios


cell = st.one_of(st.none(), word, num(-1e12, 1e12), st.booleans(),
                 st.datetimes(dt.datetime(1900, 3, 1), dt.datetime(9999, 1, 1)).map(
                     lambda d: d.replace(microsecond=d.microsecond // 1000 * 1000)))
header = word.filter(lambda h: normalise_header(h) not in HEADER_LOOKUP)


@st.composite
def extra_columns(draw, n: int) -> pd.DataFrame | None:
    names = draw(st.lists(header, max_size=2, unique_by=normalise_header))
    if not names:
        return None
    return pd.DataFrame({h: pd.Series([draw(cell) for _ in range(n)], dtype=object)
                         for h in names})


@st.composite
def journals(draw) -> pd.DataFrame | None:
    if draw(st.booleans()):
        return None
    n = draw(st.integers(0, 4))
    times = st.datetimes(dt.datetime(1990, 1, 1), dt.datetime(2090, 1, 1)).map(
        lambda d: d.replace(microsecond=d.microsecond // 1000 * 1000, tzinfo=dt.UTC))
    price = st.none() | num(1e-3, 1e6)
    raw = pd.DataFrame([{
        "opened_at": draw(st.none() | times), "closed_at": draw(times), "symbol": draw(word),
        "bucket": draw(word), "side": draw(st.sampled_from(["long", "short"])), "venue": draw(text),
        "entry_price": draw(price), "exit_price": draw(price), "quantity": draw(price),
        "leverage": draw(num(1, 100)), "fees_usd": draw(num(0, 100)),
        "funding_usd": draw(num(-100, 100)), "planned_risk_usd": draw(st.none() | num(1, 1e5)),
        "planned_stop_price": draw(price), "planned_vol_pct": draw(st.none() | num(0.1, 20)),
        "notes": draw(text), "reported_pnl_usd": draw(num(-1e5, 1e5)),
        "execution_id": draw(text)} for _ in range(n)], index=range(2, n + 2), dtype=object)
    return parse_journal(raw, sheet="Journal", tz="UTC").frame.reset_index(drop=True)


@st.composite
def plans(draw) -> Plan:
    venues = draw(venue_profiles())
    s, scenarios = draw(settings_and_scenarios(list(venues)))
    rows = draw(st.lists(trade_rows(list(venues)), max_size=6))
    raw = pd.DataFrame(rows, index=range(2, len(rows) + 2), dtype=object)
    trades = type_trades(raw, venues) if rows else type_trades(
        pd.DataFrame({"symbol": [], "entry_price": [], "volatility_pct": []}), venues)
    return Plan(trades=trades, settings=s, scenarios=scenarios, venues=venues,
                extra=draw(extra_columns(len(trades))), journal=draw(journals()))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plans())
def test_a_saved_plan_loads_back_equal(plan):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "plan.xlsx"
        save_plan(plan, path)
        back = load_plan(path)
    assert back == plan
