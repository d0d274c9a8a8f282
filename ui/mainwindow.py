"""The main window: menus, toolbar, the Plan / Portfolio / Settings tabs and the status bar.

Public API for extensions (e.g. the Journal):

* ``window.document`` — the open :class:`~ui.document.PlanDocument` (``plan``, ``results``,
  ``apply(edit, text)``, signal ``changed``);
* ``window.selected_source_rows()`` — plan row indices of the grid selection;
* ``window.add_tab(widget, title)`` — add a tab;
* ``window.plan_menu`` — the *Plan* menu, where row actions live;
* ``window.show_message(text)`` — a note in the status bar.

At the end of construction the window calls ``install(window)`` of every module listed in
:data:`ui.extensions.EXTENSIONS`; a failing extension is reported on stderr and skipped.
"""

from __future__ import annotations

import importlib
import sys
import traceback
from pathlib import Path
from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtGui import QCloseEvent, QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QMainWindow, QTabWidget, QVBoxLayout, QWidget

from ui.autosave import Autosave
from ui.document import PlanDocument
from ui.files import SAMPLE_NAME, FileActions, load_sample
from ui.menus import build_menus
from ui.plan_tab import PlanTab
from ui.prefs import Prefs
from ui.settings import SettingsTab
from ui.statusbar import PlanStatus

APP_NAME = "Trade planner"


