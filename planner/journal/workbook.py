"""The journal in a workbook's ``Journal`` sheet, through ``planner.io``.

``planner.io`` is the only package that touches workbook files. Inputs are written as values
and ``realized_pnl_usd`` / ``r_multiple`` as live formulas (with their values), like the plan's
outputs; times are written as UTC. Reading goes through the same safety checks as plans and
returns good rows plus issues, like every other import.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from planner.journal.frame import FRAME_KEYS, Parsed


def read_journal_sheet(path: str | Path, tz: str = "UTC") -> Parsed:
    """Read the ``Journal`` sheet of a workbook (naive times read in ``tz``; ours are UTC).

    Raises:
        FileRefused: Not a readable workbook, or no ``Journal`` sheet.
    """
    from planner.io import load_journal

    parsed: Parsed = load_journal(path, tz=tz)
    return parsed


def write_journal_sheet(trades: pd.DataFrame, path: str | Path,
                        plan_path: str | Path | None = None) -> None:
    """Write ``trades`` to the ``Journal`` sheet of ``path``, atomically.

    Args:
        trades: A typed (or derived) journal frame.
        path: The workbook to write.
        plan_path: A plan workbook to copy into ``path`` with this journal (its own journal
            replaced); ``None`` writes a workbook holding only the journal.

    Raises:
        PlanError: ``plan_path`` cannot be read as a plan.
        OSError: ``path`` cannot be written (an existing file is left as it was).
    """
    frame = trades[[k for k in FRAME_KEYS if k in trades]].reset_index(drop=True)
    if plan_path is None:
        from planner.io import save_journal

        save_journal(frame, path)
        return
    from planner.io import load_plan, save_plan

    plan = load_plan(plan_path)
    save_plan(plan.with_changes(journal=frame), path, keep_from=plan_path)
