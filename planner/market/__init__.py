"""Market data, offline: candles and funding history from files the trader downloads.

Readers (``binance``, ``mapped``), the SQLite store (``store``, the one module here that touches
sqlite3), the estimators (``estimators``, ``funding``: pure functions over arrays), empirical
tails (``tails``) and the replay (``replay``, vectorised over rows). The engine asks for σ and
funding percentiles through :func:`planner.market.history.history_for` only.
"""
