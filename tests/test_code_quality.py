"""House style is enforced, not hoped for: ruff and mypy are clean on the whole tree."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest

from tests.conftest import ROOT


def _tool(name: str) -> list[str]:
    if shutil.which(name) is None and subprocess.run(
            [sys.executable, "-m", name, "--version"], capture_output=True).returncode:
        pytest.skip(f"{name} is not installed (pip install -e '.[dev]')")
    return [sys.executable, "-m", name]


def test_ruff_is_clean():
    out = subprocess.run([*_tool("ruff"), "check", "."], cwd=ROOT, capture_output=True,
                         text=True, timeout=300)
    assert out.returncode == 0, out.stdout + out.stderr


def test_mypy_is_clean():
    out = subprocess.run(_tool("mypy"), cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stdout + out.stderr
