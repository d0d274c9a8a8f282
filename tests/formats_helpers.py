"""One trading story written in each exchange's export layout (generated, never committed data).

The story (one symbol, one-way mode):

* trade 1, long: buy 1 @ 100, buy 1 @ 110, sell 0.5 @ 120 (a partial close), sell 1.5 @ 125
  (the last one a stop order) -> entry 105, exit 123.75, quantity 2, price P&L +37.5;
* trade 2, long: buy 1 @ 130, then sell 3 @ 128 — a flip through zero: 1 closes trade 2
  (price P&L −2) and 2 open trade 3 short;
* funding −1.5 USD (paid) while trade 3 is open;
* trade 3, short: buy 2 @ 140, a liquidation -> price P&L −24.

Prices are multiplied by ``scale`` for the venue's symbol. Fees: 0.1 % of the notional.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

START = dt.datetime(2026, 3, 17, 2, 0, tzinfo=dt.UTC)
FEE_RATE = 0.001


@dataclass(frozen=True)
class Fill:
    """One fill of the story."""

    hour: int
    side: str          # buy / sell
    qty: float
    price: float
    stop: bool = False
    liquidation: bool = False
    opens: str = ""    # "Open Long", "Close Long", … (the venue's dir words)

    @property
    def time(self) -> dt.datetime:
        return START + dt.timedelta(hours=self.hour)

    @property
    def fee(self) -> float:
        return round(self.qty * self.price * FEE_RATE, 8)


FILLS = (
    Fill(0, "buy", 1, 100, opens="Open Long"),
    Fill(1, "buy", 1, 110, opens="Open Long"),
    Fill(2, "sell", 0.5, 120, opens="Close Long"),
    Fill(3, "sell", 1.5, 125, stop=True, opens="Close Long"),
    Fill(4, "buy", 1, 130, opens="Open Long"),
    Fill(5, "sell", 3, 128, opens="Long > Short"),
    Fill(7, "buy", 2, 140, liquidation=True, opens="Close Short"),
)
FUNDING_HOUR, FUNDING_USD = 6, -1.5
#: Expected trades: side, entry, exit, quantity, price P&L, exit kind.
EXPECTED = (
    ("long", 105.0, 123.75, 2.0, 37.5, "stop"),
    ("long", 130.0, 128.0, 1.0, -2.0, "close"),
    ("short", 128.0, 140.0, 2.0, -24.0, "liquidation"),
)


def venue_pnl(fills: tuple[Fill, ...] = FILLS, scale: float = 1.0) -> list[float]:
    """The venue's realized P&L of each fill (average-cost, before fees), as Binance writes it."""
    pos, avg, out = 0.0, 0.0, []
    for f in fills:
        d = f.qty if f.side == "buy" else -f.qty
        px = f.price * scale
        if pos == 0 or (pos > 0) == (d > 0):
            avg = (avg * abs(pos) + px * abs(d)) / (abs(pos) + abs(d))
            out.append(0.0)
        else:
            closed = min(abs(d), abs(pos))
            out.append(round(closed * (px - avg) * (1 if pos > 0 else -1), 8))
            if abs(d) > abs(pos):
                avg = px
        pos += d
    return out


def fees_of(trade: int, scale: float = 1.0) -> float:
    """USD fees of expected trade ``trade`` (0-based), with the flip fill's fee split by size."""
    share = {0: [(0, 1), (1, 1), (2, 1), (3, 1)], 1: [(4, 1), (5, 1 / 3)],
             2: [(5, 2 / 3), (6, 1)]}[trade]
    return sum(FILLS[i].fee * scale * w for i, w in share)


def csv_text(header: list[str], rows: list[list[object]]) -> str:
    """CSV text (CRLF, as the venues write it)."""
    def cell(v: object) -> str:
        s = str(v)
        return f'"{s}"' if ("," in s or '"' in s) else s
    return "\r\n".join(",".join(cell(v) for v in r) for r in [header, *rows]) + "\r\n"