class LazyTab(QWidget):
    """A tab whose real widget is built the first time it is shown (keeps start-up fast)."""

    def __init__(self, build: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._build = build
        self.widget: QWidget | None = None
        self._box = QVBoxLayout(self)
        self._box.setContentsMargins(0, 0, 0, 0)

    def ensure(self) -> QWidget:
        """Build the widget now if it is not built yet."""
        if self.widget is None:
            self.widget = self._build(self)
            self._box.addWidget(self.widget)
        return self.widget


class MainWindow(QMainWindow):
    """The trade planner's window on one document."""

    def __init__(self, document: PlanDocument | None = None, prefs: Prefs | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        if document is None:
            document = PlanDocument(load_sample(), name=SAMPLE_NAME)
        document.setParent(self)  # the window owns its document (same lifetime)
        self.document = document
        self.prefs = prefs or Prefs()
        self.files = FileActions(self, document, self.prefs)
        self.plan_tab = PlanTab(document, self.prefs, self)
        self.settings_tab = SettingsTab(document, self)
        self.tabs = QTabWidget(self)
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self.plan_tab, "Plan")
        self.portfolio = LazyTab(self._build_portfolio, self)
        self.tabs.addTab(self.portfolio, "Portfolio")
        self.tabs.addTab(self.settings_tab, "Settings")
        self.tabs.currentChanged.connect(self._tab_shown)
        self.setCentralWidget(self.tabs)
        self.status = PlanStatus(self.statusBar())
        self.plan_menu = build_menus(self)
        self._results_timer = QTimer(self, singleShot=True, interval=0)
        self._results_timer.timeout.connect(self._push_results)
        self.autosave = Autosave(lambda: self.document.plan, lambda: self.document.path,
                                 lambda: self.document.is_modified, parent=self)
        self._connect()
        self.setAcceptDrops(True)
        self.resize(1600, 900)
        self._on_changed()
        self._update_title()
        self._install_extensions()

    def _connect(self) -> None:
        doc = self.document
        doc.changed.connect(self._on_changed)
        doc.file_changed.connect(self._update_title)
        doc.undo_stack.cleanChanged.connect(self._update_title)
        doc.changed.connect(self.autosave.note_change)
        doc.undo_stack.cleanChanged.connect(self._clean_changed)
        self.autosave.snapshot_failed.connect(self.show_message)
        for source in (self.files.message, self.plan_tab.grid_actions.message,
                       self.plan_tab.model.edit_refused, self.settings_tab.message):
            source.connect(self.show_message)

    # -- public API ------------------------------------------------------------------------
    def selected_source_rows(self) -> list[int]:
        """Plan row indices of the grid selection (after sort / filter mapping), ascending."""
        return self.plan_tab.selected_plan_rows()

    def add_tab(self, widget: QWidget, title: str) -> int:
        """Add a tab; returns its index."""
        return self.tabs.addTab(widget, title)

    def show_message(self, text: str, msecs: int = 12_000) -> None:
        """Show a note in the status bar (its full text in the tooltip)."""
        self.statusBar().showMessage(text, msecs)
        self.statusBar().setToolTip(text)

    # -- document --------------------------------------------------------------------------
    def _on_changed(self) -> None:
        self.status.show_results(self.document.results, self.plan_tab.model.incomplete_mask())
        self._results_timer.start()

    def _push_results(self) -> None:
        tab = self.portfolio.widget
        if tab is not None:
            tab.set_results(self.document.plan, self.document.results)  # type: ignore[attr-defined]

    def _clean_changed(self, clean: bool) -> None:
        if clean:  # saved, or every change undone: the snapshot is no longer needed
            self.autosave.saved()

    def _update_title(self, *_: Any) -> None:
        self.setWindowTitle(f"{self.document.name}[*] — {APP_NAME}")
        self.setWindowModified(self.document.is_modified)

    def _build_portfolio(self, parent: QWidget) -> QWidget:
        from ui.portfolio import PortfolioTab

        tab = PortfolioTab(parent)
        tab.bucket_selected.connect(self._bucket_selected)
        tab.set_results(self.document.plan, self.document.results)
        tab.set_selected_row(self._current_plan_row())
        self.plan_tab.view.selectionModel().currentChanged.connect(self._grid_row_changed)
        return tab

    # The Portfolio tab's price ladder follows the grid's current trade (issue 5).
    def _current_plan_row(self) -> int | None:
        index, model = self.plan_tab.view.currentIndex(), self.plan_tab.model
        return model.plan_row(index.row()) if 0 <= index.row() < model.rowCount() else None

    def _grid_row_changed(self, *_: Any) -> None:
        tab = self.portfolio.widget
        if tab is not None:
            tab.set_selected_row(self._current_plan_row())  # type: ignore[attr-defined]

    def _bucket_selected(self, bucket: str) -> None:
        self.plan_tab.set_bucket_filter(bucket)

    def _tab_shown(self, index: int) -> None:
        if self.tabs.widget(index) is self.portfolio:
            try:
                self.portfolio.ensure()
            except Exception as exc:  # the plan must stay usable if a tab fails to build
                self.show_message(f"The Portfolio tab could not be built: {exc}")
                traceback.print_exc()

    # -- window events ---------------------------------------------------------------------
    def closeEvent(self, event: QCloseEvent) -> None:
        """Ask before unsaved changes are lost."""
        if self.files.maybe_save():
            self.autosave.close()
            event.accept()
        else:
            event.ignore()

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        """Accept a dragged workbook."""
        if _dropped_workbook(event) is not None:
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        """Open a dropped workbook (asking first about unsaved changes)."""
        path = _dropped_workbook(event)
        if path is not None:
            event.acceptProposedAction()
            self.files.open_path(path)

    # -- extensions ------------------------------------------------------------------------
    def _install_extensions(self) -> None:
        from ui.extensions import EXTENSIONS

        for name in EXTENSIONS:
            try:
                _extension_installer(name)(self)
            except Exception:
                sys.stderr.write(f"trade planner: extension {name!r} failed to install:\n")
                traceback.print_exc()


def _extension_installer(name: str) -> Any:
    """``install`` of module ``name``, or the function ``name`` itself (``pkg.install``)."""
    try:
        return importlib.import_module(name).install
    except ModuleNotFoundError as exc:
        module, _, attr = name.rpartition(".")
        if not module or exc.name != name:
            raise
        return getattr(importlib.import_module(module), attr)


def _dropped_workbook(event: QDragEnterEvent | QDropEvent) -> Path | None:
    urls = event.mimeData().urls() if event.mimeData().hasUrls() else []
    paths = [Path(u.toLocalFile()) for u in urls if u.isLocalFile()]
    return next((p for p in paths if p.suffix.lower() == ".xlsx"), None)
