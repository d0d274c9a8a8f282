"""Live Excel formulas for every output column of the Plan sheet (SPEC §4–5).

Each formula refers to its row's input cells (``{r}`` stands for the row number) and to defined
names for the settings, the scenario parameters and the Venues tier table
(:mod:`planner.io.names`). The operations follow the engine's (``planner/engine``) in the same
order, so a spreadsheet program computes the same doubles up to rounding. Where the engine gives
no value (NaN) the formula gives ``""``.

Functions are the ones Excel and LibreOffice share: IF, AND, OR, MIN, MAX, ABS, SQRT, LN, EXP,
INDEX, MATCH, SUMPRODUCT, ISNUMBER, IFERROR, SUBSTITUTE, ``_xlfn.NORM.S.DIST`` and
``_xlfn.T.DIST``.

Tier lookup: each venue's tiers are consecutive rows of the Venues sheet, in ascending
``max_notional_usd`` (blank = unbounded), as the planner writes them. The row's tier is the first
whose bound is ≥ the notional: ``MATCH`` finds the venue's first row and ``SUMPRODUCT`` counts
its bounds below the notional.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

from planner.engine.history import EMPIRICAL, FALLBACK, STRESS_PERCENTILES
from planner.io.names import TAILS_DATA, TAILS_HEAD, TOTAL_HEAT, history_name, scenario_name
from planner.model import QUOTE_SUFFIXES, SCENARIO_NAMES, SYMBOL_SEPARATORS, VenueProfile
from planner.schema import ALERTS, OUTPUT_KEYS

WILDCARDS = ("~", "*", "?")


class PlanExpr:
    """Sub-expressions shared by the Plan formulas, for one layout of columns.

    Args:
        letters: Column letter of every schema key on the Plan sheet.
        escape_venue: True when a venue name holds ``~ * ?`` (MATCH would read them as
            wildcards), so lookups escape them.
    """

    def __init__(self, letters: Mapping[str, str], escape_venue: bool = False) -> None:
        self.letters = letters
        c = self.c
        self.E, self.L, self.N, self.Q = c("entry_price"), c("leverage"), c("notional_usd"), \
            c("quantity")
        self.M, self.LP = c("margin_usd"), c("liquidation_price")
        self.S = f'IF({c("side")}="short",-1,1)'
        # σ as used: the typed Vol %, else the History sheet's σ of the row's coin (SPEC §11).
        self.SIG = f"({c('vol_used_pct')}/100)"
        self.BASE = _escaped(c("coin"), escape_venue)
        self.SLIP = f"({c('slippage_bps')}/10000)"
        self.F = f"({c('funding_pct')}/100)"
        venue = f'IF({c("venue")}="",DefaultVenue,{c("venue")})'
        self.VENUE = venue
        # The row's market (SPEC §10): the Venues rows whose lookup key is venue|instrument.
        market = f'{venue}&"|"&{c("instrument")}'
        self.VROW = f"MATCH({_escaped(venue, escape_venue)},VenueName,0)"
        self.KROW = f"MATCH({_escaped(market, escape_venue)},VenueKey,0)"
        self.TICK = f"INDEX(VenueTickSize,{self.KROW})"
        self.LOT = f"INDEX(VenueLotStep,{self.KROW})"
        self.FEE = f"(INDEX(VenueTakerFeePct,{self.VROW})/100)"
        maker = f"(INDEX(VenueMakerFeePct,{self.VROW})/100)"
        # Entry + exit fee: the exit always pays taker; a maker entry pays the maker fee.
        self.FEES = f'({self.FEE}+IF({c("fee_mode")}="maker",{maker},{self.FEE}))'
        self.PERIODS = "(HorizonHours/8)"
        self.FAMILY = f"INDEX(VenueFormula,{self.VROW})"
        self.NT = f"SUMPRODUCT(--(VenueKey={market}))"
        self.K = (f"SUMPRODUCT((VenueKey={market})*ISNUMBER(VenueMaxNotionalUsd)"
                  f"*(VenueMaxNotionalUsd<{self.N}))")
        self.TROW = f"({self.KROW}+MIN({self.K},{self.NT}-1))"
        stop = c("stop_pct")
        self.STOP = f'IF({stop}="",StopSigma*{self.SIG},{stop}/100)'
        self.MMR = f"({c('mmr_pct')}/100)"
        self.DIST = f"MAX({self.S}*({self.E}-{self.LP})/{self.E},0)"

    def c(self, key: str) -> str:
        """Reference to this row's cell of column ``key``."""
        return f"{self.letters[key]}{{r}}"

    def hist(self, key: str) -> str:
        """The History sheet's ``key`` for the row's coin (an error when it has none)."""
        return f"INDEX({history_name(key)},MATCH({self.BASE},{history_name('symbol')},0))"

    def hist_number(self, key: str) -> str:
        """The History sheet's number ``key`` for the row's coin, else ``""``."""
        return f'IF(ISNUMBER({self.hist(key)}),{self.hist(key)},"")'

    def away(self, price: str) -> str:
        """``price`` on the row's tick, away from the position (a long's stop rounds down).

        ``s·⌊y⌋·tick`` with ``y = s·p/tick``, as :func:`planner.engine.orders.round_away`.
        """
        y = f"{self.S}*{price}/{self.TICK}"
        return f"IF({self.TICK}>0,{self.S}*{steps(y)}*{self.TICK},{price})"


