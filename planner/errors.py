"""Errors that name where bad input lies: sheet, row and column."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CellIssue:
    """One problem with one place in a plan.

    Attributes:
        sheet: Sheet name, e.g. ``"Plan"``.
        row: Spreadsheet row number (1-based, header is row 1), or ``None`` for a whole sheet.
        column: Column header as the user sees it, or ``None`` for a whole row or sheet.
        message: What is wrong, in plain words.
    """

    sheet: str
    row: int | None
    column: str | None
    message: str

    def where(self) -> str:
        """Return the location as ``Sheet row N, column "Header"``."""
        parts = [self.sheet]
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column is not None:
            parts.append(f'column "{self.column}"')
        return ", ".join(parts)

    def __str__(self) -> str:
        return f"{self.where()}: {self.message}"


class PlanError(ValueError):
    """A plan (or a file holding one) is invalid; carries every issue found."""

    def __init__(self, issues: list[CellIssue] | CellIssue | str, *, limit: int = 20) -> None:
        if isinstance(issues, str):
            issues = [CellIssue("Plan", None, None, issues)]
        elif isinstance(issues, CellIssue):
            issues = [issues]
        self.issues: list[CellIssue] = list(issues)
        shown = [str(i) for i in self.issues[:limit]]
        more = len(self.issues) - limit
        if more > 0:
            shown.append(f"… and {more} more problem(s)")
        super().__init__("\n".join(shown))


class FileRefused(PlanError):
    """A file was refused before or while parsing (not a workbook, hostile, too large)."""
