"""Helpers for reader tests: run a call with a deadline, craft workbooks by patching their XML."""

from __future__ import annotations

import threading
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any


def finishes_within(seconds: float, fn: Callable[..., Any], *args: Any) -> Any:
    """Call ``fn(*args)`` in a daemon thread; fail if it has not finished after ``seconds``.

    Returns what it returned, or the exception it raised (as a value), so that a call that
    would hang (the bug under test) fails the test instead of stalling the run.
    """
    box: dict[str, Any] = {}

    def run() -> None:
        try:
            box["value"] = fn(*args)
        except BaseException as exc:  # noqa: BLE001 - handed back to the test
            box["value"] = exc

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), f"{getattr(fn, '__name__', fn)} still running after {seconds} s"
    return box["value"]


def patch_part(src: Path, dst: Path, part: str, change: Callable[[bytes], bytes]) -> Path:
    """Copy the package ``src`` to ``dst`` with ``change`` applied to the bytes of ``part``."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            zout.writestr(info.filename, change(data) if info.filename == part else data)
    return dst


def openpyxl_book(path: Path, sheets: dict[str, list[list[Any]]]) -> Path:
    """A workbook written by openpyxl: sheet name -> rows (the first sheet first)."""
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
    wb.save(path)
    return path
