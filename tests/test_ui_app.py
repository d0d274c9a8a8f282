"""Starting the app: no-display message, offscreen screenshot, lazy heavy imports."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from planner import load_plan, sample_plan

ROOT = Path(__file__).resolve().parent.parent


def run(args, env_changes=None, drop=()):
    env = {k: v for k, v in os.environ.items() if k not in drop}
    env.update(env_changes or {})
    return subprocess.run([sys.executable, *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=120)


def test_without_a_display_main_explains_instead_of_aborting():
    if not sys.platform.startswith("linux"):
        return
    out = run(["main.py"], drop=("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"))
    assert out.returncode == 2
    assert "No display" in out.stderr and "compute" in out.stderr and "offscreen" in out.stderr
    assert "Traceback" not in out.stderr


def test_screenshot_renders_the_sample_plan_offscreen(tmp_path):
    from PySide6.QtGui import QImage

    png = tmp_path / "shot.png"
    out = run(["main.py", "--screenshot", str(png)], drop=("DISPLAY", "WAYLAND_DISPLAY"))
    assert out.returncode == 0, out.stderr
    image = QImage(str(png))
    assert (image.width(), image.height()) == (1600, 900)
    assert not list(tmp_path.glob(".shot.png*")), "no temporary file left behind"


def test_screenshot_of_an_unreadable_file_fails_with_a_message(tmp_path):
    bad = tmp_path / "bad.xlsx"
    bad.write_text("not a workbook")
    out = run(["main.py", "--screenshot", str(tmp_path / "x.png"), str(bad)],
              {"QT_QPA_PLATFORM": "offscreen"})
    assert out.returncode == 2
    assert "bad.xlsx" in out.stderr and "Traceback" not in out.stderr
    assert not (tmp_path / "x.png").exists()


def test_start_up_imports_neither_matplotlib_nor_openpyxl():
    code = ("import sys; from PySide6.QtWidgets import QApplication; app = QApplication([]); "
            "from ui.mainwindow import MainWindow; w = MainWindow(); w.show(); "
            "app.processEvents(); print(sorted(m for m in ('matplotlib', 'openpyxl') "
            "if m in sys.modules)); w.document.undo_stack.clear()")
    out = run(["-c", code], {"QT_QPA_PLATFORM": "offscreen"})
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().splitlines()[-1] == "[]"


def test_the_sample_built_in_code_is_the_bundled_workbook():
    assert load_plan(ROOT / "resources" / "sample_plan.xlsx") == sample_plan()


def test_installed_pyside_keeps_reference_counts(qapp):
    """PySide6 6.12.0 loses a reference on every emit / setPen: long sessions would abort."""
    from ui.qtcompat import leaking_calls

    assert leaking_calls() == [], "this PySide6 build is excluded in pyproject.toml"


def test_many_edits_and_paints_do_not_abort_the_process():
    code = ("import sys; sys.path.insert(0, '.'); from PySide6.QtWidgets import QApplication; "
            "app = QApplication([]); from ui.mainwindow import MainWindow; w = MainWindow(); "
            "w.show(); m = w.plan_tab.model; i = m.index(1, 4)\n"
            "for k in range(400):\n"
            "    m.setData(i, str(3000 + k % 7 + 1)); w.plan_tab.view.viewport().grab() "
            "if k % 50 == 0 else None\n"
            "w.document.undo_stack.setClean(); print('ok')")
    out = run(["-c", code], {"QT_QPA_PLATFORM": "offscreen"})
    assert out.returncode == 0, out.stderr[-500:]
    assert out.stdout.strip().endswith("ok")
