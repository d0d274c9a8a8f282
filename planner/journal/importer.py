"""Getting trades into the journal: read a source, show its problems, store the good rows.

Importing is two steps so that nothing is stored behind the user's back: :func:`read_source`
reads and validates (journal CSV, a workbook's ``Journal`` sheet, or any export through a
:class:`~planner.journal.mapping.ColumnMapping`) and returns good rows plus every issue;
:func:`store_parsed` stores the good rows in one transaction — refused while there are bad rows,
unless the user accepted the good ones.
"""

from __future__ import annotations

from pathlib import Path

from planner.errors import CellIssue, PlanError
from planner.journal.csvio import read_journal_csv
from planner.journal.frame import Parsed
from planner.journal.mapping import ColumnMapping, read_mapped
from planner.journal.store import AddResult, Batch, JournalStore

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")


class ImportRefused(PlanError):
    """A source has bad rows and the user has not accepted the good ones; nothing was stored.

    Attributes:
        parsed: What was read (good rows and issues).
    """

    def __init__(self, parsed: Parsed, limit: int = 20) -> None:
        self.parsed = parsed
        head = CellIssue(parsed.source, None, None,
                         f"{len(parsed.bad_rows)} bad row(s) of {parsed.total}; nothing was "
                         f"imported (accept the {parsed.good} good row(s) to import them)")
        super().__init__([head, *parsed.issues], limit=limit)


def read_source(path: str | Path, *, tz: str | None = None,
                mapping: ColumnMapping | None = None) -> Parsed:
    """Read and validate one source; store nothing.

    Args:
        path: A journal CSV, an export CSV (with ``mapping``) or a plan workbook (.xlsx) with a
            ``Journal`` sheet.
        tz: Timezone of times without an offset (journal CSV; a workbook's times are naive
            by nature and read as UTC unless ``tz`` says otherwise). A mapping has its own.
        mapping: Column mapping for an exchange or broker export.

    Raises:
        FileRefused: The file cannot be read as asked (names what is wrong).
    """
    path = Path(path)
    if path.suffix.lower() in WORKBOOK_SUFFIXES:
        from planner.journal.workbook import read_journal_sheet

        return read_journal_sheet(path, tz=tz or "UTC")
    if mapping is not None:
        return read_mapped(path, mapping)
    return read_journal_csv(path, tz)


def is_export(path: str | Path, forced: str | None = None) -> bool:
    """True when ``path`` is an exchange export of a known layout (or ``forced`` names one)."""
    path = Path(path)
    if path.suffix.lower() in WORKBOOK_SUFFIXES:
        return False
    if forced:
        return True
    from planner.journal.formats.load import sniff

    return sniff(path) is not None


def read_exports(paths: list[Path], *, forced: str | None = None, tz: str | None = None,
                 dayfirst: bool | None = None, face_values: dict[str, float] | None = None,
                 plan_rows: object = None) -> tuple[list[tuple[Parsed, str, str]], list[str]]:
    """Read exchange exports (fills netted into trades); store nothing.

    Args:
        paths: Export files (read together: funding files attach to the fills' trades).
        forced: Preset name (``--format``), or ``None`` to detect each file's layout.
        tz: Timezone of naive times when a file names no offset.
        dayfirst: Day/month order of slashed dates, ``None`` when not given.
        face_values: Contract face values by symbol (contracts in the file).
        plan_rows: A plan's rows (``Plan.rows``) to link each trade to, or ``None``.

    Returns:
        ``[(parsed, "export", preset name)]`` per file, and notes for the user.

    Raises:
        FileRefused: A file cannot be read as asked.
    """
    from planner.journal.formats import read_exports as read

    got = read(paths, forced=forced, tz=tz, dayfirst=dayfirst, face_values=face_values)
    notes = list(got.notes)
    parsed = list(got.parsed)
    if plan_rows is not None:
        from planner.journal.planlink import link_parsed

        parsed, more = link_parsed(parsed, plan_rows)
        notes += more
    return [(p, "export", name) for p, name in zip(parsed, got.presets, strict=True)], notes


def source_kind(path: str | Path, mapping: ColumnMapping | None) -> str:
    """The batch source label: ``workbook``, ``mapped`` or ``csv``."""
    if Path(path).suffix.lower() in WORKBOOK_SUFFIXES:
        return "workbook"
    return "mapped" if mapping is not None else "csv"


def store_parsed(store: JournalStore, parsed: Parsed, *, accept_good: bool = False,
                 source: str = "csv", mapping_name: str = "") -> AddResult:
    """Store the good rows of ``parsed`` in one transaction (re-imported rows are skipped).

    Raises:
        ImportRefused: There are bad rows and ``accept_good`` is False; nothing stored.
        JournalError: The journal is read-only or locked; nothing stored.
    """
    return store_all(store, [(parsed, source, mapping_name)], accept_good=accept_good)[0]


def store_all(store: JournalStore, items: list[tuple[Parsed, str, str]], *,
              accept_good: bool = False) -> list[AddResult]:
    """Store several reviewed sources — ``(parsed, source, mapping name)`` — in one transaction.

    Raises:
        ImportRefused: A source has bad rows and ``accept_good`` is False; nothing stored.
        JournalError: The journal is read-only or locked; nothing stored.
    """
    for parsed, _, _ in items:
        if parsed.issues and not accept_good:
            raise ImportRefused(parsed)
    return store.add_many([Batch(p.frame, src, Path(p.source).name, name)
                           for p, src, name in items])