def steps(y: str) -> str:
    """Whole increments in ``y``, with the engine's float-noise tolerance (``orders.py``)."""
    return f"INT({y}+1E-9+ABS({y})*1E-12)"


def _escaped(text: str, escape: bool) -> str:
    """``text`` with MATCH's wildcards escaped (``~`` first) when ``escape`` is set."""
    if escape:
        for ch in WILDCARDS:
            text = f'SUBSTITUTE({text},"{ch}","~{ch}")'
    return text


def base_symbol(symbol: str) -> str:
    """The row's base coin, as :func:`planner.model.base_symbol` finds it.

    Upper case, cut at the first separator, one quote suffix dropped unless nothing would remain.
    """
    u = f"UPPER(TRIM({symbol}))"
    cut = ",".join(f'FIND("{ch}",{u}&"{ch}")' for ch in SYMBOL_SEPARATORS)
    h = f"LEFT({u},MIN({cut})-1)"
    n = "0"
    for size in sorted({len(x) for x in QUOTE_SUFFIXES}):     # the longest suffix is tried first
        ends = ",".join(f'RIGHT({h},{size})="{x}"' for x in QUOTE_SUFFIXES if len(x) == size)
        n = f"IF(AND(LEN({h})>{size},OR({ends})),{size},{n})"
    return f"LEFT({h},LEN({h})-{n})"


def _sizing(x: PlanExpr) -> dict[str, str]:
    c = x.c
    risk, loss = c("risk_usd"), c("loss_frac")
    stressed = f"MAX(StressedSigmaMove*{x.SIG},StressedMinMovePct/100)"
    budget = (f'IF({c("sizing")}="margin",{risk}*{x.L},'
              f"MAX({risk}-2*{c('gas_usd')},0)/{loss})")
    vol, sigma = c("volatility_pct"), x.hist_number("sigma_pct")
    return {
        "vol_used_pct": f"IF(ISNUMBER({vol}),{vol},{sigma})",
        "vol_source": f'IF(ISNUMBER({vol}),"typed",IF(ISNUMBER({x.hist("sigma_pct")}),'
                      f'{x.hist("source")},""))',
        "tail_used": tail_used(x),
        "risk_usd": f"Capital*{c('risk_pct')}/100",
        "risk_used_usd": f"{x.N}*{loss}+2*{c('gas_usd')}",
        "coin": base_symbol(c("symbol")),
        "instrument": f'IF(SUMPRODUCT(--(VenueKey={x.VENUE}&"|"&{c("coin")}))>0,{c("coin")},"")',
        "stop_pct_used": f"{x.STOP}*100",
        "loss_frac": f"{x.STOP}+{x.FEES}+2*{x.SLIP}+{c('delay_frac')}"
                     f"+MAX({c('funding_frac')},0)",
        "notional_usd": f"IF({x.LOT}>0,{x.Q}*{x.E},{budget})",
        "quantity": f"IF({x.LOT}>0,{steps(f'{budget}/{x.E}/{x.LOT}')}*{x.LOT},{budget}/{x.E})",
        "margin_usd": f"{x.N}/{x.L}+{c('extra_margin_usd')}",
        "safe_leverage": f'IF({c("side")}="short",1/((1+{stressed})*(1+{x.MMR})-1),'
                         f"1/(1-(1-MIN({stressed},1))*(1-{x.MMR})))",
    }


