r"""Where the market-data database lives.

Order of precedence: an explicit path (``--market PATH`` or a path the app was given), the
``TRADE_PLANNER_MARKET`` environment variable, then ``market.sqlite3`` beside the journal file
(whose own rules are in :mod:`planner.journal.location`: ``--journal``,
``TRADE_PLANNER_JOURNAL``, else the user's data folder).
"""

from __future__ import annotations

import os
from pathlib import Path

from planner.journal.location import journal_path

ENV_VAR = "TRADE_PLANNER_MARKET"
FILE_NAME = "market.sqlite3"


def market_path(explicit: str | os.PathLike[str] | None = None,
                journal: str | os.PathLike[str] | None = None) -> Path:
    """Resolve the market file: ``explicit``, else ``$TRADE_PLANNER_MARKET``, else by the journal.

    Args:
        explicit: A path given on the command line or by the caller, or ``None``.
        journal: The journal path given on the command line, if any (the default folder
            follows it).

    Returns:
        The path (``~`` expanded); the file may not exist yet.
    """
    chosen = explicit or os.environ.get(ENV_VAR, "").strip() or None
    if chosen:
        return Path(chosen).expanduser()
    return journal_path(journal).parent / FILE_NAME
