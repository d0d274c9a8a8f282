"""Import and export flows of the Journal tab (dialogs around the domain's two-step import).

* A journal CSV or a workbook's ``Journal`` sheet is read by the domain; if it has bad rows,
  :class:`~ui.journal.import_dialog.ImportReviewDialog` shows them and only "Import N good
  rows" stores anything.
* Any other CSV (an exchange or broker export), or a journal CSV whose times carry no timezone,
  opens the :class:`~ui.journal.mapping_dialog.ColumnMappingDialog`.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QDialog, QWidget

from planner.errors import FileRefused
from planner.journal.importer import WORKBOOK_SUFFIXES, ImportRefused, read_source, source_kind
from planner.journal.times import NO_TZ

if TYPE_CHECKING:
    import pandas as pd

    from planner.journal.frame import Parsed
    from ui.journal.session import JournalSession

NOT_A_JOURNAL = "use a column mapping"


def _needs_mapping(parsed: Parsed) -> bool:
    return any(i.message == NO_TZ for i in parsed.issues)


def import_path(parent: QWidget, session: JournalSession, path: Path,
                interactive: bool = True) -> tuple[int, int]:
    """Import ``path`` into ``session``; return ``(added, already there)``.

    Raises:
        FileRefused: The file cannot be read at all.
        ImportRefused: Bad rows and no one to accept the good ones (``interactive`` False).
        JournalError: The journal refused the write (read-only, locked).
    """
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
