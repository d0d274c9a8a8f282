"""``run_app(file, screenshot=None)``: start the desktop app (or render it to a PNG)."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QApplication

from planner.atomic import atomic_path

SCREENSHOT_SIZE = (1600, 900)


def _application() -> QApplication:
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        app = QApplication(sys.argv[:1])
    app.setApplicationName("Trade planner")
    app.setOrganizationName("trade-planner")
    return app


def run_app(file: str | None = None, *, screenshot: str | None = None) -> int:
    """Open the main window on ``file`` (default: the sample plan) and run the event loop.

    Args:
        file: A plan workbook to open, or ``None`` for the bundled sample plan.
        screenshot: When given, render the window to this PNG and exit instead of running.

    Returns:
        The process exit code (2 when ``file`` cannot be opened in screenshot mode).
    """
    from PySide6.QtCore import QSettings

    from ui.mainwindow import MainWindow
    from ui.prefs import Prefs
    from ui.qtcompat import warn_if_leaking

    if screenshot and _refused_screenshot(screenshot, file):
        return 2
    app = _application()
    warn_if_leaking()
    prefs = Prefs(None if screenshot else QSettings())
    window = MainWindow(prefs=prefs)
    if file:
        window.files.show_error = _error_sink(window, fatal=bool(screenshot))
        if not window.files.open_path(file, ask=False) and screenshot:
            return 2
    if screenshot:
        return _screenshot(app, window, screenshot)
    window.show()
    from ui.autosave import ask_with_dialog, recover_into

    recover_into(window, ask_with_dialog(window))
    return app.exec()


def _refused_screenshot(out: str, file: str | None) -> bool:
    """Say so and return True when the screenshot would overwrite the plan or the journal."""
    from planner.journal.location import journal_path
    from planner.paths import OutputRefused, check_outputs

    try:
        check_outputs([out], {"plan workbook": file, "journal": journal_path()})
    except OutputRefused as exc:
        sys.stderr.write(f"error: {exc}\n")
        return True
    return False


def _error_sink(window: Any, fatal: bool) -> Callable[[str, str], None]:
    from PySide6.QtWidgets import QMessageBox

    def show(title: str, text: str) -> None:
        sys.stderr.write(f"{title}: {text}\n")
        if not fatal:
            QMessageBox.warning(window, title, text)
    return show


def _screenshot(app: QApplication, window: object, out: str) -> int:
    window.resize(*SCREENSHOT_SIZE)  # type: ignore[attr-defined]
    window.show()  # type: ignore[attr-defined]
    app.processEvents()
    window.plan_tab.fit_columns()  # type: ignore[attr-defined]
    app.processEvents()
    pixmap = window.grab()  # type: ignore[attr-defined]
    target = Path(out)
    with atomic_path(target, suffix=".png") as tmp:
        if not pixmap.save(str(tmp), "PNG"):
            raise OSError(f"could not write {target}")
    print(f"wrote {target}")
    window.close()  # type: ignore[attr-defined]
    return 0
