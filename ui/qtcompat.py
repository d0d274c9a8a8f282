"""Detect a reference-count bug of some PySide6 builds (seen with 6.12.0).

With the affected build, calls such as ``SignalInstance.emit()`` (returns ``True``) and
``QPainter.setPen()`` (returns ``None``) hand back ``True`` / ``None`` without taking a
reference. Every such call then lowers the singleton's reference count by one, and after some
thousands of signals or paint calls Python aborts ("Fatal Python error: bool_dealloc" or
"none_dealloc") — in the middle of a session. ``pyproject.toml`` excludes that release; this
check lets the app say so plainly if it is installed anyway.
"""

from __future__ import annotations

import gc
import sys
from collections.abc import Callable
from typing import Any

WARNING = ("trade planner: this PySide6 build ({version}) loses references on {calls}, which "
           "makes long sessions abort; install another release: pip install "
           "'PySide6>=6.6,<6.12'\n")


def _drops(call: Callable[[], Any], probes: int = 64) -> bool:
    """True when each ``call()`` lowers the count of ``None``, ``True`` or ``False``.

    The cyclic garbage collector is paused while probing: a collection that frees unrelated
    objects would otherwise lower the counts too and look like the bug.
    """
    gc.collect()
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        before = [sys.getrefcount(x) for x in (None, True, False)]
        for _ in range(probes):
            call()
        after = [sys.getrefcount(x) for x in (None, True, False)]
    finally:
        if was_enabled:
            gc.enable()
    return any(a <= b - probes for a, b in zip(after, before, strict=True))


def leaking_calls() -> list[str]:
    """Names of the probed PySide6 calls that lose a reference (empty on a sound build)."""
    from PySide6.QtCore import QObject, Signal
    from PySide6.QtGui import QColor, QImage, QPainter

    class _Probe(QObject):
        ping = Signal()

    probe = _Probe()
    image = QImage(4, 4, QImage.Format.Format_ARGB32)
    painter = QPainter(image)
    try:
        calls = {"Signal.emit": probe.ping.emit,
                 "QPainter.setPen": lambda: painter.setPen(QColor("black"))}
        return [name for name, call in calls.items() if _drops(call)]
    finally:
        painter.end()


def warn_if_leaking() -> bool:
    """Write a warning to stderr when the installed PySide6 has the bug; True if it has."""
    import PySide6

    bad = leaking_calls()
    if bad:
        sys.stderr.write(WARNING.format(version=PySide6.__version__, calls=", ".join(bad)))
    return bool(bad)
