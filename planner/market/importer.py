"""Getting market data in: read files, show their problems, store the good rows.

As for the journal (:mod:`planner.journal.importer`), importing is two steps so that nothing is
stored behind the user's back: :func:`read_file` reads and validates one file and returns its good
rows plus every issue; :func:`store_files` stores the good rows of every file in one
transaction, refused while any file has bad rows unless the user accepted the good ones.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from planner.journal.importer import ImportRefused
from planner.market.binance import Loaded, read_binance
from planner.market.mapped import MarketMapping, read_mapped
from planner.market.store import ImportResult, MarketStore


def read_file(path: str | Path, *, symbol: str | None = None, interval: str | None = None,
              mapping: MarketMapping | None = None) -> Loaded:
    """Read one kline or funding file (Binance's layout, or any CSV through ``mapping``).

    Raises:
        FileRefused: The file cannot be read as asked (names what is wrong).
    """
    if mapping is not None:
        return read_mapped(path, mapping, symbol=symbol or "", interval=interval or "")
    return read_binance(path, symbol=symbol, interval=interval)


def store_files(store: MarketStore, files: Sequence[Loaded], *, accept_good: bool = False,
                progress: Callable[[int, int], None] | None = None) -> list[ImportResult]:
    """Store the good rows of every file in one transaction (re-imported rows are skipped).

    Raises:
        ImportRefused: A file has bad rows and ``accept_good`` is False; nothing stored.
        MarketError: The market file is read-only or locked; nothing stored.
    """
    for f in files:
        if f.parsed.issues and not accept_good:
            raise ImportRefused(f.parsed)
    return store.add_many(files, progress)
