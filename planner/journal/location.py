r"""Where the journal database lives.

Order of precedence: an explicit path (``--journal PATH`` or a path the app was given), the
``TRADE_PLANNER_JOURNAL`` environment variable, then ``journal.sqlite3`` in the user's data
folder (platformdirs: ``~/.local/share/trade-planner`` on Linux, ``~/Library/Application
Support/trade-planner`` on macOS, ``%LOCALAPPDATA%\\trade-planner`` on Windows).
"""

from __future__ import annotations

import os
from pathlib import Path

ENV_VAR = "TRADE_PLANNER_JOURNAL"
APP_NAME = "trade-planner"
FILE_NAME = "journal.sqlite3"


def default_journal_path() -> Path:
    """The journal file in the user's data folder (the folder is not created here)."""
    from platformdirs import user_data_path

    return user_data_path(APP_NAME, appauthor=False) / FILE_NAME


def journal_path(explicit: str | os.PathLike[str] | None = None) -> Path:
    """Resolve the journal file: ``explicit``, else ``$TRADE_PLANNER_JOURNAL``, else the default.

    Args:
        explicit: A path given on the command line or by the caller, or ``None``.

    Returns:
        The path (``~`` expanded); the file may not exist yet.
    """
    chosen = explicit or os.environ.get(ENV_VAR, "").strip() or None
    if chosen:
        return Path(chosen).expanduser()
    return default_journal_path()
