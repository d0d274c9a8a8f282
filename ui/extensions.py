"""Modules that extend the main window.

Each entry is a module path whose ``install(window)`` function the main window calls at the end
of its construction (``"pkg.mod.install"`` naming the function itself works too). An extension
that fails to import or install is reported on stderr and skipped; the app still opens.
"""

from __future__ import annotations

EXTENSIONS: list[str] = [
    "ui.journal.install",
    "ui.market.install",
]