def _liquidation(x: PlanExpr) -> dict[str, str]:
    c = x.c
    cum = c("maintenance_amount_usd")
    okx = f"({x.E}-{x.S}*{x.M}/{x.Q})/(1-{x.S}*({x.MMR}+{x.FEE}))"
    raw = (f'IF({x.FAMILY}="bybit",{x.E}-{x.S}*({x.M}-({x.Q}*{x.E}*{x.MMR}-{cum}))/{x.Q},'
           f'IF({x.FAMILY}="okx",{okx},'
           f"({x.Q}*{x.E}-{x.S}*({x.M}+{cum}))/({x.Q}*(1-{x.S}*{x.MMR}))))")
    bankrupt = f"{x.E}-{x.S}*{x.M}/{x.Q}"
    return {
        "tier_max_leverage": f"INDEX(VenueMaxLeverage,{x.TROW})",
        "mmr_pct": f"INDEX(VenueMmrPct,{x.TROW})",
        "maintenance_amount_usd": f"INDEX(VenueMaintenanceAmountUsd,{x.TROW})",
        "maintenance_usd": f"{x.N}*{x.MMR}-{cum}",
        "liquidation_price": f'IF({c("alert_liquidated_at_entry")},{x.E},'
                             f'IFERROR(IF(AND({raw}>1E-9*{x.E},{x.away(raw)}>0),'
                             f'{x.away(raw)},""),""))',
        "bankruptcy_price": f'IFERROR(IF({bankrupt}>0,{bankrupt},""),"")',
        "liq_distance_pct": f'IF({x.LP}="","",{x.DIST}*100)',
        "liq_distance_sigma": f'IF({x.LP}="","",{x.DIST}/{x.SIG})',
        "stop_beyond_liq": f'IF({x.LP}="",FALSE,{x.STOP}>={x.DIST})',
    }


def _bands_costs(x: PlanExpr) -> dict[str, str]:
    c = x.c
    index, target = c("index_price"), c("target_pct")
    return {
        "stop_price": x.away(f"{x.E}*(1-{x.S}*{x.STOP})"),
        "trim_price": x.away(f"{x.E}*(1-{x.S}*TrimSigma*{x.SIG})"),
        "review_price": x.away(f"{x.E}*(1-{x.S}*ReviewSigma*{x.SIG})"),
        "funding_frac": f"{x.S}*{x.F}*{x.PERIODS}",
        "delay_frac": f"{x.SIG}*SQRT({c('oracle_delay_s')}/86400)",
        "funding_usd": f"-{x.N}*{c('funding_frac')}",
        "costs_usd": f"{x.N}*({x.FEES}+2*{x.SLIP})+2*{c('gas_usd')}",
        "basis_pct": f'IF({index}="","",({x.E}-{index})/{index}*100)',
        "reward_risk": f'IF({target}="","",({target}/100)/{x.STOP})',
    }


def touch(x: PlanExpr, barrier: str, vol_mult: str) -> str:
    """Touch probability of ``barrier`` within the horizon (SPEC §5, §9).

    ``TailModel`` chooses: ``normal`` is the zero-drift first passage below; ``student-t`` is
    ``2·T.DIST(−|b|/v·√(ν/(ν−2)), ν)`` with ``ν = TailDof``; ``empirical`` is the share of the
    coin's Tails column on the barrier's side at or above ``|b|/(σ·vol_mult)`` where the coin
    has one, else Student-t.

    With ``b = ln(barrier/E)``, ``v = σ·vol_mult·√T`` and ``h = v²/2`` this is
    ``Φ(k(b + h)/v) + (E/barrier)·Φ(k(b − h)/v)``, ``k = +1`` for a barrier below the entry and
    −1 above: the spec's formula with ``ν = −σ²/2`` (``exp(2νb/σ²) = E/barrier``), as the engine
    evaluates it.
    """
    vol = f"({x.SIG}*{vol_mult}*SQRT(HorizonHours/24))"
    half = f"(0.5*{vol}^2)"
    b = f"LN({barrier}/{x.E})"
    k = f"IF({b}<0,1,-1)"
    phi = "_xlfn.NORM.S.DIST({},TRUE)".format
    p = f"{phi(f'{k}*({b}+{half})/{vol}')}+({x.E}/{barrier})*{phi(f'{k}*({b}-{half})/{vol}')}"
    fat = f"MIN(1,MAX(0,2*_xlfn.T.DIST(-ABS({b})/{vol}*SQRT(TailDof/(TailDof-2)),TailDof,TRUE)))"
    col = f'MATCH({x.BASE}&IF({b}<0," down"," up"),{TAILS_HEAD},0)'
    table = f"INDEX({TAILS_DATA},0,{col})"
    share = (f'SUMPRODUCT(({table}<>"")*({table}>=ABS({b})/({x.SIG}*{vol_mult})))'
             f"/COUNT({table})")
    return (f'IF(TailModel="normal",MIN(1,MAX(0,{p})),'
            f'IF(AND(TailModel="empirical",ISNUMBER({col})),{share},{fat}))')


def tail_used(x: PlanExpr) -> str:
    """The ``tail_used`` label: the model, or under ``empirical`` the table or the fallback."""
    head = f'ISNUMBER(MATCH({x.BASE}&" down",{TAILS_HEAD},0))'
    return (f'IF(TailModel<>"empirical",TailModel,IF({head},"{EMPIRICAL}"&'
            f'{x.hist("tail_source")},"{FALLBACK}"&{x.c("coin")}))')



