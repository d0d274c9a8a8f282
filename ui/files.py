"""Documents: New, Open, Open Recent, Save, Save As, the sample plan, dropped files.

The workbook is the document. Opening a file that cannot be read leaves the open plan as it
was; saving writes atomically (``planner.save_plan``). Every question to the user goes through
a seam a test can answer instead of a dialog:

* ``ask_save(name) -> "save" | "discard" | "cancel"`` — before unsaved changes would be lost;
* ``ask_open_path() -> str | None`` and ``ask_save_path(name) -> str | None`` — file dialogs;
* ``show_error(title, text)`` — a refusal the user must see.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QFileDialog, QMenu, QMessageBox, QWidget

from planner.errors import PlanError
from ui.document import PlanDocument
from ui.prefs import Prefs

if TYPE_CHECKING:
    from planner import Plan

RECENT_KEY = "files/recent"
MAX_RECENT = 8
FILTER = "Plan workbooks (*.xlsx)"
SAMPLE_NAME = "Sample plan"


def sample_plan_path() -> Path:
    """The bundled sample workbook."""
    return Path(__file__).resolve().parent.parent / "resources" / "sample_plan.xlsx"


def load_sample() -> Plan:
    """The bundled sample plan, read from its workbook.

    Built in code instead when the file is missing or unreadable, so the app always opens.
    """
    from planner import load_plan, sample_plan

    try:
        return load_plan(sample_plan_path())
    except (PlanError, OSError) as exc:
        sys.stderr.write(f"trade planner: sample workbook not read ({exc}); using the built-in "
                         "copy\n")
        return sample_plan()


def _default_ask_save(parent: QWidget) -> Callable[[str], str]:
    def ask(name: str) -> str:
        buttons = (QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard
                   | QMessageBox.StandardButton.Cancel)
        answer = QMessageBox.question(parent, "Unsaved changes",
                                      f"Save the changes to {name}?", buttons,
                                      QMessageBox.StandardButton.Save)
        return {QMessageBox.StandardButton.Save: "save",
                QMessageBox.StandardButton.Discard: "discard"}.get(answer, "cancel")
    return ask


class FileActions(QObject):
    """File commands of the main window.

    Signals:
        message(str): A note for the status bar ("Saved …", "Opened …").
    """

    message = Signal(str)

    def __init__(self, parent: QWidget, document: PlanDocument, prefs: Prefs) -> None:
        super().__init__(parent)
        self._parent, self._doc, self._prefs = parent, document, prefs
        self.ask_save: Callable[[str], str] = _default_ask_save(parent)
        self.ask_open_path: Callable[[], str | None] = lambda: QFileDialog.getOpenFileName(
            parent, "Open plan", self._folder(), FILTER)[0] or None
        self.ask_save_path: Callable[[str], str | None] = lambda name: QFileDialog.getSaveFileName(
            parent, "Save plan as", str(Path(self._folder()) / name), FILTER)[0] or None
        self.show_error: Callable[[str, str], object] = lambda title, text: QMessageBox.warning(
            parent, title, text)
        self.recent_menu = QMenu("Open &Recent", parent)
        self.recent_menu.aboutToShow.connect(self._fill_recent)
        self.actions = self._make_actions()

    def _make_actions(self) -> dict[str, QAction]:
        spec = (("new", "&New", QKeySequence.StandardKey.New, self.new),
                ("open", "&Open…", QKeySequence.StandardKey.Open, self.open),
                ("save", "&Save", QKeySequence.StandardKey.Save, self.save),
                ("save_as", "Save &As…", QKeySequence.StandardKey.SaveAs, self.save_as),
                ("sample", "Open &sample plan", None, self.open_sample))
        out = {}
        for name, text, keys, slot in spec:
            act = QAction(text, self)
            if keys is not None:
                act.setShortcut(QKeySequence(keys))
            act.triggered.connect(slot)
            out[name] = act
        return out

    def _folder(self) -> str:
        recent = self.recent()
        return str(Path(recent[0]).parent) if recent else str(Path.home())

    # -- questions -------------------------------------------------------------------------
    def maybe_save(self) -> bool:
        """Ask before unsaved changes are lost; True when it is fine to go on."""
        if not self._doc.is_modified:
            return True
        answer = self.ask_save(self._doc.name)
        if answer == "save":
            return self.save()
        return answer == "discard"

    # -- commands --------------------------------------------------------------------------
    def new(self) -> bool:
        """Start an empty plan (one blank row, default settings, shipped venues)."""
        from planner import Plan, empty_trades, shipped_venues

        if not self.maybe_save():
            return False
        self._doc.load(Plan(trades=empty_trades(1), venues=shipped_venues()), name="Untitled")
        self.message.emit("New plan")
        return True

    def open_sample(self) -> bool:
        """Open the bundled sample plan as an untitled copy.

        Save then asks where to write, so the shipped workbook stays intact.
        """
        if not self.maybe_save():
            return False
        self._doc.load(load_sample(), name=SAMPLE_NAME)
        return True

    def open(self) -> bool:
        """Ask for a workbook and open it."""
        if not self.maybe_save():
            return False
        path = self.ask_open_path()
        return self.open_path(path, ask=False) if path else False

    def open_path(self, path: str | Path, ask: bool = True) -> bool:
        """Open a workbook; on failure say why (naming where) and keep the open plan."""
        from planner import load_plan

        if ask and not self.maybe_save():
            return False
        try:
            plan = load_plan(path)
            self._doc.load(plan, path=path)
        except (PlanError, OSError) as exc:
            self.show_error("Cannot open plan", f"{Path(path).name} was not opened:\n\n{exc}")
            return False
        except Exception as exc:  # a damaged file must never crash the app
            self.show_error("Cannot open plan", f"{Path(path).name} is not a readable plan "
                            f"workbook ({exc.__class__.__name__}).")
            return False
        self.add_recent(path)
        self.message.emit(f"Opened {Path(path).name}")
        return True

    def save(self) -> bool:
        """Save to the plan's file (Save As when it has none)."""
        if self._doc.path is None:
            return self.save_as()
        return self._save_to(self._doc.path)

    def save_as(self) -> bool:
        """Ask for a file name and save there."""
        base = self._doc.name if self._doc.name.endswith(".xlsx") else f"{self._doc.name}.xlsx"
        path = self.ask_save_path(base)
        if not path:
            return False
        target = Path(path) if Path(path).suffix.lower() == ".xlsx" else Path(f"{path}.xlsx")
        return self._save_to(target)

    def _save_to(self, path: Path) -> bool:
        try:
            saved = self._doc.save(path)
        except PlanError as exc:
            self.show_error("Plan not saved", f"The plan was not saved:\n\n{exc}")
            return False
        except OSError as exc:
            self.show_error("Plan not saved", f"Could not write {path.name}: "
                            f"{exc.strerror or exc}. The previous file is unchanged.")
            return False
        self.add_recent(saved)
        self.message.emit(f"Saved {saved.name}")
        return True

    # -- recent files ----------------------------------------------------------------------
    def recent(self) -> list[str]:
        """Recently opened or saved workbooks, newest first."""
        return self._prefs.get_list(RECENT_KEY)

    def add_recent(self, path: str | Path) -> None:
        """Put ``path`` first in the recent list."""
        p = str(Path(path).resolve())
        self._prefs.set(RECENT_KEY, [p, *[r for r in self.recent() if r != p]][:MAX_RECENT])

    def _fill_recent(self) -> None:
        self.recent_menu.clear()
        for path in self.recent():
            self.recent_menu.addAction(Path(path).name, partial(self.open_path, path))
        if not self.recent():
            self.recent_menu.addAction("(none)").setEnabled(False)
