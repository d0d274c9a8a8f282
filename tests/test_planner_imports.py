"""The domain stays Qt-free: nothing under planner/ imports PySide6 or ui."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_no_planner_module_imports_qt_or_ui():
    offenders = []
    for path in (ROOT / "planner").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            offenders += [f"{path.relative_to(ROOT)}: {n}" for n in names
                          if n.split(".")[0] in ("PySide6", "ui", "matplotlib")]
    assert offenders == []


def test_importing_planner_loads_no_qt_at_run_time():
    code = "import sys, planner; planner.compute(planner.sample_plan()); " \
           "print([m for m in sys.modules if m.startswith(('PySide6', 'ui', 'matplotlib'))])"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == "[]"