def _scenario(x: PlanExpr, n: str) -> dict[str, str]:
    c = x.c

    def p(field: str) -> str:
        return scenario_name(n, field)

    move = f"MAX({p('sigma_move')}*{x.SIG},{p('min_move_pct')}/100)"
    liq, pnl = c(f"liquidated_{n}"), c(f"pnl_{n}_usd")
    gas = c("gas_usd")
    exit_ = f"IF(OR({p('gap')},{move}<{x.STOP}),{move},{x.STOP})"
    costs = f"({x.FEES}+2*({x.SLIP}*{p('slippage_mult')})+{c('delay_frac')}*{p('vol_mult')})"
    funding = f"{x.N}*{x.PERIODS}*({x.S}*{x.F}+({p('funding_mult')}-1)*ABS({x.F}))"
    if n in STRESS_PERCENTILES:  # funding_from_history: the history's percentile (SPEC §11)
        up, down = STRESS_PERCENTILES[n]
        q = f"IF({x.S}=1,{x.hist(up)},{x.hist(down)})"
        funding = (f'IF(AND(FundingFromHistory="yes",ISNUMBER({q})),'
                   f"{x.N}*{x.PERIODS}*MAX({x.S}*{x.F},{x.S}*{q}/100),{funding})")
    loss = f"MAX(-{pnl},0)"
    stop_price, at_entry = c("stop_price"), c("alert_liquidated_at_entry")
    return {
        f"price_{n}": f"MAX({x.E}*(1-{x.S}*{move}),0)",
        f"liquidated_{n}": f'IF({x.LP}="",FALSE,AND({move}>={x.DIST},'
                           f"OR({p('gap')},{x.STOP}>={x.DIST})))",
        f"pnl_{n}_usd": f"IF({liq},-({x.M}+{x.N}*{x.FEE}+{gas}*{p('gas_mult')}),"
                        f"-{x.N}*({exit_}+{costs})-{funding}-2*{gas}*{p('gas_mult')})",
        f"recovery_{n}_pct": f'IF({loss}>=Capital,"",{loss}/(Capital-{loss})*100)',
        f"p_liq_{n}": f'IF({at_entry},1,IF({x.LP}="",0,{touch(x, x.LP, p("vol_mult"))}))',
        f"p_stop_{n}": f"IF({at_entry},1,IF({stop_price}>0,"
                       f"{touch(x, stop_price, p('vol_mult'))},0))",
    }


def _alerts(x: PlanExpr) -> dict[str, str]:
    c = x.c
    basis = c("basis_pct")
    ruin = ",".join(f"MAX(-{c(f'pnl_{n}_usd')},0)>=Capital" for n in SCENARIO_NAMES)
    return {
        "alert_funding": f"ABS({c('funding_pct')})>=FundingAlertPct",
        "alert_basis": f'IF({basis}="",0,ABS({basis}))>=BasisAlertPct',
        "alert_leverage_tier": f"OR({x.L}>{c('tier_max_leverage')}*(1+1E-12),{x.K}>={x.NT})",
        "alert_leverage_safe": f"{x.L}>{c('safe_leverage')}*(1+1E-12)",
        "alert_liquidated_at_entry": f"AND({x.Q}>0,{c('maintenance_usd')}>={x.M})",
        "alert_below_min_order": f"OR(NOT({x.Q}>0),{x.N}<INDEX(VenueMinNotionalUsd,{x.KROW}))",
        "alert_heat": f"{TOTAL_HEAT}>HeatCapPct",
        "alert_ruin": f"OR({ruin})",
        "alert_count": "+".join(f"{c(k)}*1" for k in ALERTS),
    }


GROUPS: tuple[Callable[[PlanExpr], dict[str, str]], ...] = (
    _sizing, _liquidation, _bands_costs, _alerts,
    *(lambda x, n=n: _scenario(x, n) for n in SCENARIO_NAMES),
)


def plan_formulas(letters: Mapping[str, str], escape_venue: bool = False) -> dict[str, str]:
    """A formula (``{r}`` = row number) for every output column of the schema.

    Raises:
        KeyError: An output column has no formula (a new schema column needs one here).
    """
    x = PlanExpr(letters, escape_venue)
    found: dict[str, str] = {}
    for group in GROUPS:
        found.update(group(x))
    return {k: found[k] for k in OUTPUT_KEYS}


def needs_venue_escape(venues: Iterable[VenueProfile], symbols: Iterable[str] = ()) -> bool:
    """True when a venue name, instrument symbol or history coin holds a MATCH wildcard."""
    names = [v.name for v in venues] + [i.symbol for v in venues for i in v.instruments]
    names += list(symbols)
    return any(ch in n for n in names for ch in WILDCARDS)
