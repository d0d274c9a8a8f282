"""What a format preset says about one exchange export layout (data, no code path of its own).

A :class:`Preset` names the export as the venue names it, the headers that identify it, the
header aliases of each field, and how its sides, fees, kinds of row and times read. The readers
in :mod:`planner.journal.formats.read` apply any preset the same way.

Fields a preset can map (``columns``):

* ``time``, ``symbol``, ``side``, ``price``, ``quantity``, ``fee``, ``fee_coin``, ``pnl``
  (the venue's realized P&L of a fill or trade), ``exec_id``, ``order_id``, ``kind`` (trade,
  funding or liquidation row), ``order_type`` (a stop order), ``amount`` (a ledger or funding
  amount), ``face_value``, ``multiplier``, ``unit`` (``cont`` for contracts);
* for one-row-per-trade exports: ``opened_at``, ``closed_at``, ``entry_price``, ``exit_price``,
  ``funding``, ``open_fee``, ``close_fee``, ``extra_fee``, ``leverage``, ``exit_type``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

Kind = Literal["fills", "trades", "funding", "ledger"]
#: Where the side of a fill comes from: ``order`` (BUY / SELL), ``dir`` (Open Long / Close
#: Short / Buy / Sell / Long > Short), ``position`` (long / short of the position itself),
#: ``closing`` (the closing order's direction: Sell closes a long; or Close Long / Long).
SideReader = Literal["order", "dir", "position", "closing", "none"]


@dataclass(frozen=True)
class Preset:
    """One export layout.

    Attributes:
        name: Preset name (``--format NAME``).
        venue: The venue, as it names itself.
        export: The export, by the name the venue gives it.
        kind: ``fills`` (one row per execution), ``trades`` (one row per closed position),
            ``funding`` (funding payments) or ``ledger`` (account transactions).
        signature: Headers that must all be present to detect the layout (case-insensitive).
        columns: Field -> header aliases (first present wins).
        side: How the side column reads (:data:`SideReader`).
        hedge_words: ``Open Long`` / ``Close Short`` name the position side (hedge mode);
            else they only describe a one-way position.
        fee_sign: ``+1`` when a fee is written as a positive cost, ``-1`` when as a negative.
        funding_sign: ``+1`` when funding is written as received, ``-1`` when as paid.
        pnl_after_fee: The venue's per-fill realized P&L already has that fill's fee taken off.
        time_zone_in_name: The file name may carry the times' UTC offset (``…(UTC+8).csv``).
        utc: Times without an offset are UTC (else the preamble or ``--timezone`` says).
        quote_fee_coin: Coin of fees when the file names none.
        notes: What to know about the layout (shown by ``journal formats``).
        source: Where the layout comes from, with its date.
    """

    name: str
    venue: str
    export: str
    kind: Kind
    signature: tuple[str, ...]
    columns: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    side: SideReader = "order"
    hedge_words: bool = False
    fee_sign: int = 1
    funding_sign: int = 1
    pnl_after_fee: bool = False
    time_zone_in_name: bool = False
    utc: bool = True
    quote_fee_coin: str = "USDT"
    notes: str = ""
    source: str = ""

    def header_for(self, fieldname: str, headers: Mapping[str, str]) -> str | None:
        """The file's header carrying ``fieldname`` (``headers``: lower-case -> as written)."""
        for alias in self.columns.get(fieldname, ()):
            if alias.lower() in headers:
                return headers[alias.lower()]
        return None

    def matches(self, headers: Mapping[str, str]) -> bool:
        """True when every signature header is present."""
        return all(h.lower() in headers for h in self.signature)


#: Words of a side column -> (order side, position side or "", opens?). ``opens`` is None
#: when the word does not say.
SIDE_WORDS: dict[str, tuple[str, str, bool | None]] = {
    "buy": ("buy", "", None), "b": ("buy", "", None), "bid": ("buy", "", None),
    "sell": ("sell", "", None), "s": ("sell", "", None), "ask": ("sell", "", None),
    "open long": ("buy", "long", True), "close long": ("sell", "long", False),
    "open short": ("sell", "short", True), "close short": ("buy", "short", False),
    "long > short": ("sell", "", None), "short > long": ("buy", "", None),
    "long": ("buy", "long", None), "short": ("sell", "short", None),
}
#: Coins counted as US dollars one for one (stablecoins and USD itself).
USD_COINS = frozenset({"USD", "USDT", "USDC", "BUSD", "FDUSD", "USDE", "DAI"})
