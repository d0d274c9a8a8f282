"""The Market data dialog: import kline and funding files, list what is stored, delete a series.

Import reads each file (a progress bar counts them), then shows the bad rows, if any, and asks
before storing the good ones; the store writes every file in one transaction.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from planner.errors import PlanError
from planner.market.store import MarketError, MarketStore
from ui.market.models import SeriesModel


class MarketDialog(QDialog):
    """List, import and delete market data in the file at ``path``.

    Signals:
        stored(): The file changed (an import or a delete went through): plans that take σ
            from it refresh their history.
    """

    stored = Signal()

    def __init__(self, path: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Market data")
        self.path = path
        self.model = SeriesModel(self)
        self.view = QTableView(self)
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.progress = QProgressBar(self)
        self.progress.setVisible(False)
        self.status = QLabel(f"File: {path}", self)
        self.status.setWordWrap(True)
        buttons = QHBoxLayout()
        for text, slot in (("&Import files…", self._choose),
                           ("&Delete series", self._delete_clicked)):
            b = QPushButton(text, self)
            b.clicked.connect(slot)
            buttons.addWidget(b)
        buttons.addStretch(1)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        for w in (self.view, self.progress, self.status):
            layout.addWidget(w)
        layout.addLayout(buttons)
        layout.addWidget(close)
        self.resize(760, 380)
        self.refresh()

    def refresh(self) -> None:
        """Reload the list from the file (empty when there is no file yet)."""
        if not self.path.exists():
            self.model.set_series(MarketStore.empty_series(), {})
            return
        try:
            with MarketStore(self.path, read_only=True) as store:
                frame = store.series()
                gaps = {(s, i): store.gaps(s, i) for k, s, i in
                        zip(frame["kind"], frame["symbol"], frame["interval"], strict=True)
                        if k == "candles"}
        except MarketError as exc:
            self.status.setText(str(exc))
            return
        self.model.set_series(frame, gaps)
        self.view.resizeColumnsToContents()

    def _choose(self) -> None:
        files, _ = QFileDialog.getOpenFileNames(self, "Import market data", "",
                                                "Kline or funding files (*.zip *.csv)")
        if files:
            self.import_files(files, ask=self._ask)

    def _ask(self, text: str) -> bool:
        answer = QMessageBox.question(self, "Bad rows", text + "\n\nImport the good rows?")
        return answer == QMessageBox.StandardButton.Yes

    def import_files(self, files: list[str], *, ask: Any = None) -> str:
        """Read ``files`` (progress per file), ask about bad rows, store; return the summary.

        Args:
            files: Paths.
            ask: Called with the bad rows' text; True stores the good rows. ``None`` refuses.
        """
        from planner.market.importer import read_file, store_files

        self.progress.setRange(0, len(files))
        self.progress.setVisible(True)
        try:
            loaded = []
            for i, f in enumerate(files):
                loaded.append(read_file(f))
                self.progress.setValue(i + 1)
            issues = [str(i) for f in loaded for i in f.parsed.issues]
            accept = bool(issues) and ask is not None and ask("\n".join(issues[:15]))
            if issues and not accept:
                return self._say(f"Nothing imported: {len(issues)} bad row(s), e.g. {issues[0]}")
            with MarketStore(self.path) as store:
                done = store_files(store, loaded, accept_good=accept)
        except (PlanError, MarketError) as exc:
            return self._say(f"Nothing imported: {exc}")
        finally:
            self.progress.setVisible(False)
        self.refresh()
        self.stored.emit()
        return self._say("; ".join(f"{r.file_name}: {r.added} added, {r.skipped} already "
                                   "stored" for r in done))

    def _say(self, text: str) -> str:
        self.status.setText(text)
        return text

    def _delete_clicked(self) -> None:
        answer = QMessageBox.question(self, "Delete series",
                                      "Delete the selected series from the market file?")
        if answer == QMessageBox.StandardButton.Yes:
            self.delete()

    def delete(self) -> int:
        """Delete the selected series; return rows deleted (the button asks first)."""
        rows = {i.row() for i in self.view.selectionModel().selectedRows()}
        if not rows:
            self._say("Select a series to delete.")
            return 0
        kind, symbol, interval = self.model.key(min(rows))
        try:
            with MarketStore(self.path) as store:
                n = store.delete(symbol, interval if kind == "candles" else "")
        except MarketError as exc:
            self._say(str(exc))
            return 0
        self.refresh()
        self.stored.emit()
        self._say(f"Deleted {n:,} rows of {symbol} {interval or 'funding'}.")
        return n
