"""Import and export flows of the Journal tab (dialogs around the domain's two-step import).

* A journal CSV or a workbook's ``Journal`` sheet is read by the domain; if it has bad rows,
  :class:`~ui.journal.import_dialog.ImportReviewDialog` shows them and only "Import N good
  rows" stores anything.
* An exchange export of a known layout (``planner.journal.formats``) is read by its preset:
  fills netted into trades, linked to the open plan's rows (a trade with several candidate rows
  is asked about; "none" leaves it unlinked); slashed dates whose day/month order the file does
  not settle are asked about too. Then the same review before anything is stored.
* Any other CSV (a broker export), or a journal CSV whose times carry no timezone, opens the
  :class:`~ui.journal.mapping_dialog.ColumnMappingDialog`.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QDialog, QInputDialog, QMessageBox, QWidget

from planner.errors import FileRefused
from planner.journal.importer import (
    WORKBOOK_SUFFIXES,
    ImportRefused,
    is_export,
    read_source,
    source_kind,
)
from planner.journal.times import NO_TZ

if TYPE_CHECKING:
    import pandas as pd

    from planner.journal.frame import Parsed
    from ui.journal.session import JournalSession

NOT_A_JOURNAL = "use a column mapping"


def _needs_mapping(parsed: Parsed) -> bool:
    return any(i.message == NO_TZ for i in parsed.issues)


def import_path(parent: QWidget, session: JournalSession, path: Path,
                interactive: bool = True, plan_rows: Any = None) -> tuple[int, int]:
    """Import ``path`` into ``session``; return ``(added, already there)``.

    Args:
        parent: Parent of the dialogs.
        session: The open journal.
        path: The file to import.
        interactive: Ask the user (review, mapping, day/month order, plan row); else refuse
            what would need an answer.
        plan_rows: Returns the open plan's ``(computed rows, sheet rows)``, to link exchange
            exports to; ``None`` links nothing.

    Raises:
        FileRefused: The file cannot be read at all.
        ImportRefused: Bad rows and no one to accept the good ones (``interactive`` False).
        JournalError: The journal refused the write (read-only, locked).
    """
    if is_export(path):
        return _export(parent, session, path, interactive, plan_rows)
    try:
        parsed = read_source(path)
    except FileRefused as exc:
        if NOT_A_JOURNAL not in str(exc) or path.suffix.lower() in WORKBOOK_SUFFIXES:
            raise
        return _mapped(parent, session, path, interactive)
    if _needs_mapping(parsed) and path.suffix.lower() not in WORKBOOK_SUFFIXES:
        return _mapped(parent, session, path, interactive)
    if parsed.issues:
        if not interactive:
            raise ImportRefused(parsed)
        if not _review(parent, parsed):
            return 0, 0
    res = session.import_parsed(parsed, source_kind(path, None))
    return res.added, res.skipped


def _review(parent: QWidget, parsed: Parsed) -> bool:
    from ui.journal.import_dialog import ImportReviewDialog

    return ImportReviewDialog(parsed, parent).exec() == QDialog.DialogCode.Accepted


def _mapped(parent: QWidget, session: JournalSession, path: Path,
            interactive: bool) -> tuple[int, int]:
    from planner.journal.csvio import read_table
    from ui.journal.mapping_dialog import ColumnMappingDialog

    dialog = ColumnMappingDialog(path, read_table(path), session, parent)
    if not interactive:
        dialog.check()
        if dialog.parsed is None or dialog.parsed.issues:
            raise ImportRefused(dialog.parsed) if dialog.parsed is not None else FileRefused(
                f"{path.name}: map its columns in the import dialog")
    elif dialog.exec() != QDialog.DialogCode.Accepted or dialog.parsed is None:
        return 0, 0
    res = session.import_parsed(dialog.parsed, "mapped", dialog.mapping().name)
    return res.added, res.skipped


def export_path(trades: pd.DataFrame, path: Path) -> None:
    """Write derived trades to ``path``: a workbook's Journal sheet (.xlsx) or journal CSV."""
    if path.suffix.lower() in WORKBOOK_SUFFIXES:
        from planner.journal.workbook import write_journal_sheet

        write_journal_sheet(trades, path)
    else:
        from planner.journal.csvio import write_journal_csv

        write_journal_csv(trades, path)


def _read_export(parent: QWidget, path: Path, interactive: bool) -> tuple[Any, list[str]]:
    """Read an export; ask the day/month order when the file does not settle it."""
    from planner.journal.formats.timeread import AMBIGUOUS_MARK
    from planner.journal.importer import read_exports

    try:
        return read_exports([path])
    except FileRefused as exc:
        if not interactive or AMBIGUOUS_MARK not in str(exc):
            raise
    answer = QMessageBox.question(
        parent, "Day or month first?", f"{path.name}: are dates such as 01/03/2026 day first "
        "(1 March)? Yes = day first, No = month first (3 January).",
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No
        | QMessageBox.StandardButton.Cancel)
    if answer == QMessageBox.StandardButton.Cancel:
        return None, []
    return read_exports([path], dayfirst=answer == QMessageBox.StandardButton.Yes)


def _export(parent: QWidget, session: JournalSession, path: Path, interactive: bool,
            plan_rows: Any) -> tuple[int, int]:
    items, notes = _read_export(parent, path, interactive)
    if items is None:
        return 0, 0
    parsed, source, name = items[0]
    rows = plan_rows() if plan_rows is not None else None
    if rows is not None:
        parsed = _linked(parent, parsed, rows, interactive)
    if parsed.issues:
        if not interactive:
            raise ImportRefused(parsed)
        if not _review(parent, parsed):
            return 0, 0
    res = session.import_many([(parsed, source, name)])[0]
    return res.added, res.skipped


def _linked(parent: QWidget, parsed: Parsed, rows: Any, interactive: bool) -> Parsed:
    """Link trades to plan rows; ask which row for a trade with several (headless: none)."""
    from dataclasses import replace

    from planner.journal.planlink import candidates, link, take_row

    cands = candidates(rows[0], rows[1])
    frame, ambiguous = link(parsed.frame, cands)
    for at, plan_rows in ambiguous.items() if interactive else ():
        t = frame.iloc[at]
        labels = ["none (leave unlinked)"] + [
            f"row {r}: {c['bucket']}, risk {c['planned_risk_usd']:,.2f} USD"
            for r, (_, c) in zip(plan_rows, cands[cands["plan_row"].isin(plan_rows)]
                                 .sort_values("plan_row").iterrows(), strict=True)]
        choice, ok = QInputDialog.getItem(
            parent, "Which planned trade?", f"{t['symbol']} {t['side']} closed "
            f"{t['closed_at']:%Y-%m-%d %H:%M} UTC matches several plan rows:", labels, 0, False)
        if ok and labels.index(choice) > 0:
            frame = take_row(frame, at, cands, plan_rows[labels.index(choice) - 1])
    return replace(parsed, frame=frame)
