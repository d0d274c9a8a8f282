"""Reviewing an import before anything is stored: how many rows are good, which are bad and why.

Nothing is stored until the user presses "Import N good rows"; with bad rows the button says
how many are left out. The dialog never stores itself: it only accepts or rejects.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from planner.journal.frame import Parsed

MAX_SHOWN = 500


class IssueList(QPlainTextEdit):
    """Read-only list of the problems found, one per line (sheet, row, column: why)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setReadOnly(True)
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)

    def show_parsed(self, parsed: Parsed | None) -> None:
        """List the issues of ``parsed`` (at most :data:`MAX_SHOWN`)."""
        issues = parsed.issues if parsed is not None else ()
        lines = [str(i) for i in issues[:MAX_SHOWN]]
        if len(issues) > MAX_SHOWN:
            lines.append(f"… and {len(issues) - MAX_SHOWN} more")
        self.setPlainText("\n".join(lines))


def summary_text(parsed: Parsed) -> str:
    """One line on what a file holds: rows read, good, bad (left out)."""
    bad = len(parsed.bad_rows)
    tail = f", {bad} bad (left out if you import)" if bad else ""
    return f"{parsed.total} row(s) read: {parsed.good} good{tail}."


def import_label(parsed: Parsed | None) -> str:
    """Text of the import button for ``parsed``."""
    if parsed is None:
        return "Import"
    return f"Import {parsed.good} good row{'s' if parsed.good != 1 else ''}"


class ImportReviewDialog(QDialog):
    """Shows what a file holds; accept = import the good rows."""

    def __init__(self, parsed: Parsed, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.parsed = parsed
        self.setWindowTitle(f"Import {parsed.source}")
        self.summary = QLabel(summary_text(parsed), self)
        self.issues = IssueList(self)
        self.issues.show_parsed(parsed)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.import_button: QPushButton = buttons.addButton(
            import_label(parsed), QDialogButtonBox.ButtonRole.AcceptRole)
        self.import_button.setEnabled(parsed.good > 0)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        box = QVBoxLayout(self)
        box.addWidget(self.summary)
        box.addWidget(self.issues)
        box.addWidget(buttons)
        self.resize(760, 420)
